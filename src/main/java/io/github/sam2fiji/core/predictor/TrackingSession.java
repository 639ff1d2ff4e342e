package io.github.sam2fiji.core.predictor;

import java.util.SortedSet;
import java.util.function.Consumer;

import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.result.FrameResult;

/**
 * The state of tracking objects through one sequence (as SAM 2's inference_state): prompts per
 * object and frame, memories, outputs. Covers the official video predictor's calls: prompts may be
 * added, appended or cleared on any frame at any time, also after a propagation (a correction);
 * objects may be removed; propagation runs from any start frame, for any number of frames, either
 * way, as often as needed, and uses everything given so far. Not thread-safe.
 */
public interface TrackingSession extends AutoCloseable {

	/**
	 * {@code add_new_points_or_box} / {@code add_new_mask}. SAM 2 segments the prompted frame at once
	 * (from the prompt alone on a frame the object was not tracked on; with its memory, refining the
	 * frame's previous mask, on a tracked frame); {@link #segmentFrame} then shows it. SAM 1 interface
	 * models segment when the frame is shown or tracked.
	 *
	 * @param mode whether clicks are appended to the frame's earlier clicks of the object or replace
	 *          them; a box or a mask needs {@link PromptMode#REPLACE}
	 * @throws IllegalArgumentException if the prompt lies outside the sequence, or a box or mask is appended
	 * @throws IllegalStateException in a batch session after its first propagation
	 */
	void addPrompt(ObjectPrompt prompt, PromptMode mode);

	/** Clicks append to the frame's earlier clicks of the object; a box or a mask replaces them. */
	default void addPrompt(ObjectPrompt prompt) {
		addPrompt(prompt, prompt.box() != null || prompt.mask() != null ? PromptMode.REPLACE : PromptMode.APPEND);
	}

	/**
	 * {@code clear_all_prompts_in_frame}: forgets the object's prompts on that frame (the object
	 * stays); a frame that was a conditioning frame keeps its output as an ordinary tracked one and
	 * counts as not tracked for that object.
	 *
	 * @throws IllegalArgumentException if there is no such object
	 * @throws IllegalStateException in a batch session after its first propagation
	 */
	void clearPrompts(int objectId, int frame);

	/** Forgets an object, its prompts and its memories. */
	void removeObject(int objectId);

	/** Forgets all objects, prompts and memories; the frames stay. */
	void reset();

	SortedSet<Integer> objectIds();

	/**
	 * Computes what a prompt on the frame needs (its image embedding) and keeps it among the
	 * session's recently used frames ({@link SessionOptions#imageCacheBytes()}), so that the next
	 * prompt there decodes at once: an annotator calls it when the user moves to a frame. Changes no
	 * result.
	 *
	 * @throws IllegalArgumentException if the frame is not in the sequence
	 */
	void prepareFrame(int frame);

	/**
	 * The current result of every object on one frame, as the official predictor shows it after its
	 * latest call there: SAM 2 computes nothing new (the output of the latest prompt there, else the
	 * tracked output, else absent); SAM 1 interface models segment the frame from its prompts.
	 */
	FrameResult segmentFrame(int frame, CancellationToken cancel);

	/**
	 * Runs one propagation ({@link Propagation}) and hands each frame's result to {@code sink} as soon
	 * as it is ready, in processing order.
	 *
	 * @throws IllegalStateException if there is no object to track, or an object has no prompt on a
	 *           frame it was not tracked on
	 * @throws io.github.sam2fiji.core.progress.CancelledException if cancelled between frames; what was
	 *           computed up to there is kept
	 */
	void propagate(Propagation run, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel);

	/**
	 * Propagates every object from its prompted frames through the sequence: {@link Direction#FORWARD}
	 * from the earliest prompted frame to the end, {@link Direction#BACKWARD} from the latest prompted
	 * frame to the start, {@link Direction#BOTH} forward from the earliest, then in reverse from it.
	 * Each frame is delivered at most once per call, in processing order.
	 *
	 * @throws IllegalStateException if there is no object to track
	 * @throws io.github.sam2fiji.core.progress.CancelledException if cancelled between frames
	 */
	void propagate(Direction direction, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel);

	@Override
	void close();
}
