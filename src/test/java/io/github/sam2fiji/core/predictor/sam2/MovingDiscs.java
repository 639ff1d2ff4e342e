package io.github.sam2fiji.core.predictor.sam2;

import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;

/**
 * A generated grey 8-bit sequence: bright discs moving on a dark, slightly textured background.
 * Frames are computed on demand (nothing is stored), and the number of reads is counted, so tests
 * can check that a tracker reads lazily.
 */
final class MovingDiscs implements FrameSource {

	private final int width, height, frames;
	private int reads;

	MovingDiscs(int width, int height, int frames) {
		this.width = width;
		this.height = height;
		this.frames = frames;
	}

	@Override
	public int frameCount() {
		return frames;
	}

	@Override
	public int width() {
		return width;
	}

	@Override
	public int height() {
		return height;
	}

	/** Centre x of disc {@code disc} (0 or 1) on frame {@code t}. */
	double centreX(int disc, int t) {
		return disc == 0 ? width * 0.25 + (t % 40) * 0.5 : width * 0.7 - (t % 40) * 0.3;
	}

	double centreY(int disc, int t) {
		return disc == 0 ? height * 0.4 : height * 0.6;
	}

	static final double RADIUS = 9;

	@Override
	public Frame read(int index) {
		checkIndex(index);
		reads++;
		float[] data = new float[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				float v = 20 + ((x * 7 + y * 13) % 11);
				for (int d = 0; d < 2; d++) {
					double dx = x + 0.5 - centreX(d, index), dy = y + 0.5 - centreY(d, index);
					if (dx * dx + dy * dy <= RADIUS * RADIUS) v = d == 0 ? 220 : 160;
				}
				data[y * width + x] = v;
			}
		return new Frame(width, height, 1, data);
	}

	int reads() {
		return reads;
	}
}
