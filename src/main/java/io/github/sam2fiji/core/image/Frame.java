package io.github.sam2fiji.core.image;

/**
 * One 2-D frame as read from its source, in the source's own intensity units (not normalised).
 * Pixels are planar: channel c, row y, column x is at {@code data[(c * height + y) * width + x]}.
 *
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param channels 1 (grey) or 3 (RGB)
 * @param data planar pixel values, length {@code channels * height * width}
 */
public record Frame(int width, int height, int channels, float[] data) {

	public Frame {
		if (width < 1 || height < 1) throw new IllegalArgumentException("Frame size must be positive, got " + width + " x " + height);
		if (channels != 1 && channels != 3) throw new IllegalArgumentException("A frame has 1 or 3 channels, got " + channels);
		if (data.length != (long) channels * width * height)
			throw new IllegalArgumentException("Frame data has " + data.length + " values, expected " + (long) channels * width * height);
	}

	public float get(int channel, int x, int y) {
		return data[(channel * height + y) * width + x];
	}
}
