package io.github.sam2fiji.core.predictor.sam1;

/**
 * How a frame of {@code width} x {@code height} pixels maps into the model's square input of side
 * {@code longestSide}: scaled so its longest side fits, placed top-left, padded bottom/right (SAM 1's
 * ResizeLongestSide). The decoder's low-res masks cover the whole padded square. With {@code fill}
 * under 1 the frame's longest side fills only that share of the input (the frame is shown smaller,
 * the rest padded), which suits objects too large for the model at full size.
 */
public record FrameGeometry(int width, int height, int longestSide, double fill) {

	public FrameGeometry {
		if (width < 1 || height < 1 || longestSide < 1) throw new IllegalArgumentException("Sizes must be positive");
		if (!(fill > 0 && fill <= 1)) throw new IllegalArgumentException("The frame's share of the input must be in (0, 1], got " + fill);
	}

	/** The frame's longest side fills the input (SAM 1's own preprocessing). */
	public FrameGeometry(int width, int height, int longestSide) {
		this(width, height, longestSide, 1);
	}

	/** Model pixels per frame pixel. */
	public double scale() {
		return fill * longestSide / Math.max(width, height);
	}

	/** Width of the frame inside the model input (SAM 1 rounds half up). */
	public int resizedWidth() {
		return (int) (width * scale() + 0.5);
	}

	public int resizedHeight() {
		return (int) (height * scale() + 0.5);
	}
}
