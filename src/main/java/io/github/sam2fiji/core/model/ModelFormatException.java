package io.github.sam2fiji.core.model;

/** A model package that cannot be used: missing, corrupt, truncated or of an unknown format. */
public class ModelFormatException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ModelFormatException(String message) {
		super(message);
	}

	public ModelFormatException(String message, Throwable cause) {
		super(message, cause);
	}
}
