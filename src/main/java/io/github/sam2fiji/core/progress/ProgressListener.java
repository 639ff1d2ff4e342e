package io.github.sam2fiji.core.progress;

/** Receives progress of long work; called from the working thread, so implementations must be quick. */
@FunctionalInterface
public interface ProgressListener {

	ProgressListener NONE = (done, total, message) -> {};

	/**
	 * @param done units of work finished so far
	 * @param total units of work in all (e.g. frames), at least 1
	 * @param message short human-readable status, e.g. "frame 12 of 80"
	 */
	void progress(long done, long total, String message);
}
