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
