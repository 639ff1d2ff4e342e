package io.github.sam2fiji.core.predictor;

/**
 * One propagation run, as SAM 2's {@code propagate_in_video(start_frame_idx, max_frame_num_to_track,
 * reverse)}: from {@code startFrame} (null: the earliest prompted frame) over at most
 * {@code maxFrames} further frames (null: to the end of the sequence), forward or in reverse. The
 * run covers frames {@code start .. min(start + maxFrames, last)} forward and
 * {@code start .. max(start - maxFrames, 0)} in reverse; a reverse run from frame 0 covers nothing.
 *
 * @param startFrame first frame of the run, or null for the earliest prompted frame
 * @param maxFrames how many frames after the start the run may go, or null for all
 * @param reverse towards lower frame indices
 */
public record Propagation(Integer startFrame, Integer maxFrames, boolean reverse) {

	public Propagation {
		if (startFrame != null && startFrame < 0) throw new IllegalArgumentException("The start frame must be 0 or more, got " + startFrame);
		if (maxFrames != null && maxFrames < 0) throw new IllegalArgumentException("The number of frames to track must be 0 or more, got " + maxFrames);
	}

	/** Forward from the earliest prompted frame to the end (the official default). */
	public static Propagation forward() {
		return new Propagation(null, null, false);
	}

	/** In reverse from the earliest prompted frame to frame 0 (the official {@code reverse=True}). */
	public static Propagation inReverse() {
		return new Propagation(null, null, true);
	}

	/** The same run from {@code frame}. */
	public Propagation from(int frame) {
		return new Propagation(frame, maxFrames, reverse);
	}

	/** The same run over at most {@code frames} frames after its start. */
	public Propagation limit(int frames) {
		return new Propagation(startFrame, frames, reverse);
	}

	/**
	 * The frames this run covers in a sequence of {@code frameCount} frames, in processing order,
	 * once the start is known.
	 *
	 * @param defaultStart the earliest prompted frame (used when {@link #startFrame()} is null)
	 * @throws IndexOutOfBoundsException if the start frame is not in the sequence
	 */
	public int[] frames(int defaultStart, int frameCount) {
		int start = startFrame != null ? startFrame : defaultStart;
		if (start >= frameCount)
			throw new IndexOutOfBoundsException("Propagation starts on frame " + start + ", but the sequence has frames 0 to " + (frameCount - 1));
		long max = maxFrames != null ? maxFrames : frameCount;
		if (reverse) {
			if (start == 0) return new int[0];
			int end = (int) Math.max(start - max, 0);
			int[] order = new int[start - end + 1];
			for (int i = 0; i < order.length; i++) order[i] = start - i;
			return order;
		}
		int end = (int) Math.min(start + max, frameCount - 1);
		int[] order = new int[end - start + 1];
		for (int i = 0; i < order.length; i++) order[i] = start + i;
		return order;
	}
}
