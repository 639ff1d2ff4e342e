package io.github.sam2fiji.ij;

import ij.process.LUT;

/**
 * A glasbey-like lookup table for label images: index 0 black, then 255 colours each chosen, in
 * turn, as far as possible (in CIELAB) from all colours before it, so neighbouring label IDs look
 * different. Deterministic: the same table every time.
 */
public final class GlasbeyLut {

	private static final int SIZE = 256;

	private GlasbeyLut() {}

	/** A new LUT (LUTs are mutable ImageJ objects, so each image gets its own). */
	public static LUT create() {
		int[] rgb = colours();
		byte[] r = new byte[SIZE], g = new byte[SIZE], b = new byte[SIZE];
		for (int i = 0; i < SIZE; i++) {
			r[i] = (byte) (rgb[i] >> 16);
			g[i] = (byte) (rgb[i] >> 8);
			b[i] = (byte) rgb[i];
		}
		return new LUT(r, g, b);
	}

	/** The 256 colours as 0xRRGGBB; index 0 is black. Computed on each call: keep the result. */
	public static int[] colours() {
		// Candidates: a 16-level RGB grid; greedy farthest-point selection from black and white
		// (white is excluded from the output but seeds the distances, so no near-white labels).
		int levels = 16, n = levels * levels * levels;
		double[][] lab = new double[n][];
		int[] candidates = new int[n];
		for (int i = 0; i < n; i++) {
			int r = (i / (levels * levels)) * 17, g = (i / levels % levels) * 17, b = (i % levels) * 17;
			candidates[i] = (r << 16) | (g << 8) | b;
			lab[i] = toLab(r, g, b);
		}
		double[] nearest = new double[n];
		java.util.Arrays.fill(nearest, Double.MAX_VALUE);
		update(nearest, lab, toLab(0, 0, 0));
		update(nearest, lab, toLab(255, 255, 255));
		int[] out = new int[SIZE];
		for (int k = 1; k < SIZE; k++) {
			int best = 0;
			for (int i = 1; i < n; i++) if (nearest[i] > nearest[best]) best = i;
			out[k] = candidates[best];
			update(nearest, lab, lab[best]);
		}
		return out;
	}

	private static void update(double[] nearest, double[][] lab, double[] chosen) {
		for (int i = 0; i < lab.length; i++) {
			double dl = lab[i][0] - chosen[0], da = lab[i][1] - chosen[1], db = lab[i][2] - chosen[2];
			nearest[i] = Math.min(nearest[i], dl * dl + da * da + db * db);
		}
	}

	private static double[] toLab(int r8, int g8, int b8) {
		double r = linear(r8), g = linear(g8), b = linear(b8);
		double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
		double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
		double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
		double fx = f(x), fy = f(y), fz = f(z);
		return new double[] { 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz) };
	}

	private static double linear(int c) {
		double v = c / 255.0;
		return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
	}

	private static double f(double t) {
		return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
	}
}
