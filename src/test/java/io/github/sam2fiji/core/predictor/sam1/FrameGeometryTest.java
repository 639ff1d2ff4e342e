package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where a frame lies in the model input, at full size and shown smaller (input_scale). */
class FrameGeometryTest {

	@Test
	void atFullSizeTheLongestSideFillsTheInput() {
		FrameGeometry g = new FrameGeometry(992, 832, 1024);
		assertEquals(1024.0 / 992, g.scale(), 1e-12);
		assertEquals(1024, g.resizedWidth());
		assertEquals(859, g.resizedHeight());
	}

	@Test
	void aSmallerShareShowsTheFrameSmallerAndMapsPointsAndAreasAccordingly() {
		FrameGeometry half = new FrameGeometry(512, 256, 1024, 0.5);
		assertEquals(1.0, half.scale(), 1e-12);
		assertEquals(512, half.resizedWidth());
		assertEquals(256, half.resizedHeight());
		// The low-res grid (256 cells over 1024 input pixels): frame pixel (100, 60) lies in cell (25, 15).
		assertEquals(15 * 256 + 25, LowResMasks.cellOf(100, 60, 256, half));
		// A mask over a quarter of the frame's part of the grid (128 x 64 cells) is a quarter of the frame.
		float[] logits = new float[256 * 256];
		java.util.Arrays.fill(logits, -5);
		for (int y = 0; y < 32; y++)
			for (int x = 0; x < 64; x++) logits[y * 256 + x] = 5;
		assertEquals(0.25, LowResMasks.areaFraction(logits, 256, half), 1e-12);
		assertTrue(LowResMasks.toFrame(logits, 256, half)[10 * 512 + 10] > 0, "frame pixel (10, 10) lies in the masked cells");
		assertTrue(LowResMasks.toFrame(logits, 256, half)[200 * 512 + 300] < 0);
		assertThrows(IllegalArgumentException.class, () -> new FrameGeometry(512, 256, 1024, 0));
		assertThrows(IllegalArgumentException.class, () -> new FrameGeometry(512, 256, 1024, 1.5));
	}
}
