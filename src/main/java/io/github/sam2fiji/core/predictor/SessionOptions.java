package io.github.sam2fiji.core.predictor;

import java.nio.file.Path;

/**
 * How a {@link TrackingSession} behaves, for settings that are the caller's choice rather than the
 * model's. Null means "the model package's setting".
 *
 * @param nonOverlapMasks each pixel goes to at most one object in the outputs (SAM 2's
 *          {@code non_overlap_masks}); null: the package's setting
 * @param correctionsAsConditioning a prompt on an already tracked frame becomes a conditioning frame,
 *          so the correction persists through re-propagation (SAM 2's
 *          {@code add_all_frames_to_correct_as_cond}); false is the official default, where the next
 *          propagation recomputes that frame without the correction; null: the package's setting
 * @param batch the session serves one batch of propagation runs and is never corrected: outputs
 *          that no frame still to be processed by the current propagation call can use are dropped as it
 *          goes, so nothing grows with the sequence. Adding or clearing prompts after the first
 *          propagation is refused, and a later call that would need a dropped output is refused (never
 *          computed differently). False (interactive): every output is kept, as the official predictor
 *          keeps it, and what does not fit in {@code memoryBudgetBytes} is spilled to a temporary file
 * @param memoryBudgetBytes RAM for the kept outputs' large arrays (memories and mask logits) before
 *          the least recently used spill to disk; results are the same for any budget
 * @param spillFolder folder for the temporary spill file (deleted when the session closes); null:
 *          the system's temporary folder
 * @param imageCacheBytes RAM for the image embeddings of recently used frames, so that prompts on a
 *          frame visited again decode at once (an interactive annotator moving between frames); the
 *          session always keeps the few it needs itself; results are the same for any size
 */
public record SessionOptions(Boolean nonOverlapMasks, Boolean correctionsAsConditioning, boolean batch, long memoryBudgetBytes, Path spillFolder, long imageCacheBytes) {

	/** Interactive sessions keep this much of recent frames' embeddings (4 to 16 frames of the usual models). */
	public static final long DEFAULT_IMAGE_CACHE_BYTES = 64L << 20;

	public SessionOptions {
		if (memoryBudgetBytes < 0) throw new IllegalArgumentException("The memory budget must be 0 or more bytes, got " + memoryBudgetBytes);
		if (imageCacheBytes < 0) throw new IllegalArgumentException("The image cache must be 0 or more bytes, got " + imageCacheBytes);
	}

	/** Interactive, the package's settings, a RAM budget of a quarter of the Java heap, at most 1 GiB. */
	public static SessionOptions interactive() {
		return new SessionOptions(null, null, false, defaultMemoryBudget(), null, DEFAULT_IMAGE_CACHE_BYTES);
	}

	/** For a batch run that will never be corrected (see {@link #batch()}) and no image cache beyond what the run needs, otherwise as {@link #interactive()}. */
	public static SessionOptions forBatch() {
		return interactive().withBatch(true).withImageCache(0);
	}

	public static long defaultMemoryBudget() {
		return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
	}

	public SessionOptions withNonOverlapMasks(Boolean value) {
		return new SessionOptions(value, correctionsAsConditioning, batch, memoryBudgetBytes, spillFolder, imageCacheBytes);
	}

	public SessionOptions withCorrectionsAsConditioning(Boolean value) {
		return new SessionOptions(nonOverlapMasks, value, batch, memoryBudgetBytes, spillFolder, imageCacheBytes);
	}

	public SessionOptions withBatch(boolean value) {
		return new SessionOptions(nonOverlapMasks, correctionsAsConditioning, value, memoryBudgetBytes, spillFolder, imageCacheBytes);
	}

	public SessionOptions withMemoryBudget(long bytes) {
		return new SessionOptions(nonOverlapMasks, correctionsAsConditioning, batch, bytes, spillFolder, imageCacheBytes);
	}

	public SessionOptions withSpillFolder(Path folder) {
		return new SessionOptions(nonOverlapMasks, correctionsAsConditioning, batch, memoryBudgetBytes, folder, imageCacheBytes);
	}

	public SessionOptions withImageCache(long bytes) {
		return new SessionOptions(nonOverlapMasks, correctionsAsConditioning, batch, memoryBudgetBytes, spillFolder, bytes);
	}
}
