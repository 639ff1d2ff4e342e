package io.github.sam2fiji.core.progress;

/** Thrown when work stops because its {@link CancellationToken} was cancelled. */
public class CancelledException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public CancelledException() {
		super("Cancelled by the user");
	}
}
