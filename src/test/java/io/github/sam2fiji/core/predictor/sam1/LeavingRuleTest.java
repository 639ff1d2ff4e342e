package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;

/** Which carried objects keep the strict limits: only those that may be leaving the frame. */
class LeavingRuleTest {

	/** A w x h rectangle at (x0, y0) in a 64 x 64 frame. */
	private static BinaryMask rect(int x0, int y0, int w, int h) {
		byte[] b = new byte[64 * 64];
		for (int y = y0; y < y0 + h; y++)
			for (int x = x0; x < x0 + w; x++) b[y * 64 + x] = 1;
		return BinaryMask.of(64, 64, b);
	}

	@Test
	void aCellLyingAtTheBorderWithItsFullSizeIsNotLeaving() {
		BinaryMask atBorder = rect(0, 20, 12, 12);
		assertFalse(Sam1Session.leaving(atBorder, 144));
	}

	@Test
	void aCellShrunkToASliverAtTheBorderIsLeaving() {
		BinaryMask sliver = rect(0, 20, 4, 12); // 48 px, a third of its peak
		assertTrue(Sam1Session.leaving(sliver, 144));
	}

	@Test
	void aShrunkCellInsideTheFrameIsNotLeaving() {
		BinaryMask small = rect(30, 30, 4, 12);
		assertFalse(Sam1Session.leaving(small, 144));
	}

	@Test
	void theShareIsHalfTheLargestArea() {
		assertFalse(Sam1Session.leaving(rect(0, 20, 6, 12), 144), "72 px = exactly half: not under it");
		assertTrue(Sam1Session.leaving(rect(0, 20, 6, 12), 145));
	}
}
