package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The candidate choice on hand-made low-res logits (no model). */
class CandidateRuleTest {

	private static final int SIZE = 256;
	/** A 256 x 256 frame fills the 1024 input, so low-res cells map 1:1 to pixels. */
	private static final FrameGeometry FRAME = new FrameGeometry(256, 256, 1024);
	private static final CandidateRule RULE = new CandidateRule(0.15, 0.88, 0.9, 0.75, 0.7, 1, 0);
	private static final int[] NONE = {};
	/** A carried prompt from a mask that no test candidate overlaps (strict limits apply). */
	private static final CandidateRule.Previous ELSEWHERE = new CandidateRule.Previous(shifted(square(40, 0), 200), false);

	private static float[] shifted(float[] logits, int by) {
		float[] out = new float[SIZE * SIZE];
		java.util.Arrays.fill(out, -8);
		for (int y = 0; y + by < SIZE; y++)
			for (int x = 0; x + by < SIZE; x++) out[(y + by) * SIZE + x + by] = logits[y * SIZE + x];
		return out;
	}

	/** Logits +8 inside a square of side {@code side} at the top-left, -8 elsewhere; {@code blur} cells of +-0.5 around it. */
	private static float[] square(int side, int blur) {
		float[] l = new float[SIZE * SIZE];
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				boolean in = x < side && y < side;
				boolean rim = !in && x < side + blur && y < side + blur;
				l[y * SIZE + x] = in ? 8 : rim ? 0.5f : -8;
			}
		return l;
	}

	private static MaskCandidates four(float[] m0, float[] m1, float[] m2, float[] m3, float... ious) {
		return new MaskCandidates(new float[][] { m0, m1, m2, m3 }, ious, SIZE);
	}

	@Test
	void theWholeImageMaskIsNeverChosenEvenWithTheBestScore() {
		float[] whole = square(256, 0), cell = square(40, 0);
		assertEquals(2, RULE.choose(four(cell, whole, cell, whole, 0.5f, 1.0f, 0.9f, 0.99f), true, null, NONE, FRAME));
	}

	@Test
	void aSingleClickPrefersTheMultimaskTokensAndABoxTheSingleMaskToken() {
		float[] a = square(30, 0), b = square(50, 0);
		MaskCandidates c = four(a, b, a, b, 0.99f, 0.80f, 0.95f, 0.90f);
		assertEquals(2, RULE.choose(c, true, null, NONE, FRAME), "ambiguous: best of tokens 1-3");
		assertEquals(0, RULE.choose(c, false, null, NONE, FRAME), "unambiguous: token 0");
	}

	@Test
	void whenThePreferredTokensFailTheOthersAreUsed() {
		float[] whole = square(256, 0), cell = square(40, 0);
		assertEquals(2, RULE.choose(four(whole, cell, cell, whole, 0.99f, 0.7f, 0.8f, 0.9f), false, null, NONE, FRAME));
	}

	@Test
	void noAcceptableCandidateMeansNoObject() {
		float[] whole = square(256, 0), empty = square(0, 0);
		assertEquals(-1, RULE.choose(four(whole, empty, whole, empty, 1, 1, 1, 1), true, null, NONE, FRAME));
	}

	@Test
	void carriedMasksMustBeConfidentAndStable() {
		float[] crisp = square(40, 0), blurry = square(30, 12); // blurry: 900 cells > +1 of 1764 > -1
		assertEquals(0.51, LowResMasks.stability(blurry, SIZE, FRAME), 0.01);
		MaskCandidates c = four(blurry, crisp, blurry, crisp, 0.99f, 0.85f, 0.99f, 0.95f);
		assertEquals(3, RULE.choose(c, false, ELSEWHERE, NONE, FRAME), "token 0 unstable, token 1 under the IoU limit");
		assertEquals(0, RULE.choose(c, false, null, NONE, FRAME), "a user's prompt is not held to the carried limits");
		assertEquals(-1, RULE.choose(four(blurry, blurry, blurry, blurry, 1, 1, 1, 1), false, ELSEWHERE, NONE, FRAME));
	}

	@Test
	void aSingleMaskDecoderCandidateIsAcceptedOrRefusedByTheSameLimits() {
		assertEquals(0, RULE.choose(new MaskCandidates(new float[][] { square(40, 0) }, new float[] { 0.9f }, SIZE), true, null, NONE, FRAME));
		assertEquals(-1, RULE.choose(new MaskCandidates(new float[][] { square(200, 0) }, new float[] { 0.9f }, SIZE), true, null, NONE, FRAME));
	}

	@Test
	void aCandidateCoveringAnotherObjectsAnchorIsALastResortForAClickAndDroppedWhenCarried() {
		float[] pair = square(60, 0), single = square(30, 0);
		int otherCellsClick = 45 * SIZE + 45; // inside the pair, outside the single cell
		assertEquals(45 * SIZE + 45, LowResMasks.cellOf(45.5, 45.5, SIZE, FRAME));
		MaskCandidates c = four(pair, single, pair, pair, 0.99f, 0.8f, 0.99f, 0.95f);
		assertEquals(2, RULE.choose(c, true, null, NONE, FRAME));
		assertEquals(1, RULE.choose(c, true, null, new int[] { otherCellsClick }, FRAME), "a candidate clear of the other cell wins");
		MaskCandidates onlyPairs = four(pair, pair, pair, pair, 0.99f, 0.8f, 0.97f, 0.95f);
		assertEquals(2, RULE.choose(onlyPairs, true, null, new int[] { otherCellsClick }, FRAME),
				"a user's click still gets a mask (the best preferred one); overlap resolution splits the pair");
		float[] before = square(58, 0);
		assertEquals(-1, RULE.choose(onlyPairs, false, new CandidateRule.Previous(before, false), new int[] { otherCellsClick }, FRAME),
				"a carried object must not swallow another");
	}

	@Test
	void aCarriedMaskStayingInPlaceInsideTheFramePassesWithLowerLimits() {
		float[] soft = shifted(square(40, 4), 50); // stability 1600 / 1936 = 0.83: under the strict 0.9, over the in-place 0.7
		assertEquals(0.826, LowResMasks.stability(soft, SIZE, FRAME), 0.001);
		MaskCandidates c = new MaskCandidates(new float[][] { soft }, new float[] { 0.8f }, SIZE);
		float[] before = shifted(square(38, 0), 51);
		assertEquals(0, RULE.choose(c, false, new CandidateRule.Previous(before, false), NONE, FRAME), "in place, inside: lower limits");
		assertEquals(-1, RULE.choose(c, false, new CandidateRule.Previous(before, true), NONE, FRAME), "at the border: strict limits");
		assertEquals(-1, RULE.choose(c, false, ELSEWHERE, NONE, FRAME), "moved away: strict limits");
		MaskCandidates weak = new MaskCandidates(new float[][] { soft }, new float[] { 0.7f }, SIZE);
		assertEquals(-1, RULE.choose(weak, false, new CandidateRule.Previous(before, false), NONE, FRAME), "under even the in-place IoU limit");
	}
}
