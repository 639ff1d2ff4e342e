package io.github.sam2fiji.convert;

import java.util.Arrays;

/**
 * One tensor of a PyTorch checkpoint as its pickle describes it: a view ({@code offset},
 * {@code shape}, {@code stride}, in elements) of a storage, the zip entry {@code data/<storage>}.
 */
public record CheckpointTensor(String key, StorageType type, String typeName, String storage, long storageElements, long offset, long[] shape,
	long[] stride) {

	/** The storage element types this reader converts to float32 (exactly for all three). */
	public enum StorageType {
		FLOAT32("FloatStorage", 4), BFLOAT16("BFloat16Storage", 2), FLOAT16("HalfStorage", 2);

		final String pythonName;
		final int bytes;

		StorageType(String pythonName, int bytes) {
			this.pythonName = pythonName;
			this.bytes = bytes;
		}

		/** The type named {@code torch.<name>} in a pickle, or null. */
		static StorageType forPythonName(String name) {
			for (StorageType t : values())
				if (t.pythonName.equals(name)) return t;
			return null;
		}

		/** float32, bfloat16, float16 as PyTorch names the dtype. */
		public String dtype() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	public long elements() {
		long n = 1;
		for (long d : shape) n *= d;
		return n;
	}

	/** Whether the view is row-major contiguous (the layout torch.save gives parameters). */
	boolean contiguous() {
		long expected = 1;
		for (int i = shape.length - 1; i >= 0; i--) {
			if (shape[i] != 1 && stride[i] != expected) return false;
			expected *= shape[i];
		}
		return true;
	}

	public String shapeText() {
		return Arrays.toString(shape);
	}
}
