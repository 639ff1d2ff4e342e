package io.github.sam2fiji.core.prompt;

/**
 * A click in frame pixel coordinates (x right, y down, pixel centres at integer + 0.5 as in SAM).
 *
 * @param positive true for "this is the object", false for "this is not"
 */
public record PointPrompt(double x, double y, boolean positive) {

	public PointPrompt {
		if (!Double.isFinite(x) || !Double.isFinite(y)) throw new IllegalArgumentException("Point coordinates must be finite, got (" + x + ", " + y + ")");
	}
}
