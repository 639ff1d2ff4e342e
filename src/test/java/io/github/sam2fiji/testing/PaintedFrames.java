package io.github.sam2fiji.testing;

import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;

/** A generated 8-bit sequence whose pixel values are a function of frame and position. */
public record PaintedFrames(int width, int height, int frameCount, Painter painter) implements FrameSource {

	/** A pixel's value on frame {@code t}. */
	@FunctionalInterface
	public interface Painter {
		float value(int t, int x, int y);
	}

	@Override
	public int bitDepth() {
		return 8;
	}

	@Override
	public Frame read(int t) {
		checkIndex(t);
		float[] data = new float[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) data[y * width + x] = painter.value(t, x, y);
		return new Frame(width, height, 1, data);
	}
}
