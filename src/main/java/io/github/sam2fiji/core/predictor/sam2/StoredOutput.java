package io.github.sam2fiji.core.predictor.sam2;

/**
 * One object's output on one frame as a session keeps it (the official predictor's "compact
 * output"): its memory and hole-filled low-resolution logits in the session's {@link OutputStore},
 * its object pointer, object score and predicted IoU. Owned by exactly one place of its
 * {@link ObjectTrack} at a time. A batch session may drop an output no remaining frame can use: the
 * frame then still counts as having an output (so memory selection sees what the official predictor
 * sees), and any use of what was dropped is refused. Beyond the memory window of the frames still to
 * come the memory and logits go; beyond their pointer window the pointer too.
 */
final class StoredOutput {

	/** The memory (null until encoded, or once dropped). */
	OutputStore.Entry memory;
	/** The logits (null once dropped). */
	OutputStore.Entry logits;
	final float[] pointer;
	final float objectScore;
	final float iou;
	private boolean memoryDropped, dropped;

	StoredOutput(OutputStore.Entry memory, OutputStore.Entry logits, float[] pointer, float objectScore, float iou) {
		this.memory = memory;
		this.logits = logits;
		this.pointer = pointer;
		this.objectScore = objectScore;
		this.iou = iou;
	}

	/** Stores a frame step's output. */
	static StoredOutput of(FrameOutput out, OutputStore store) {
		return new StoredOutput(out.memoryBf16() == null ? null : store.putMemory(out.memoryBf16()), store.putLogits(out.lowResLogits()),
			out.pointer(), out.objectScore(), out.iou());
	}

	boolean hasMemory() {
		return memory != null || memoryDropped;
	}

	/** Whether the memory and the logits were dropped (the pointer may remain). */
	boolean memoryDropped() {
		return memoryDropped;
	}

	/** Whether everything was dropped, the pointer too. */
	boolean dropped() {
		return dropped;
	}

	/** Frees the memory and the logits; the pointer stays. */
	void dropMemory(OutputStore store) {
		if (memoryDropped) return;
		memoryDropped = memory != null || logits != null;
		release(store);
	}

	/** Frees everything: only the fact that the frame had an output remains. */
	void drop(OutputStore store) {
		dropMemory(store);
		memoryDropped = true;
		dropped = true;
	}

	/** Frees the arrays in the store (the output is being replaced or forgotten). */
	void release(OutputStore store) {
		store.free(memory);
		store.free(logits);
		memory = null;
		logits = null;
	}
}
