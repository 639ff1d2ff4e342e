package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;

/** The carry-forward prompt built from a previous mask (no model). */
class CarryForwardTest {

	private static BinaryMask rect(int w, int h, int x0, int y0, int x1, int y1) {
		byte[] b = new byte[w * h];
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++) b[y * w + x] = 1;
		return BinaryMask.of(w, h, b);
	}

	@Test
	void theBoxIsTheMaskBoundsWidenedAndClippedToTheFrame() {
		BoxPrompt box = new CarryForward(0.1).box(rect(100, 80, 20, 10, 40, 50));
		// 20 x 40 box: margins 0.1 * 20 + 2 = 4 and 0.1 * 40 + 2 = 6.
		assertEquals(new BoxPrompt(16, 4, 44, 56), box);
		BoxPrompt atEdge = new CarryForward(0.1).box(rect(100, 80, 90, 70, 100, 80));
		assertEquals(100, atEdge.x1());
		assertEquals(80, atEdge.y1());
		assertNull(new CarryForward(0.1).box(BinaryMask.empty(10, 10)));
	}

	@Test
	void theClickLiesDeepInsideEvenForACrescent() {
		// A 60 x 60 square with a 40 x 40 bite out of its top-right: the centre of the bounding box is outside.
		int w = 80, h = 80;
		byte[] b = new byte[w * h];
		for (int y = 10; y < 70; y++)
			for (int x = 10; x < 70; x++)
				if (!(x >= 30 && y < 50)) b[y * w + x] = 1;
		BinaryMask crescent = BinaryMask.of(w, h, b);
		assertTrue(!crescent.get(40, 40));
		PointPrompt p = CarryForward.interiorPoint(crescent);
		assertTrue(p.positive());
		int x = (int) p.x(), y = (int) p.y();
		assertTrue(crescent.get(x, y));
		// At least 8 px from the background in every direction.
		for (int d = 1; d <= 8; d++)
			assertTrue(crescent.get(x - d, y) && crescent.get(x + d, y) && crescent.get(x, y - d) && crescent.get(x, y + d), "click too close to the edge: " + p);
	}

	@Test
	void thePromptScalesIntoTheModelInputAndCarriesTheMaskLogits() {
		FrameGeometry g = new FrameGeometry(512, 256, 1024); // scale 2
		float[] lowRes = new float[256 * 256];
		DecoderPrompt prompt = new CarryForward(0).prompt(rect(512, 256, 100, 50, 141, 91), lowRes, g);
		assertEquals(3, prompt.pointCount(), "one click and two box corners, no padding point");
		assertArrayEquals(new float[] { 1, 2, 3 }, prompt.labels());
		assertEquals(2 * 120.5f, prompt.coords()[0], 1e-3);
		assertEquals(2 * 70.5f, prompt.coords()[1], 1e-3);
		assertEquals(2 * 98f, prompt.coords()[2], 1e-3);
		assertEquals(2 * 143f, prompt.coords()[4], 1e-3);
		assertTrue(prompt.maskInput() == lowRes);
		assertTrue(!prompt.ambiguous());
	}

	@Test
	void aClickWithoutBoxGetsThePaddingPoint() {
		DecoderPrompt p = DecoderPrompt.of(java.util.List.of(new PointPrompt(10, 20, true)), null, null, new FrameGeometry(256, 128, 1024));
		assertArrayEquals(new float[] { 1, -1 }, p.labels());
		assertArrayEquals(new float[] { 40, 80, 0, 0 }, p.coords());
		assertTrue(p.ambiguous());
	}
}
