package io.github.sam2fiji.core.image;

import java.util.Arrays;

/** An immutable binary mask of a frame's size; one byte per pixel (0 or 1), row-major. */
public final class BinaryMask {

	private final int width;
	private final int height;
	private final byte[] bits;

	private BinaryMask(int width, int height, byte[] bits) {
		this.width = width;
		this.height = height;
		this.bits = bits;
	}

	/** Copies {@code values}: any non-zero byte is foreground. */
	public static BinaryMask of(int width, int height, byte[] values) {
		if (width < 1 || height < 1) throw new IllegalArgumentException("Mask size must be positive, got " + width + " x " + height);
		if (values.length != (long) width * height)
			throw new IllegalArgumentException("Mask has " + values.length + " values, expected " + (long) width * height);
		byte[] bits = new byte[values.length];
		for (int i = 0; i < values.length; i++) bits[i] = values[i] != 0 ? (byte) 1 : 0;
		return new BinaryMask(width, height, bits);
	}

	/** Foreground where {@code logits[i] > threshold}. */
	public static BinaryMask threshold(int width, int height, float[] logits, float threshold) {
		if (logits.length != (long) width * height)
			throw new IllegalArgumentException("Logits have " + logits.length + " values, expected " + (long) width * height);
		byte[] bits = new byte[logits.length];
		for (int i = 0; i < logits.length; i++) bits[i] = logits[i] > threshold ? (byte) 1 : 0;
		return new BinaryMask(width, height, bits);
	}

	/**
	 * A mask from run lengths over its pixels in row-major order: background first, then
	 * alternating (the last run may stop short of the end; the rest is background).
	 */
	public static BinaryMask fromRuns(int width, int height, int[] runs) {
		byte[] bits = new byte[width * height];
		int i = 0;
		for (int r = 0; r < runs.length; r++) {
			if (r % 2 == 1) Arrays.fill(bits, i, i + runs[r], (byte) 1);
			i += runs[r];
		}
		return new BinaryMask(width, height, bits);
	}

	/**
	 * The mask as run lengths for {@link #fromRuns} (a cell's mask is a few hundred runs, not a pixel
	 * per byte): background first, then alternating; the trailing background is left out.
	 */
	public int[] toRuns() {
		int[] runs = new int[16];
		int count = 0;
		byte current = 0;
		int length = 0;
		for (byte b : bits) {
			if (b != current) {
				if (count == runs.length) runs = Arrays.copyOf(runs, 2 * count);
				runs[count++] = length;
				current = b;
				length = 0;
			}
			length++;
		}
		if (current != 0) {
			if (count == runs.length) runs = Arrays.copyOf(runs, count + 1);
			runs[count++] = length;
		}
		return Arrays.copyOf(runs, count);
	}

	/** The smallest rectangle holding the foreground, as {x0, y0, x1, y1} (inclusive), or null when empty. */
	public int[] bounds() {
		int x0 = width, y0 = -1, x1 = -1, y1 = -1;
		for (int y = 0; y < height; y++) {
			int row = y * width;
			int first = -1, last = -1;
			for (int x = 0; x < width; x++)
				if (bits[row + x] != 0) {
					if (first < 0) first = x;
					last = x;
				}
			if (first < 0) continue;
			if (y0 < 0) y0 = y;
			y1 = y;
			x0 = Math.min(x0, first);
			x1 = Math.max(x1, last);
		}
		return y0 < 0 ? null : new int[] { x0, y0, x1, y1 };
	}

	public static BinaryMask empty(int width, int height) {
		return new BinaryMask(width, height, new byte[width * height]);
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public boolean get(int x, int y) {
		return bits[y * width + x] != 0;
	}

	public int area() {
		int n = 0;
		for (byte b : bits) n += b;
		return n;
	}

	public boolean isEmpty() {
		for (byte b : bits) if (b != 0) return false;
		return true;
	}

	/** The mean x and y (pixel indices) of the mask's pixels; NaN for an empty mask. */
	public double[] centroid() {
		double sx = 0, sy = 0;
		long n = 0;
		for (int i = 0; i < bits.length; i++)
			if (bits[i] != 0) {
				sx += i % width;
				sy += i / width;
				n++;
			}
		return n == 0 ? new double[] { Double.NaN, Double.NaN } : new double[] { sx / n, sy / n };
	}

	/** A copy of the pixels, 0 or 1, row-major. */
	public byte[] toBytes() {
		return bits.clone();
	}

	/** Intersection over union with another mask of the same size; 1 when both are empty. */
	public double iou(BinaryMask other) {
		if (other.width != width || other.height != height) throw new IllegalArgumentException("Masks differ in size");
		long inter = 0, union = 0;
		for (int i = 0; i < bits.length; i++) {
			inter += bits[i] & other.bits[i];
			union += bits[i] | other.bits[i];
		}
		return union == 0 ? 1.0 : (double) inter / union;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof BinaryMask m && m.width == width && m.height == height && Arrays.equals(m.bits, bits);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * width + height) + Arrays.hashCode(bits);
	}

	@Override
	public String toString() {
		return "BinaryMask[" + width + "x" + height + ", area=" + area() + "]";
	}
}
