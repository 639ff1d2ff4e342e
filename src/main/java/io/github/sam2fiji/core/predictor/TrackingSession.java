package io.github.sam2fiji.core.predictor;

import java.util.SortedSet;
import java.util.function.Consumer;

import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.result.FrameResult;

/**
 * The state of tracking objects through one sequence (as SAM 2's inference_state): prompts per
 * object and frame, memories, outputs. Prompts may be added on any frame at any time, also after a
 * propagation; the next propagation uses all of them.
 */
public interface TrackingSession extends AutoCloseable {

	/** Adds (or, on a frame that already has prompts for this object, adds to) a prompt. */
	void addPrompt(ObjectPrompt prompt);

	/** Forgets an object, its prompts and its memories. */
	void removeObject(int objectId);

	/** Forgets all objects, prompts and memories; the frames stay. */
	void reset();

	SortedSet<Integer> objectIds();

	/** Segments one frame from the prompts on it alone (image mode, no memory). */
	FrameResult segmentFrame(int frame, CancellationToken cancel);

	/**
	 * Propagates every object from its prompted frames through the sequence and hands each frame's
	 * result to {@code sink} as soon as it is ready, each frame at most once per call, in
	 * processing order. Frames the direction does not reach are not delivered.
	 *
	 * @throws IllegalStateException if there is no object to track
	 * @throws io.github.sam2fiji.core.progress.CancelledException if cancelled between frames
	 */
	void propagate(Direction direction, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel);

	@Override
	void close();
}
