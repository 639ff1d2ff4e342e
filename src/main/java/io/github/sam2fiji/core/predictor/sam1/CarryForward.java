package io.github.sam2fiji.core.predictor.sam1;

import java.util.List;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * Turns an object's mask on one frame into the prompt for the next frame, as in the SAM 2 paper's
 * data engine (phase 2, "SAM + SAM 2 Mask"): the previous low-res logits as mask input, its
 * bounding box widened by a margin (the object may have moved), and one positive click at the
 * mask's most interior pixel (largest distance to the background).
 *
 * @param boxMargin fraction of the box's width/height added on each side, plus 2 pixels
 */
record CarryForward(double boxMargin) {

	CarryForward {
		if (!(boxMargin >= 0)) throw new IllegalArgumentException("Box margin must be 0 or more, got " + boxMargin);
	}

	DecoderPrompt prompt(BinaryMask previous, float[] previousLowRes, FrameGeometry g) {
		return DecoderPrompt.of(List.of(interiorPoint(previous)), box(previous), previousLowRes, g);
	}

	/** Bounding box of the mask widened by the margin, clipped to the frame; null for an empty mask. */
	BoxPrompt box(BinaryMask mask) {
		int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
		for (int y = 0; y < mask.height(); y++)
			for (int x = 0; x < mask.width(); x++)
				if (mask.get(x, y)) {
					x0 = Math.min(x0, x);
					y0 = Math.min(y0, y);
					x1 = Math.max(x1, x);
					y1 = Math.max(y1, y);
				}
		if (x1 < 0) return null;
		double mx = boxMargin * (x1 + 1 - x0) + 2, my = boxMargin * (y1 + 1 - y0) + 2;
		return new BoxPrompt(Math.max(0, x0 - mx), Math.max(0, y0 - my), Math.min(mask.width(), x1 + 1 + mx), Math.min(mask.height(), y1 + 1 + my));
	}

	/**
	 * The pixel centre farthest from the background (chamfer 3-4 distance; the frame edge counts as
	 * background), so the click stays inside even for a crescent- or ring-shaped mask.
	 */
	static PointPrompt interiorPoint(BinaryMask mask) {
		int w = mask.width(), h = mask.height();
		int[] d = new int[w * h];
		int big = Integer.MAX_VALUE / 2;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int i = y * w + x;
				if (!mask.get(x, y)) continue;
				int v = big;
				v = Math.min(v, (x > 0 ? d[i - 1] : 0) + 3);
				v = Math.min(v, (y > 0 ? d[i - w] : 0) + 3);
				v = Math.min(v, (x > 0 && y > 0 ? d[i - w - 1] : 0) + 4);
				v = Math.min(v, (x < w - 1 && y > 0 ? d[i - w + 1] : 0) + 4);
				d[i] = v;
			}
		int best = -1;
		for (int y = h - 1; y >= 0; y--)
			for (int x = w - 1; x >= 0; x--) {
				int i = y * w + x;
				if (d[i] == 0) continue;
				int v = d[i];
				v = Math.min(v, (x < w - 1 ? d[i + 1] : 0) + 3);
				v = Math.min(v, (y < h - 1 ? d[i + w] : 0) + 3);
				v = Math.min(v, (x < w - 1 && y < h - 1 ? d[i + w + 1] : 0) + 4);
				v = Math.min(v, (x > 0 && y < h - 1 ? d[i + w - 1] : 0) + 4);
				d[i] = v;
				if (best < 0 || v >= d[best]) best = i;
			}
		if (best < 0) throw new IllegalArgumentException("An empty mask has no interior point");
		return new PointPrompt(best % w + 0.5, best / w + 0.5, true);
	}
}
