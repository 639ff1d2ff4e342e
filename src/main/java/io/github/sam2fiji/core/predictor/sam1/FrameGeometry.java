package io.github.sam2fiji.core.predictor.sam1;

/**
 * How a frame of {@code width} x {@code height} pixels maps into the model's square input of side
 * {@code longestSide}: scaled so its longest side fits, placed top-left, padded bottom/right (SAM 1's
 * ResizeLongestSide). The decoder's low-res masks cover the whole padded square.
 */
public record FrameGeometry(int width, int height, int longestSide) {

	public FrameGeometry {
		if (width < 1 || height < 1 || longestSide < 1) throw new IllegalArgumentException("Sizes must be positive");
	}

	/** Model pixels per frame pixel. */
	public double scale() {
		return (double) longestSide / Math.max(width, height);
	}

	/** Width of the frame inside the model input (SAM 1 rounds half up). */
	public int resizedWidth() {
		return (int) (width * scale() + 0.5);
	}

	public int resizedHeight() {
		return (int) (height * scale() + 0.5);
	}
}
