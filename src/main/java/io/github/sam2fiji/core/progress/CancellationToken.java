package io.github.sam2fiji.core.progress;

/**
 * Asked between units of work (frames, objects). Work that sees it cancelled throws
 * {@link CancelledException} and leaves no result that looks complete.
 */
@FunctionalInterface
public interface CancellationToken {

	CancellationToken NEVER = () -> false;

	boolean isCancelled();

	/** Throws {@link CancelledException} if cancelled; call between units of work. */
	default void throwIfCancelled() {
		if (isCancelled()) throw new CancelledException();
	}
}
