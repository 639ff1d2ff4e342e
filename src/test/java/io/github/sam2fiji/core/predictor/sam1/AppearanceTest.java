package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * The model's view of a mask ({@link Appearance}) on generated embeddings: a 64 x 64 frame filling
 * a 64-pixel input, low-res side 64 (cells are pixels) and a 16 x 16 embedding grid (4 x 4 pixels
 * per embedding vector), background vectors along one axis and an object's along another, with noise.
 */
class AppearanceTest {

	static final int SIDE = 64, GRID = 16;
	static final FrameGeometry FRAME = new FrameGeometry(SIDE, SIDE, SIDE);

	/** Embedding [256, 16, 16]: channel 0 (background) everywhere except in the square, channel 1 there; uniform noise 0.2. */
	static float[] embedding(int squareX0, int squareY0, int side, long seed) {
		java.util.Random r = new java.util.Random(seed);
		float[] e = new float[Appearance.CHANNELS * GRID * GRID];
		for (int i = 0; i < e.length; i++) e[i] = 0.2f * (r.nextFloat() - 0.5f);
		for (int gy = 0; gy < GRID; gy++)
			for (int gx = 0; gx < GRID; gx++) {
				int x = gx * 4 + 2, y = gy * 4 + 2; // cell centre in pixels
				boolean object = x >= squareX0 && x < squareX0 + side && y >= squareY0 && y < squareY0 + side;
				e[(object ? 1 : 0) * GRID * GRID + gy * GRID + gx] += 1;
			}
		return e;
	}

	/** Low-res logits +8 inside the square, -8 outside. */
	static float[] square(int x0, int y0, int side) {
		float[] l = new float[SIDE * SIDE];
		for (int y = 0; y < SIDE; y++)
			for (int x = 0; x < SIDE; x++) l[y * SIDE + x] = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side ? 8 : -8;
		return l;
	}

	@Test
	void aMaskOnTheObjectStandsOutAndOneOnBackgroundLooksLikeItsSurroundings() {
		Appearance.View view = Appearance.View.of(embedding(24, 24, 16, 1), SIDE, FRAME);
		assertEquals(GRID, view.grid());
		double onObject = view.surroundSimilarity(square(24, 24, 16));
		double onBackground = view.surroundSimilarity(square(4, 44, 16));
		assertTrue(onObject < 0.5, "object vs ring: " + onObject);
		assertTrue(onBackground > 0.95, "background patch vs ring: " + onBackground);
		assertTrue(Double.isNaN(view.surroundSimilarity(square(0, 0, 0))), "an empty mask has no look");
	}

	@Test
	void theObjectsLookIsFoundAgainWhereItMovedWithinTheSearchWindow() {
		float[] look = Appearance.View.of(embedding(8, 24, 12, 2), SIDE, FRAME).look(square(8, 24, 12));
		Appearance.View moved = Appearance.View.of(embedding(36, 24, 12, 3), SIDE, FRAME);
		PointPrompt p = moved.mostSimilar(look, 0, 0, SIDE, SIDE);
		assertTrue(p.x() >= 36 && p.x() < 48 && p.y() >= 24 && p.y() < 36, "inside the moved square: " + p);
		PointPrompt elsewhere = moved.mostSimilar(look, 0, 0, 30, SIDE);
		assertTrue(elsewhere.x() < 30, "only cells inside the window: " + elsewhere);
		assertNull(moved.mostSimilar(look, 0, 0, 1, 1), "no cell centre in a 1-pixel window");
	}

	@Test
	void anEmbeddingThatIsNotASam1GridHasNoView() {
		assertNull(Appearance.View.of(new float[1], SIDE, FRAME));
		assertNull(Appearance.View.of(new float[Appearance.CHANNELS * 7 * 7], SIDE, FRAME), "7 does not divide 64");
	}

	@Test
	void theCandidateRuleDropsACarriedCandidateThatDoesNotLookLikeTheObject() {
		// The object was at (8, 24) and is now at (36, 24); a confident copy of its mask where it was, and the real one.
		float[] before = square(8, 24, 12);
		float[] look = Appearance.View.of(embedding(8, 24, 12, 4), SIDE, FRAME).look(before);
		Appearance.View now = Appearance.View.of(embedding(36, 24, 12, 5), SIDE, FRAME);
		MaskCandidates copyFirst = new MaskCandidates(new float[][] { before, square(36, 24, 12) }, new float[] { 0.95f, 0.9f }, SIDE);
		CandidateRule.Previous previous = new CandidateRule.Previous(before, false, now, look);
		int[] none = {};
		CandidateRule checked = new CandidateRule(0.15, 0.88, 0.9, 0.75, 0.7, 1, 0.7);
		assertEquals(1, checked.choose(copyFirst, false, previous, none, FRAME), "the copy on background is dropped; the real cell is taken");
		CandidateRule unchecked = new CandidateRule(0.15, 0.88, 0.9, 0.75, 0.7, 1, 0);
		assertEquals(0, unchecked.choose(copyFirst, false, previous, none, FRAME), "without the check the copy wins (token 0, higher IoU)");
		assertEquals(0, checked.choose(copyFirst, false, new CandidateRule.Previous(before, false), none, FRAME), "no embedding given: no check");
	}
}
