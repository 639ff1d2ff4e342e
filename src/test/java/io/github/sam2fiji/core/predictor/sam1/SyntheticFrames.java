package io.github.sam2fiji.core.predictor.sam1;

import java.util.Random;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;

/** Generated 16-bit-like sequences of bright discs on a noisy background, with their true masks. */
final class SyntheticFrames implements FrameSource {

	/** A disc's centre and radius on every frame. */
	record Disc(double[] cx, double[] cy, double radius) {}

	private final int width, height, count;
	private final Disc[] discs;
	private final long seed;
	private final boolean volume;

	SyntheticFrames(int width, int height, int count, long seed, Disc... discs) {
		this(width, height, count, seed, false, discs);
	}

	private SyntheticFrames(int width, int height, int count, long seed, boolean volume, Disc... discs) {
		this.width = width;
		this.height = height;
		this.count = count;
		this.discs = discs;
		this.seed = seed;
		this.volume = volume;
	}

	/** The same frames as the z slices of a volume ({@link FrameSource#isVolume()}). */
	SyntheticFrames asVolume() {
		return new SyntheticFrames(width, height, count, seed, true, discs);
	}

	@Override
	public boolean isVolume() {
		return volume;
	}

	/** One disc moving in a straight line from (x0, y0) by (dx, dy) per frame. */
	static Disc moving(double x0, double y0, double dx, double dy, double radius, int frames) {
		double[] cx = new double[frames], cy = new double[frames];
		for (int t = 0; t < frames; t++) {
			cx[t] = x0 + t * dx;
			cy[t] = y0 + t * dy;
		}
		return new Disc(cx, cy, radius);
	}

	@Override
	public int frameCount() {
		return count;
	}

	@Override
	public int width() {
		return width;
	}

	@Override
	public int height() {
		return height;
	}

	@Override
	public Frame read(int index) {
		checkIndex(index);
		Random rnd = new Random(seed * 1000 + index);
		float[] data = new float[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				float v = 400 + (float) rnd.nextGaussian() * 40;
				for (Disc d : discs)
					if (inside(d, index, x, y)) v += 3000;
				data[y * width + x] = v;
			}
		return new Frame(width, height, 1, data);
	}

	BinaryMask truth(int disc, int index) {
		byte[] bits = new byte[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++)
				bits[y * width + x] = inside(discs[disc], index, x, y) ? (byte) 1 : 0;
		return BinaryMask.of(width, height, bits);
	}

	/** The leftmost column holding a pixel of {@code m}, or -1 when it is empty (where a mask "is" along x). */
	static int leftmostColumn(BinaryMask m) {
		for (int x = 0; x < m.width(); x++)
			for (int y = 0; y < m.height(); y++)
				if (m.get(x, y)) return x;
		return -1;
	}

	private static boolean inside(Disc d, int t, int x, int y) {
		double ddx = x + 0.5 - d.cx()[t], ddy = y + 0.5 - d.cy()[t];
		return ddx * ddx + ddy * ddy <= d.radius() * d.radius();
	}
}
