package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.image.PercentileNormalization;

/**
 * Tuning of the SAM 1 interface tracker; {@link #defaults()} is what was measured to work on
 * microscopy data (see docs/model-format.md).
 *
 * @param maxAreaFraction candidates covering more of the frame are dropped (the whole-image trap)
 * @param minCarriedIou carried candidates with a lower predicted IoU are dropped (object gone)
 * @param minStability carried candidates with a lower stability score are dropped (object gone)
 * @param minInPlaceIou lower IoU limit for a carried mask that stays in place inside the frame
 * @param minInPlaceStability lower stability limit for a carried mask that stays in place inside the frame
 * @param boxMargin carried box widened by this fraction of its size on each side (plus 2 pixels)
 * @param minArea a carried mask smaller than this many pixels means the object is lost
 * @param maxGrowth a carried mask more than this many times the previous area means the object is
 *          lost (the model jumped to something else)
 * @param maxMisses frames in a row a carried object may be missed (absent) before it is lost
 * @param normalization intensity mapping of frames to 0-255
 */
public record Sam1Settings(double maxAreaFraction, double minCarriedIou, double minStability, double minInPlaceIou, double minInPlaceStability, double boxMargin, int minArea, double maxGrowth, int maxMisses, PercentileNormalization normalization) {

	public Sam1Settings {
		if (!(maxAreaFraction > 0 && maxAreaFraction <= 1)) throw new IllegalArgumentException("maxAreaFraction must be in (0, 1], got " + maxAreaFraction);
		if (!(minStability >= 0 && minStability <= 1)) throw new IllegalArgumentException("minStability must be in [0, 1], got " + minStability);
		if (!(boxMargin >= 0)) throw new IllegalArgumentException("boxMargin must be 0 or more, got " + boxMargin);
		if (minArea < 1) throw new IllegalArgumentException("minArea must be at least 1 pixel, got " + minArea);
		if (!(maxGrowth > 1)) throw new IllegalArgumentException("maxGrowth must be above 1, got " + maxGrowth);
		if (maxMisses < 0) throw new IllegalArgumentException("maxMisses must be 0 or more, got " + maxMisses);
		if (normalization == null) throw new IllegalArgumentException("normalization is required");
	}

	public static Sam1Settings defaults() {
		return new Sam1Settings(0.15, 0.88, 0.9, 0.75, 0.7, 0.1, 4, 4.0, 2, PercentileNormalization.DEFAULT);
	}
}
