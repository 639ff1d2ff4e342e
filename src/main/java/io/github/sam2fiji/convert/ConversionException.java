package io.github.sam2fiji.convert;

/**
 * A checkpoint could not be read or converted. The message is one line that names the file and
 * the problem (a missing tensor, a wrong shape, a damaged archive) and what to do.
 */
public class ConversionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ConversionException(String message) {
		super(message);
	}

	public ConversionException(String message, Throwable cause) {
		super(message, cause);
	}
}
