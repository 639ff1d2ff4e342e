package io.github.sam2fiji.core.track;

import java.util.List;

import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ShownFrames;
import io.github.sam2fiji.core.script.PromptScript;

/**
 * The use case "track prompted objects through sequences and write the labels", knowing no image
 * library: the caller supplies the frames of each sequence (read lazily) and a sink for the results
 * (an ImageJ label image, an ImgLib2 image, a TIFF file). Every front end (commands, macros, the
 * CLI) goes through here.
 */
public final class SequenceTracking {

	private SequenceTracking() {}

	/**
	 * One sequence to track: its position among the sequences of the input (for a 3-D + t input
	 * tracked along t, the z slice), its frames and the prompts on them.
	 */
	public record Sequence(int index, FrameSource frames, List<ObjectPrompt> prompts) {
		public Sequence {
			prompts = List.copyOf(prompts);
		}
	}

	/** Receives each frame's result of a sequence, as soon as it is ready. */
	public interface Sink {
		void accept(int sequence, FrameResult result);
	}

	/** A sink for a replayed session, which may also forget a removed object on every frame written so far. */
	public interface ReplaySink extends Sink {
		void forget(int sequence, int objectId);
	}

	/**
	 * A replay sink over a frame writer: each shown frame is written; a forgotten object is taken off
	 * the frames it was on, which are written again from what they still show.
	 */
	public static ReplaySink rewriting(int width, int height, Sink write) {
		ShownFrames shown = new ShownFrames(width, height);
		return new ReplaySink() {
			@Override
			public void accept(int sequence, FrameResult result) {
				shown.show(result);
				write.accept(sequence, result);
			}

			@Override
			public void forget(int sequence, int objectId) {
				for (int frame : shown.forget(objectId)) write.accept(sequence, shown.result(frame));
			}
		};
	}

	/**
	 * Propagates every sequence's objects in {@code direction}, one batch session per sequence (each
	 * propagated once and never corrected, so the session keeps only what that run needs). Prompts
	 * are checked against their sequence before any is added. Progress runs over all sequences'
	 * frames.
	 */
	public static void track(Tracker tracker, List<Sequence> sequences, Direction direction, Sink sink, ProgressListener progress, CancellationToken cancel) {
		if (sequences.isEmpty()) throw new IllegalArgumentException("No prompts: nothing to track");
		for (Sequence s : sequences) {
			if (s.prompts().isEmpty()) throw new IllegalArgumentException("Sequence " + (s.index() + 1) + " has no prompt");
			for (ObjectPrompt p : s.prompts()) p.checkWithin(s.frames().width(), s.frames().height(), s.frames().frameCount());
		}
		long total = 0;
		for (Sequence s : sequences) total += s.frames().frameCount();
		long base = 0;
		for (Sequence s : sequences) {
			cancel.throwIfCancelled();
			int frames = s.frames().frameCount();
			long offset = base, all = total;
			String where = sequences.size() > 1 ? "sequence " + (s.index() + 1) + ": " : "";
			try (TrackingSession session = tracker.newSession(s.frames(), SessionOptions.forBatch())) {
				for (ObjectPrompt p : s.prompts()) session.addPrompt(p);
				session.propagate(direction, r -> sink.accept(s.index(), r),
					(done, count, message) -> progress.progress(offset + Math.round((double) done / Math.max(1, count) * frames), all, where + message), cancel);
			}
			base += frames;
		}
		cancel.throwIfCancelled();
		progress.progress(total, total, "done");
	}

	/**
	 * Replays a prompt script on one sequence in an interactive session: {@code sink} gets every frame
	 * result a call shows, so each frame ends with the last one, and forgets removed objects (what the
	 * user saw at the end).
	 */
	public static void replay(Tracker tracker, FrameSource frames, PromptScript script, ReplaySink sink, ProgressListener progress, CancellationToken cancel) {
		script.check(frames.width(), frames.height(), frames.frameCount());
		try (TrackingSession session = tracker.newSession(frames)) {
			script.replay(session, PromptScript.Display.of(r -> sink.accept(0, r), id -> sink.forget(0, id)), progress, cancel);
		}
		cancel.throwIfCancelled();
	}

	/** Segments one frame from the prompts on it alone (image mode, no memory). */
	public static FrameResult segment(Tracker tracker, FrameSource frames, List<ObjectPrompt> onFrame, int frame, CancellationToken cancel) {
		if (onFrame.isEmpty()) throw new IllegalArgumentException("No prompt on frame " + (frame + 1));
		for (ObjectPrompt p : onFrame) {
			if (p.frame() != frame) throw new IllegalArgumentException("Object " + p.objectId() + ": a prompt on frame " + (p.frame() + 1) + ", not on frame " + (frame + 1));
			p.checkWithin(frames.width(), frames.height(), frames.frameCount());
		}
		try (TrackingSession session = tracker.newSession(frames)) {
			for (ObjectPrompt p : onFrame) session.addPrompt(p);
			FrameResult result = session.segmentFrame(frame, cancel);
			cancel.throwIfCancelled();
			return result;
		}
	}
}
