package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;

/**
 * The session calls SAM 1 interface models share with SAM 2 (start frame and length of a run,
 * appended and replacing prompts, clearing a frame's prompts, batch sessions), on a test-double
 * decoder that answers every prompt with a square where the prompt's first click is.
 */
class Sam1SessionApiTest {

	private static final int SIDE = 64;
	private static final Sam1ModelSpec SPEC = new Sam1ModelSpec(Path.of("encoder.onnx"), "input", "output", Path.of("decoder.onnx"), SIDE,
		new float[] { 0, 0, 0 }, new float[] { 1, 1, 1 }, SIDE, "all_masks", "all_ious");

	/** A crisp 12 x 12 square with its corner at the prompt's first point (or the previous mask's position). */
	private static final Sam1Model SQUARES = new Sam1Model() {
		@Override
		public float[] encode(float[] input) {
			return new float[1];
		}

		@Override
		public MaskCandidates decode(float[] embedding, DecoderPrompt prompt, FrameGeometry geometry) {
			int x0 = Math.max(0, Math.min(SIDE - 12, (int) prompt.coords()[0])), y0 = Math.max(0, Math.min(SIDE - 12, (int) prompt.coords()[1]));
			float[] logits = new float[SIDE * SIDE];
			for (int y = 0; y < SIDE; y++)
				for (int x = 0; x < SIDE; x++) logits[y * SIDE + x] = x >= x0 && x < x0 + 12 && y >= y0 && y < y0 + 12 ? 8 : -8;
			return new MaskCandidates(new float[][] { logits }, new float[] { 0.95f }, SIDE);
		}
	};

	private static Sam1Session session(int frames, boolean batch) {
		Sam1Settings s = Sam1Settings.defaults();
		return new Sam1Session(new SyntheticFrames(SIDE, SIDE, frames, 1), SQUARES, new Sam1Preprocessor(SPEC, s.normalization()), s, SIDE, batch, batch ? 0 : 64L << 20);
	}

	private static ObjectPrompt click(int object, int frame, int x, int y) {
		return ObjectPrompt.points(object, frame, List.of(new PointPrompt(x, y, true)));
	}

	@Test
	void aRunFromAStartFrameForSomeFramesEitherWay() {
		try (Sam1Session s = session(10, false)) {
			s.addPrompt(click(1, 2, 20, 20));
			List<Integer> frames = new ArrayList<>();
			s.propagate(Propagation.forward().from(4).limit(3), r -> frames.add(r.frame()), ProgressListener.NONE, CancellationToken.NEVER);
			assertEquals(List.of(4, 5, 6, 7), frames);
			frames.clear();
			s.propagate(Propagation.inReverse().from(5).limit(10), r -> frames.add(r.frame()), ProgressListener.NONE, CancellationToken.NEVER);
			assertEquals(List.of(5, 4, 3, 2, 1, 0), frames);
			frames.clear();
			s.propagate(Propagation.forward(), r -> frames.add(r.frame()), ProgressListener.NONE, CancellationToken.NEVER);
			assertEquals(List.of(2, 3, 4, 5, 6, 7, 8, 9), frames, "from the earliest prompted frame by default");
		}
	}

	@Test
	void aRunFromACorrectedFrameKeepsTheObjectsNotPromptedThere() {
		try (Sam1Session s = session(8, false)) {
			s.addPrompt(click(1, 2, 5, 5));
			s.addPrompt(click(2, 2, 40, 40));
			s.propagate(Propagation.forward(), r -> {}, ProgressListener.NONE, CancellationToken.NEVER);
			// a correction of object 1 on frame 5, and a run from there: object 2 carries on from what frame 5 showed
			s.addPrompt(click(1, 5, 10, 10), PromptMode.REPLACE);
			List<FrameResult> run = new ArrayList<>();
			s.propagate(Propagation.forward().from(5), run::add, ProgressListener.NONE, CancellationToken.NEVER);
			assertEquals(List.of(5, 6, 7), run.stream().map(FrameResult::frame).toList());
			assertTrue(run.get(0).objects().get(0).mask().get(12, 12), "object 1 from its correction");
			for (FrameResult r : run) {
				assertTrue(r.objects().get(0).present(), "object 1, frame " + r.frame());
				assertTrue(r.objects().get(1).present() && r.objects().get(1).mask().get(62, 62), "object 2 kept, frame " + r.frame());
			}
			// a removed object is not brought back by what was shown before
			s.removeObject(2);
			run.clear();
			s.propagate(Propagation.forward().from(5), run::add, ProgressListener.NONE, CancellationToken.NEVER);
			assertEquals(List.of(1), run.get(0).objects().stream().map(o -> o.objectId()).toList());
		}
		try (Sam1Session s = session(10, false)) {
			// nothing propagated yet: a run from a frame without prompts has no object there
			s.addPrompt(click(1, 2, 20, 20));
			List<FrameResult> run = new ArrayList<>();
			s.propagate(Propagation.forward().from(5), run::add, ProgressListener.NONE, CancellationToken.NEVER);
			assertFalse(run.get(0).objects().get(0).present());
		}
	}

	@Test
	void appendedReplacedAndClearedPrompts() {
		try (Sam1Session s = session(4, false)) {
			s.addPrompt(click(1, 0, 10, 10));
			s.addPrompt(click(1, 0, 40, 40), PromptMode.REPLACE);
			assertTrue(s.segmentFrame(0, CancellationToken.NEVER).objects().get(0).mask().get(45, 45), "the replacing click decides");
			s.addPrompt(click(1, 0, 5, 5), PromptMode.APPEND);
			assertTrue(s.segmentFrame(0, CancellationToken.NEVER).objects().get(0).mask().get(45, 45), "an appended click comes after the first");
			assertThrows(IllegalArgumentException.class, () -> s.addPrompt(ObjectPrompt.box(1, 0, new BoxPrompt(1, 1, 9, 9)), PromptMode.APPEND));
			s.clearPrompts(1, 0);
			assertTrue(s.segmentFrame(0, CancellationToken.NEVER).objects().get(0).mask().isEmpty(), "no prompt left on frame 0");
			assertEquals(List.of(1), List.copyOf(s.objectIds()), "the object stays");
			IllegalStateException e = assertThrows(IllegalStateException.class,
				() -> s.propagate(Direction.FORWARD, r -> {}, ProgressListener.NONE, CancellationToken.NEVER));
			assertTrue(e.getMessage().contains("Object 1 has no prompt any more"), e.getMessage());
			assertThrows(IllegalArgumentException.class, () -> s.clearPrompts(7, 0));
		}
	}

	@Test
	void aBatchSessionRefusesPromptsAfterPropagating() {
		try (Sam1Session s = session(4, true)) {
			s.addPrompt(click(1, 0, 10, 10));
			List<FrameResult> results = new ArrayList<>();
			s.propagate(Direction.FORWARD, results::add, ProgressListener.NONE, CancellationToken.NEVER);
			assertEquals(4, results.size());
			IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.addPrompt(click(1, 2, 30, 30)));
			assertTrue(e.getMessage().contains("batch run"), e.getMessage());
			assertThrows(IllegalStateException.class, () -> s.clearPrompts(1, 0));
		}
	}
}
