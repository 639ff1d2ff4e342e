package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link LowResMasks#toFrame} interpolates only where a positive low-res cell reaches: every pixel
 * it calls positive, and the value there, is what full bilinear interpolation (written out here as
 * the reference) gives, on frames of several shapes and input scales, with one patch, several, none
 * and patches on the border.
 */
class LowResMasksTest {

	@Test
	void boundedUpsamplingKeepsEveryPositivePixelAndItsValue() {
		Random random = new Random(7);
		FrameGeometry[] geometries = { new FrameGeometry(1024, 1024, 1024), new FrameGeometry(992, 832, 1024), new FrameGeometry(512, 256, 1024, 0.5),
			new FrameGeometry(300, 700, 1024) };
		int size = 256;
		for (FrameGeometry g : geometries) {
			int positive = 0;
			for (int trial = 0; trial < 6; trial++) {
				float[] low = new float[size * size];
				for (int i = 0; i < low.length; i++) low[i] = -1 - 5 * random.nextFloat();
				int patches = trial;
				for (int p = 0; p < patches; p++) {
					int cx = trial == 5 ? 0 : random.nextInt(size), cy = trial == 5 ? size - 3 : random.nextInt(size), r = 1 + random.nextInt(6);
					for (int y = Math.max(0, cy - r); y < Math.min(size, cy + r); y++)
						for (int x = Math.max(0, cx - r); x < Math.min(size, cx + r); x++) low[y * size + x] = 4 * random.nextFloat() - 0.5f;
				}
				float[] bounded = LowResMasks.toFrame(low, size, g), full = reference(low, size, g);
				for (int i = 0; i < full.length; i++) {
					assertEquals(full[i] > 0, bounded[i] > 0, "pixel " + i + " of " + g);
					if (full[i] > 0) {
						assertEquals(full[i], bounded[i], "the value at pixel " + i);
						positive++;
					}
					else assertTrue(bounded[i] <= 0);
				}
			}
			assertTrue(positive > 0, "the test has positive pixels on " + g);
		}
	}

	/** Plain bilinear interpolation over the whole frame (the half-pixel rule of LowResMasks). */
	private static float[] reference(float[] lowRes, int size, FrameGeometry g) {
		int w = g.width(), h = g.height();
		double k = g.scale() * size / g.longestSide();
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++) {
			double v = Math.min(size - 1, Math.max(0, (y + 0.5) * k - 0.5));
			int y0 = (int) v, y1 = Math.min(size - 1, y0 + 1);
			float fy = (float) (v - y0);
			for (int x = 0; x < w; x++) {
				double u = Math.min(size - 1, Math.max(0, (x + 0.5) * k - 0.5));
				int x0 = (int) u, x1 = Math.min(size - 1, x0 + 1);
				float fx = (float) (u - x0);
				float top = lowRes[y0 * size + x0] + fx * (lowRes[y0 * size + x1] - lowRes[y0 * size + x0]);
				float bottom = lowRes[y1 * size + x0] + fx * (lowRes[y1 * size + x1] - lowRes[y1 * size + x0]);
				out[y * w + x] = top + fy * (bottom - top);
			}
		}
		return out;
	}
}
