package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;

/**
 * A batch session (one run, never corrected) gives what an interactive one gives for the run it was
 * opened for, and refuses, without changing anything, what it can no longer compute as the official
 * predictor would: a prompt after propagating, and a run that needs a dropped output.
 */
class Sam2BatchSessionTest {

	private static final MovingDiscs DISCS = new MovingDiscs(96, 80, 40);

	private static List<FrameResult> run(TrackingSession s, Direction d) {
		List<FrameResult> out = new ArrayList<>();
		s.propagate(d, out::add, ProgressListener.NONE, CancellationToken.NEVER);
		return out;
	}

	private static void prompt(TrackingSession s) {
		s.addPrompt(ObjectPrompt.points(1, 12, List.of(new PointPrompt(DISCS.centreX(0, 12), DISCS.centreY(0, 12), true))));
		s.addPrompt(ObjectPrompt.points(2, 20, List.of(new PointPrompt(DISCS.centreX(1, 20), DISCS.centreY(1, 20), true))));
	}

	@Test
	void sameResultsAsAnInteractiveSessionBothWays() {
		try (Sam2Tracker tracker = TinyModel.tracker();
			TrackingSession batch = tracker.newSession(DISCS, SessionOptions.forBatch());
			TrackingSession interactive = tracker.newSession(DISCS, SessionOptions.interactive())) {
			prompt(batch);
			prompt(interactive);
			List<FrameResult> a = run(batch, Direction.BOTH), b = run(interactive, Direction.BOTH);
			assertEquals(40, a.size());
			for (int i = 0; i < a.size(); i++) {
				assertEquals(b.get(i).frame(), a.get(i).frame());
				for (int k = 0; k < 2; k++) assertEquals(b.get(i).objects().get(k).mask(), a.get(i).objects().get(k).mask(), "frame " + a.get(i).frame());
			}
		}
	}

	@Test
	void theImageCacheSizeChangesNoResult() {
		try (Sam2Tracker tracker = TinyModel.tracker();
			TrackingSession none = tracker.newSession(DISCS, SessionOptions.interactive().withImageCache(0));
			TrackingSession large = tracker.newSession(DISCS, SessionOptions.interactive().withImageCache(1L << 30))) {
			for (TrackingSession s : List.of(none, large)) {
				// an annotator's moves: frames prepared ahead, then prompts and runs on them
				s.prepareFrame(12);
				s.prepareFrame(30);
				prompt(s);
			}
			List<FrameResult> a = run(none, Direction.BOTH), b = run(large, Direction.BOTH);
			for (TrackingSession s : List.of(none, large))
				s.addPrompt(ObjectPrompt.points(1, 25, List.of(new PointPrompt(DISCS.centreX(0, 25), DISCS.centreY(0, 25), false))));
			a.add(none.segmentFrame(25, CancellationToken.NEVER));
			b.add(large.segmentFrame(25, CancellationToken.NEVER));
			for (int i = 0; i < a.size(); i++)
				for (int k = 0; k < 2; k++) assertEquals(a.get(i).objects().get(k).mask(), b.get(i).objects().get(k).mask(), "frame " + a.get(i).frame());
			assertThrows(IllegalArgumentException.class, () -> large.prepareFrame(40));
		}
	}

	@Test
	void refusesPromptsAfterPropagatingAndRunsThatNeedDroppedOutputs() {
		try (Sam2Tracker tracker = TinyModel.tracker(); TrackingSession s = tracker.newSession(DISCS, SessionOptions.forBatch())) {
			prompt(s);
			List<FrameResult> first = run(s, Direction.FORWARD);
			IllegalStateException e = assertThrows(IllegalStateException.class,
				() -> s.addPrompt(ObjectPrompt.points(1, 30, List.of(new PointPrompt(10, 10, true)))));
			assertTrue(e.getMessage().contains("batch run") && e.getMessage().contains("interactive session"), e.getMessage());
			assertThrows(IllegalStateException.class, () -> s.clearPrompts(1, 12));
			// nothing changed: the same run again gives the same results
			List<FrameResult> again = run(s, Direction.FORWARD);
			for (int i = 0; i < first.size(); i++)
				for (int k = 0; k < 2; k++) assertEquals(first.get(i).objects().get(k).mask(), again.get(i).objects().get(k).mask(), "frame " + first.get(i).frame());
			// a reverse run from frame 30 attends to frames 31-36, dropped after the forward run
			e = assertThrows(IllegalStateException.class,
				() -> s.propagate(Propagation.inReverse().from(30), r -> {}, ProgressListener.NONE, CancellationToken.NEVER));
			assertTrue(e.getMessage().contains("dropped") && e.getMessage().contains("frame 30"), e.getMessage());
		}
	}
}
