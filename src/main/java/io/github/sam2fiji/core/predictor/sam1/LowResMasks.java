package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.image.BinaryMask;

/**
 * Conversions between the decoder's low-res logits (a {@code size} x {@code size} grid over the
 * padded model input) and frame pixels. Resizing here, from the low-res output, is much cheaper
 * than the stock graph's in-graph upsampling to full size; one bilinear step replaces SAM 1's two
 * (to L, crop, to frame size), which agree to well under a pixel at the 0 threshold.
 */
final class LowResMasks {

	/** The logit given to frame pixels no positive low-res cell reaches (see {@link #toFrame}). */
	static final float OUTSIDE = -1f;

	/** Logit used for "surely inside/outside" when a binary mask becomes a mask input. */
	static final float CERTAIN = 10f;

	private LowResMasks() {}

	/** Low-res cells per frame pixel. */
	private static double cellsPerPixel(int size, FrameGeometry g) {
		return g.scale() * size / g.longestSide();
	}

	/** Bilinearly samples the low-res logits at every frame pixel's centre. */
	static float[] toFrame(float[] lowRes, int size, FrameGeometry g) {
		int w = g.width(), h = g.height();
		double k = cellsPerPixel(size, g);
		int[] x0 = new int[w], x1 = new int[w];
		float[] fx = new float[w];
		for (int x = 0; x < w; x++) {
			double u = Math.min(size - 1, Math.max(0, (x + 0.5) * k - 0.5));
			x0[x] = (int) u;
			x1[x] = Math.min(size - 1, x0[x] + 1);
			fx[x] = (float) (u - x0[x]);
		}
		// Only positive logits are ever used (a mask is logit > 0; overlaps compare claimed pixels), and a
		// pixel whose four low-res cells are all <= 0 interpolates to <= 0: those pixels get OUTSIDE and
		// only the rest is interpolated. Exact for every use; a cell is a few pixels of a large frame.
		int cx0 = size, cx1 = -1, cy0 = size, cy1 = -1;
		for (int cy = 0; cy < size; cy++)
			for (int cx = 0; cx < size; cx++)
				if (lowRes[cy * size + cx] > 0) {
					if (cx < cx0) cx0 = cx;
					if (cx > cx1) cx1 = cx;
					if (cy < cy0) cy0 = cy;
					if (cy > cy1) cy1 = cy;
				}
		float[] out = new float[w * h];
		java.util.Arrays.fill(out, OUTSIDE);
		if (cx1 < 0) return out;
		int px0 = 0, px1 = w - 1;
		while (px0 < w && (x1[px0] < cx0 || x0[px0] > cx1)) px0++;
		while (px1 >= 0 && (x1[px1] < cx0 || x0[px1] > cx1)) px1--;
		for (int y = 0; y < h; y++) {
			double v = Math.min(size - 1, Math.max(0, (y + 0.5) * k - 0.5));
			int y0 = (int) v, y1 = Math.min(size - 1, y0 + 1);
			if (y1 < cy0 || y0 > cy1) continue;
			float fy = (float) (v - y0);
			int r0 = y0 * size, r1 = y1 * size;
			for (int x = px0; x <= px1; x++) {
				float top = lowRes[r0 + x0[x]] + fx[x] * (lowRes[r0 + x1[x]] - lowRes[r0 + x0[x]]);
				float bottom = lowRes[r1 + x0[x]] + fx[x] * (lowRes[r1 + x1[x]] - lowRes[r1 + x0[x]]);
				out[y * w + x] = top + fy * (bottom - top);
			}
		}
		return out;
	}

	/** The low-res cell index (y * size + x) holding frame point (x, y). */
	static int cellOf(double x, double y, int size, FrameGeometry g) {
		double k = cellsPerPixel(size, g);
		int cx = Math.min(size - 1, Math.max(0, (int) (x * k)));
		int cy = Math.min(size - 1, Math.max(0, (int) (y * k)));
		return cy * size + cx;
	}

	/** Share of the frame's part of the low-res grid with a positive logit. */
	static double areaFraction(float[] lowRes, int size, FrameGeometry g) {
		double k = cellsPerPixel(size, g);
		int cw = Math.max(1, Math.min(size, (int) Math.round(g.width() * k)));
		int ch = Math.max(1, Math.min(size, (int) Math.round(g.height() * k)));
		long inside = 0;
		for (int y = 0; y < ch; y++)
			for (int x = 0; x < cw; x++)
				if (lowRes[y * size + x] > 0) inside++;
		return (double) inside / ((long) cw * ch);
	}

	/**
	 * SAM's stability score on the frame's part of the grid: cells with logit &gt; +1 over cells
	 * with logit &gt; -1 (1 for a crisp mask, low for a blurry one); 0 when nothing is above -1.
	 */
	static double stability(float[] lowRes, int size, FrameGeometry g) {
		double k = cellsPerPixel(size, g);
		int cw = Math.max(1, Math.min(size, (int) Math.round(g.width() * k)));
		int ch = Math.max(1, Math.min(size, (int) Math.round(g.height() * k)));
		long high = 0, low = 0;
		for (int y = 0; y < ch; y++)
			for (int x = 0; x < cw; x++) {
				float v = lowRes[y * size + x];
				if (v > 1) high++;
				if (v > -1) low++;
			}
		return low == 0 ? 0 : (double) high / low;
	}

	/** IoU of the positive cells of two low-res logit grids (0 when both are empty). */
	static double overlap(float[] a, float[] b, int size) {
		long inter = 0, union = 0;
		for (int i = 0; i < size * size; i++) {
			boolean pa = a[i] > 0, pb = b[i] > 0;
			if (pa && pb) inter++;
			if (pa || pb) union++;
		}
		return union == 0 ? 0 : (double) inter / union;
	}

	/** Whether the mask has a pixel on the frame's outermost rows or columns. */
	static boolean touchesBorder(BinaryMask m) {
		int w = m.width(), h = m.height();
		for (int x = 0; x < w; x++) if (m.get(x, 0) || m.get(x, h - 1)) return true;
		for (int y = 0; y < h; y++) if (m.get(0, y) || m.get(w - 1, y)) return true;
		return false;
	}

	/**
	 * A binary mask as low-res logits (the share of each cell covered, mapped to -10..+10), for a
	 * mask prompt given by the user; the padding outside the frame is "surely outside".
	 */
	static float[] fromMask(BinaryMask mask, int size, FrameGeometry g) {
		double k = cellsPerPixel(size, g);
		float[] logits = new float[size * size];
		java.util.Arrays.fill(logits, -CERTAIN);
		if (k >= 1) { // frame pixels at least as large as cells: each cell takes the pixel it lies in
			for (int cy = 0; cy < size; cy++)
				for (int cx = 0; cx < size; cx++) {
					int x = (int) ((cx + 0.5) / k), y = (int) ((cy + 0.5) / k);
					if (x < g.width() && y < g.height()) logits[cy * size + cx] = mask.get(x, y) ? CERTAIN : -CERTAIN;
				}
			return logits;
		}
		float[] covered = new float[size * size], count = new float[size * size];
		for (int y = 0; y < g.height(); y++) {
			int cy = Math.min(size - 1, (int) ((y + 0.5) * k));
			for (int x = 0; x < g.width(); x++) {
				int cell = cy * size + Math.min(size - 1, (int) ((x + 0.5) * k));
				count[cell]++;
				if (mask.get(x, y)) covered[cell]++;
			}
		}
		for (int i = 0; i < logits.length; i++)
			if (count[i] > 0) logits[i] = (2 * covered[i] / count[i] - 1) * CERTAIN;
		return logits;
	}
}
