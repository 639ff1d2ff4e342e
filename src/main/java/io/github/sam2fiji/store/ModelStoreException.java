package io.github.sam2fiji.store;

/**
 * A model could not be fetched, imported or removed. The message says what went wrong and what to
 * do; nothing half-written is left where it could be used.
 */
public class ModelStoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ModelStoreException(String message) {
		super(message);
	}

	public ModelStoreException(String message, Throwable cause) {
		super(message, cause);
	}
}
