package io.github.sam2fiji.core.image;

/**
 * An ordered sequence of equally sized frames (time points or z slices), read one at a time on
 * demand so that a long stack is never copied whole. Implementations adapt ImagePlus, ImgLib2
 * views or files; they must allow reading any index in any order, repeatedly.
 */
public interface FrameSource {

	int frameCount();

	int width();

	int height();

	/**
	 * Bits per sample of the source's pixels (8, 16, 32; 24 for packed RGB counts as 8), or 0 if
	 * unknown. Models use it to map intensities the same way on every frame (8-bit data as is,
	 * deeper data by percentile normalisation); with 0 each frame is judged by its values.
	 */
	default int bitDepth() {
		return 0;
	}

	/**
	 * True when the frames are the z slices of one volume, false for time points (the default).
	 * Trackers may treat them differently: an object that ends in z is gone, while a cell that is
	 * not seen for a moment in a time-lapse is usually still there.
	 */
	default boolean isVolume() {
		return false;
	}

	/** Reads frame {@code index} (0-based). */
	Frame read(int index);

	/** Throws a clear {@link IndexOutOfBoundsException} if {@code index} is not a frame of this source. */
	/**
	 * Reads a frame for a model: like {@link #read}, but a NaN or infinite pixel is refused with its
	 * frame and position (the model would turn it into an empty result without a word).
	 */
	default Frame readForModel(int index) {
		Frame frame = read(index);
		float[] data = frame.data();
		int plane = frame.width() * frame.height();
		for (int i = 0; i < data.length; i++)
			if (!Float.isFinite(data[i]))
				throw new IllegalArgumentException("Frame " + (index + 1) + " has a " + (Float.isNaN(data[i]) ? "NaN" : "infinite") + " pixel at (" + (i % plane) % frame.width() + ", "
					+ (i % plane) / frame.width() + "): replace non-finite values first (ImageJ: Process > Math > Remove NaNs)");
		return frame;
	}

	default void checkIndex(int index) {
		if (index < 0 || index >= frameCount())
			throw new IndexOutOfBoundsException("Frame " + index + " is outside the sequence (frames 0 to " + (frameCount() - 1) + ")");
	}
}
