package io.github.sam2fiji.core.image;

/**
 * Turns a {@link Frame} into a SAM 2 image-encoder input: 3 x size x size floats, channel-major,
 * as SAM 2's video frame loader makes them (sam2/utils/misc.py): the frame as 8-bit RGB (grey
 * repeated in 3 channels), resized to size x size with Pillow's BICUBIC filter (no aspect
 * preservation, no padding), divided by 255, then (x - mean) / std per channel.
 * <p>
 * Frames whose values are all integers in 0..255 (8-bit grey or RGB) follow that path bit for bit.
 * Other frames (16-bit, 32-bit) are first mapped to 0..1 by {@link PercentileNormalization} and
 * resized with Pillow's float bicubic path instead of being quantised to 8 bits, so no intensity
 * levels are lost; everything else is the same.
 *
 * @param size the model's input side (e.g. 1024)
 * @param mean per-channel mean in 0..1 units (ImageNet: 0.485, 0.456, 0.406)
 * @param std per-channel standard deviation in 0..1 units (ImageNet: 0.229, 0.224, 0.225)
 * @param normalization how frames of more than 8 bits are mapped to 0..1
 */
public record FramePreprocessor(int size, float[] mean, float[] std, PercentileNormalization normalization) {

	public FramePreprocessor {
		if (size < 1) throw new IllegalArgumentException("Model input size must be positive, got " + size);
		if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("Mean and std need 3 values (R, G, B)");
		mean = mean.clone();
		std = std.clone();
		if (normalization == null) normalization = PercentileNormalization.DEFAULT;
	}

	@Override
	public float[] mean() {
		return mean.clone();
	}

	@Override
	public float[] std() {
		return std.clone();
	}

	/** The model input of {@code frame}, judged 8-bit or deeper by its values (the frame itself is not modified). */
	public float[] apply(Frame frame) {
		return apply(frame, 0);
	}

	/**
	 * The model input of {@code frame} from a source of {@code bitDepth} bits per sample (see
	 * {@link FrameSource#bitDepth()}): 8 (or 24, packed RGB) takes the 8-bit path, more bits the
	 * percentile path, 0 (unknown) judges the frame by its values. Knowing the depth keeps all frames
	 * of a sequence on the same path.
	 */
	public float[] apply(Frame frame, int bitDepth) {
		int w = frame.width(), h = frame.height(), plane = w * h;
		boolean eightBit = bitDepth == 0 ? isEightBit(frame.data()) : (bitDepth == 8 || bitDepth == 24) && isEightBit(frame.data());
		float[] values = eightBit ? frame.data() : normalization.apply(frame.data());
		float[] out = new float[3 * size * size];
		float[] resized = null;
		for (int c = 0; c < 3; c++) {
			// grey frames: one resize serves all three (identical) channels
			if (c < frame.channels()) {
				float[] channel = new float[plane];
				System.arraycopy(values, c * plane, channel, 0, plane);
				resized = eightBit ? Resampling.pilBicubic8Bit(channel, w, h, size, size) : Resampling.pilBicubic(channel, w, h, size, size);
			}
			int offset = c * size * size;
			float m = mean[c], s = std[c];
			for (int i = 0; i < resized.length; i++) {
				// the loader divides uint8 by 255.0 in double, then stores float32
				float unit = eightBit ? (float) (resized[i] / 255.0) : resized[i];
				out[offset + i] = (unit - m) / s;
			}
		}
		return out;
	}

	/** True when every value is an integer in 0..255, i.e. the frame is 8-bit data. */
	static boolean isEightBit(float[] values) {
		for (float v : values)
			if (!(v >= 0 && v <= 255 && v == Math.rint(v))) return false;
		return true;
	}
}
