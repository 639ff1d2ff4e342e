package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.predictor.SessionOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * Holding a missed object's last mask, on a session whose decoder is a test double: it answers
 * each frame with a scripted candidate (a crisp square where the cell is "seen", a blurry patch
 * that fails the carried limits where it is "missed"), so the session's rules are tested alone.
 */
class HoldRuleTest {

	/** A 64 x 64 frame, input side 64 and low-res side 64: low-res cells are frame pixels. */
	private static final int SIDE = 64;
	private static final Sam1ModelSpec SPEC = new Sam1ModelSpec(Path.of("encoder.onnx"), "input", "output", Path.of("decoder.onnx"), SIDE,
			new float[] { 0, 0, 0 }, new float[] { 1, 1, 1 }, SIDE, "all_masks", "all_ious");

	/** Scripted decoder: frame t's answer is a square at {@code x0[t]} (crisp if {@code seen[t]}, else blurry). */
	private static final class ScriptedModel implements Sam1Model {
		private final int[] x0;
		private final boolean[] seen;
		private int frame = -1;

		ScriptedModel(int[] x0, boolean[] seen) {
			this.x0 = x0;
			this.seen = seen;
		}

		@Override
		public float[] encode(float[] input) {
			frame++; // a forward sweep encodes each frame once, in order
			return new float[1];
		}

		@Override
		public MaskCandidates decode(float[] embedding, DecoderPrompt prompt, FrameGeometry geometry) {
			float[] logits = new float[SIDE * SIDE];
			for (int y = 0; y < SIDE; y++)
				for (int x = 0; x < SIDE; x++) {
					boolean in = x >= x0[frame] && x < x0[frame] + 12 && y >= 20 && y < 32;
					boolean rim = x >= x0[frame] - 6 && x < x0[frame] + 18 && y >= 14 && y < 38;
					// Seen: +8 inside. Missed: +0.5 inside and a wide rim just above -1 (stability 0).
					logits[y * SIDE + x] = seen[frame] ? (in ? 8 : -8) : in ? 0.5f : rim ? -0.5f : -8;
				}
			return new MaskCandidates(new float[][] { logits }, new float[] { 0.95f }, SIDE);
		}
	}

	private static List<FrameResult> track(int maxHeld, int[] x0, boolean[] seen) {
		return track(maxHeld, Sam1Settings.defaults().maxHeldSlices(), false, x0, seen);
	}

	/** @param volume whether the frames are the z slices of a volume ({@link FrameSource#isVolume()}) */
	private static List<FrameResult> track(int maxHeldFrames, int maxHeldSlices, boolean volume, int[] x0, boolean[] seen) {
		Sam1Settings d = Sam1Settings.defaults();
		Sam1Settings s = new Sam1Settings(d.maxAreaFraction(), d.minCarriedIou(), d.minStability(), d.minInPlaceIou(), d.minInPlaceStability(), d.maxSurroundSimilarity(), d.minLookSimilarity(), d.searchWindow(),
				d.boxMargin(), d.minArea(), d.maxGrowth(), d.maxMisses(), maxHeldFrames, maxHeldSlices, d.inputScale(), d.normalization());
		SyntheticFrames synthetic = new SyntheticFrames(SIDE, SIDE, seen.length, 1);
		FrameSource frames = volume ? synthetic.asVolume() : synthetic;
		List<FrameResult> results = new ArrayList<>();
		try (Sam1Session session = new Sam1Session(frames, new ScriptedModel(x0, seen), new Sam1Preprocessor(SPEC, d.normalization()), s, SIDE, false, SessionOptions.DEFAULT_IMAGE_CACHE_BYTES)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(x0[0] + 6, 26, true))));
			session.propagate(Direction.FORWARD, results::add, ProgressListener.NONE, CancellationToken.NEVER);
		}
		return results;
	}

	private static ObjectResult object(List<FrameResult> results, int frame) {
		return results.get(frame).objects().get(0);
	}

	@Test
	void aMissedCellInsideTheFrameShowsItsLastMaskForUpToMaxHeldFrames() {
		int[] x0 = { 20, 20, 21, 21, 21, 21, 22, 22 };
		boolean[] seen = { true, true, true, false, false, false, true, true };
		List<FrameResult> held = track(2, x0, seen);
		BinaryMask last = object(held, 2).mask();
		for (int t : new int[] { 3, 4 }) {
			assertTrue(object(held, t).present(), "frame " + t + " held");
			assertEquals(last, object(held, t).mask(), "frame " + t + ": the last accepted mask");
			assertEquals(Sam1Session.HELD_SCORE, object(held, t).objectScore());
		}
		assertFalse(object(held, 5).present(), "held at most max_held_frames (2) frames in a row, then absent (a miss)");
		for (int t : new int[] { 6, 7 }) {
			assertTrue(object(held, t).present(), "frame " + t + ": found again from the held mask");
			assertTrue(object(held, t).objectScore() > Sam1Session.HELD_SCORE);
			assertEquals(x0[t], SyntheticFrames.leftmostColumn(object(held, t).mask()), "frame " + t + ": the live answer");
		}
	}

	@Test
	void withoutHoldingAMissedCellIsAbsentAndLostAfterMaxMisses() {
		int[] x0 = { 20, 20, 21, 21, 21, 21, 22, 22 };
		boolean[] seen = { true, true, true, false, false, false, true, true };
		List<FrameResult> notHeld = track(0, x0, seen);
		for (int t = 3; t < seen.length; t++)
			assertFalse(object(notHeld, t).present(), "frame " + t + ": absent (3 misses > max_misses 2: lost for good)");
	}

	@Test
	void inTheSlicesOfAVolumeAMissedObjectHasEndedUnlessMaxHeldSlicesSaysOtherwise() {
		int[] x0 = { 20, 20, 21, 21, 21, 21, 22, 22 };
		boolean[] seen = { true, true, true, false, false, false, true, true };
		// Default: max_held_slices 0, whatever max_held_frames says.
		List<FrameResult> z = track(1000, Sam1Settings.defaults().maxHeldSlices(), true, x0, seen);
		assertTrue(object(z, 2).present());
		for (int t = 3; t < seen.length; t++) assertFalse(object(z, t).present(), "slice " + t + ": not held, lost after max_misses");
		// Set explicitly, holding in z follows max_held_slices (2), not max_held_frames.
		List<FrameResult> held = track(1000, 2, true, x0, seen);
		assertTrue(object(held, 3).present() && object(held, 4).present());
		assertFalse(object(held, 5).present());
	}

	@Test
	void aCellLeavingTheFrameIsNotHeld() {
		// The cell slides out at the left: at the border and shrunk under half its largest area, then missed.
		int[] x0 = { 20, 8, 0, -8, -8, -8 };
		boolean[] seen = { true, true, true, true, false, false };
		List<FrameResult> r = track(2, x0, seen);
		assertTrue(object(r, 3).present());
		assertEquals(48, object(r, 3).mask().area(), "4 x 12 pixels left inside");
		assertFalse(object(r, 4).present(), "a leaving cell is not held");
		assertFalse(object(r, 5).present());
	}
}
