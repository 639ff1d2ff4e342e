package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.PercentileNormalization;
import io.github.sam2fiji.core.image.Resampling;

/**
 * Turns a frame into the encoder's input as SAM 1 interface models expect it (SAM 1's
 * ResizeLongestSide and preprocess): intensities in 0-255 (8-bit frames as they are, deeper frames
 * through {@link PercentileNormalization}), grey copied to 3 channels, longest side resized to L with
 * antialiased bilinear interpolation, mean/std in 0-255 units, zero padding bottom/right, planar CHW.
 */
final class Sam1Preprocessor {

	private final Sam1ModelSpec spec;
	private final PercentileNormalization normalization;
	private final double fill;

	/** @param fill share of the input's side the frame's longest side fills ({@link FrameGeometry#fill()}) */
	Sam1Preprocessor(Sam1ModelSpec spec, PercentileNormalization normalization, double fill) {
		this.spec = spec;
		this.normalization = normalization;
		this.fill = fill;
	}

	Sam1Preprocessor(Sam1ModelSpec spec, PercentileNormalization normalization) {
		this(spec, normalization, 1);
	}

	FrameGeometry geometry(int width, int height) {
		return new FrameGeometry(width, height, spec.longestSide(), fill);
	}

	/**
	 * The [3, L, L] input, planar, of a frame from a source of {@code bitDepth} bits per sample
	 * ({@link io.github.sam2fiji.core.image.FrameSource#bitDepth()}; 0 = judge the frame by its values).
	 */
	float[] encoderInput(Frame frame, int bitDepth) {
		FrameGeometry g = geometry(frame.width(), frame.height());
		int side = spec.longestSide();
		int rw = g.resizedWidth(), rh = g.resizedHeight();
		int plane = frame.width() * frame.height();
		float[] unit255 = frame.data();
		boolean eightBit = bitDepth == 0 ? isEightBit(unit255) : (bitDepth == 8 || bitDepth == 24) && isEightBit(unit255);
		if (!eightBit) {
			unit255 = normalization.apply(unit255);
			for (int i = 0; i < unit255.length; i++) unit255[i] *= 255f;
		}
		float[] out = new float[3 * side * side];
		float[] resized = null;
		for (int c = 0; c < 3; c++) {
			if (c < frame.channels()) { // grey: one resize serves all three channels
				float[] channel = new float[plane];
				System.arraycopy(unit255, c * plane, channel, 0, plane);
				resized = Resampling.bilinearAntialiased(channel, frame.width(), frame.height(), rw, rh);
			}
			float mean = spec.pixelMean()[c], std = spec.pixelStd()[c];
			int base = c * side * side;
			// The padding stays 0 after normalisation, as in SAM 1 (it pads the normalised image).
			for (int y = 0; y < rh; y++)
				for (int x = 0; x < rw; x++)
					out[base + y * side + x] = (resized[y * rw + x] - mean) / std;
		}
		return out;
	}

	private static boolean isEightBit(float[] values) {
		for (float v : values)
			if (!(v >= 0 && v <= 255 && v == Math.rint(v))) return false;
		return true;
	}
}
