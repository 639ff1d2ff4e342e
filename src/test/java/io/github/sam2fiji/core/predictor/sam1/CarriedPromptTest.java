package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.predictor.SessionOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * A carried object's prompt is decoded with and without the previous mask as mask input; the
 * better-rated acceptable answer wins. The decoder is a test double that answers each kind of prompt
 * with a scripted square, so only the session's choice is tested.
 */
class CarriedPromptTest {

	private static final int SIDE = 64;
	private static final Sam1ModelSpec SPEC = new Sam1ModelSpec(Path.of("encoder.onnx"), "input", "output", Path.of("decoder.onnx"), SIDE,
			new float[] { 0, 0, 0 }, new float[] { 1, 1, 1 }, SIDE, "all_masks", "all_ious");

	/** A 12 x 12 square at (x0, 20); crisp (+8) or blurry (fails the carried stability limits). */
	private static float[] square(int x0, boolean crisp) {
		float[] logits = new float[SIDE * SIDE];
		for (int y = 0; y < SIDE; y++)
			for (int x = 0; x < SIDE; x++) {
				boolean in = x >= x0 && x < x0 + 12 && y >= 20 && y < 32;
				boolean rim = x >= x0 - 6 && x < x0 + 18 && y >= 14 && y < 38;
				logits[y * SIDE + x] = crisp ? (in ? 8 : -8) : in ? 0.5f : rim ? -0.5f : -8;
			}
		return logits;
	}

	/** Answers a user's click and a mask-input prompt at x = 20, a prompt without mask input at x = 22. */
	private record Scripted(boolean maskedCrisp, float maskedIou, boolean bareCrisp, float bareIou, List<Boolean> masked) implements Sam1Model {
		@Override
		public float[] encode(float[] input) {
			return new float[1];
		}

		@Override
		public MaskCandidates decode(float[] embedding, DecoderPrompt prompt, FrameGeometry geometry) {
			boolean user = prompt.ambiguous();
			if (!user) masked.add(prompt.maskInput() != null);
			float[] logits = user ? square(20, true) : prompt.maskInput() != null ? square(20, maskedCrisp) : square(22, bareCrisp);
			float iou = user ? 0.9f : prompt.maskInput() != null ? maskedIou : bareIou;
			return new MaskCandidates(new float[][] { logits }, new float[] { iou }, SIDE);
		}
	}

	/** Frame 1's mask of the object clicked at frame 0, or null when absent (held masks not allowed). */
	private static BinaryMask secondFrame(Scripted model) {
		Sam1Settings d = Sam1Settings.defaults();
		Sam1Settings s = new Sam1Settings(d.maxAreaFraction(), d.minCarriedIou(), d.minStability(), d.minInPlaceIou(), d.minInPlaceStability(), d.maxSurroundSimilarity(), d.minLookSimilarity(), d.searchWindow(),
				d.boxMargin(), d.minArea(), d.maxGrowth(), d.maxMisses(), 0, d.maxHeldSlices(), d.inputScale(), d.normalization());
		List<FrameResult> results = new ArrayList<>();
		try (Sam1Session session = new Sam1Session(new SyntheticFrames(SIDE, SIDE, 2, 1), model, new Sam1Preprocessor(SPEC, s.normalization()), s, SIDE, false, SessionOptions.DEFAULT_IMAGE_CACHE_BYTES)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(26, 26, true))));
			session.propagate(Direction.FORWARD, results::add, ProgressListener.NONE, CancellationToken.NEVER);
		}
		ObjectResult o = results.get(1).objects().get(0);
		return o.present() ? o.mask() : null;
	}

	@Test
	void bothPromptsAreDecodedAndTheBetterRatedAnswerWins() {
		List<Boolean> masked = new ArrayList<>();
		assertEquals(22, SyntheticFrames.leftmostColumn(secondFrame(new Scripted(true, 0.90f, true, 0.95f, masked))), "without the mask input rated higher");
		assertEquals(List.of(true, false), masked, "frame 1: one prompt with, one without the previous mask");
		assertEquals(20, SyntheticFrames.leftmostColumn(secondFrame(new Scripted(true, 0.95f, true, 0.90f, new ArrayList<>()))), "with the mask input rated higher");
		assertEquals(20, SyntheticFrames.leftmostColumn(secondFrame(new Scripted(true, 0.92f, true, 0.92f, new ArrayList<>()))), "a tie goes to the mask input");
	}

	@Test
	void anAnswerTheRuleRefusesLosesWhateverItsRating() {
		BinaryMask bare = secondFrame(new Scripted(false, 0.99f, true, 0.90f, new ArrayList<>()));
		assertNotNull(bare);
		assertEquals(22, SyntheticFrames.leftmostColumn(bare), "the blurry mask-input answer is refused, the other one taken");
		assertEquals(20, SyntheticFrames.leftmostColumn(secondFrame(new Scripted(true, 0.90f, false, 0.99f, new ArrayList<>()))));
		assertNull(secondFrame(new Scripted(false, 0.99f, false, 0.99f, new ArrayList<>())), "both refused: missed");
	}
}
