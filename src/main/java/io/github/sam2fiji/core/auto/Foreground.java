package io.github.sam2fiji.core.auto;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;

/**
 * Bright-object foreground of a frame by Otsu's threshold on its intensities (the mean of its
 * channels): where automatic masklets may start on fluorescence images, so that the grid's clicks
 * on dark background are not decoded at all. Optional: on images where objects are not brighter
 * than the background it would hide them.
 */
public final class Foreground {

	private static final int BINS = 256;

	private Foreground() {}

	/** Pixels above the frame's Otsu threshold; all pixels when the frame is flat. */
	public static BinaryMask of(Frame frame) {
		int w = frame.width(), h = frame.height(), c = frame.channels();
		float[] v = new float[w * h];
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float sum = 0;
				for (int k = 0; k < c; k++) sum += frame.get(k, x, y);
				float mean = sum / c;
				v[y * w + x] = mean;
				min = Math.min(min, mean);
				max = Math.max(max, mean);
			}
		byte[] bits = new byte[w * h];
		if (!(max > min)) {
			java.util.Arrays.fill(bits, (byte) 1);
			return BinaryMask.of(w, h, bits);
		}
		long[] histogram = new long[BINS];
		double scale = (BINS - 1) / (double) (max - min);
		for (float x : v) histogram[(int) ((x - min) * scale)]++;
		int t = otsu(histogram, v.length);
		double threshold = min + (t + 0.5) / scale;
		for (int i = 0; i < v.length; i++) if (v[i] > threshold) bits[i] = 1;
		return BinaryMask.of(w, h, bits);
	}

	/** The bin that maximises the between-class variance (Otsu 1979). */
	static int otsu(long[] histogram, long total) {
		double sumAll = 0;
		for (int i = 0; i < histogram.length; i++) sumAll += (double) i * histogram[i];
		double sumBelow = 0, best = -1;
		long below = 0;
		int bestBin = 0;
		for (int i = 0; i < histogram.length; i++) {
			below += histogram[i];
			if (below == 0) continue;
			long above = total - below;
			if (above == 0) break;
			sumBelow += (double) i * histogram[i];
			double meanBelow = sumBelow / below, meanAbove = (sumAll - sumBelow) / above;
			double between = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
			if (between > best) {
				best = between;
				bestBin = i;
			}
		}
		return bestBin;
	}
}
