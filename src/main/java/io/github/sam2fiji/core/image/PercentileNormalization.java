package io.github.sam2fiji.core.image;

import java.util.Arrays;

/**
 * Maps intensities of more than 8 bits (16-bit, 32-bit microscopy) to 0..1: the {@code low}-th
 * percentile of the frame goes to 0, the {@code high}-th to 1, values beyond are clipped (SAM
 * models were trained on 8-bit photographs, which saturate the same way). Percentiles are those of
 * numpy's default (linear interpolation between order statistics), over all channels together.
 *
 * @param low lower percentile, 0..100 (e.g. 1)
 * @param high upper percentile, above {@code low}, up to 100 (e.g. 99.8)
 */
public record PercentileNormalization(double low, double high) {

	/** 1st to 99.8th percentile: keeps bright small structures (nuclei, vesicles) from saturating. */
	public static final PercentileNormalization DEFAULT = new PercentileNormalization(1, 99.8);

	public PercentileNormalization {
		if (!(low >= 0 && high <= 100 && low < high))
			throw new IllegalArgumentException("Percentiles must satisfy 0 <= low < high <= 100, got " + low + " and " + high);
	}

	/** A new array: {@code values} mapped to 0..1. A constant frame maps to all 0. */
	public float[] apply(float[] values) {
		float[] sorted = values.clone();
		Arrays.sort(sorted);
		double lo = percentile(sorted, low), hi = percentile(sorted, high);
		float[] out = new float[values.length];
		if (!(hi > lo)) return out;
		double scale = 1.0 / (hi - lo);
		for (int i = 0; i < values.length; i++) out[i] = (float) Math.min(1.0, Math.max(0.0, (values[i] - lo) * scale));
		return out;
	}

	/** numpy.percentile(..., method="linear") of sorted values. */
	static double percentile(float[] sorted, double percent) {
		double rank = percent / 100.0 * (sorted.length - 1);
		int below = (int) Math.floor(rank);
		int above = Math.min(below + 1, sorted.length - 1);
		double fraction = rank - below;
		return sorted[below] + (sorted[above] - (double) sorted[below]) * fraction;
	}
}
