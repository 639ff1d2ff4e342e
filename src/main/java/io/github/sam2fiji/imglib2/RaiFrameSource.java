package io.github.sam2fiji.imglib2;

import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.converter.Converters;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;

/**
 * An ImgLib2 image as a {@link FrameSource}: dimensions (x, y) for one frame or (x, y, frame)
 * for a sequence (e.g. a time-lapse, or a hyperslice of a bigger image made with
 * {@code Views.hyperSlice}). Each {@link #read} copies one plane, converted to float, with
 * {@link PrimitiveBlocks} (lazy views are evaluated only for that plane).
 */
public final class RaiFrameSource<T extends RealType<T>> implements FrameSource {

	private final RandomAccessibleInterval<T> image;
	private final PrimitiveBlocks<FloatType> blocks;
	private final int width;
	private final int height;
	private final int frames;
	private final boolean volume;

	/** Dimension 2, if any, is time. */
	public RaiFrameSource(RandomAccessibleInterval<T> image) {
		this(image, false);
	}

	/** @param volume true when dimension 2 is z (the frames are the slices of one volume), false for time */
	public RaiFrameSource(RandomAccessibleInterval<T> image, boolean volume) {
		this.volume = volume;
		int n = image.numDimensions();
		if (n != 2 && n != 3)
			throw new IllegalArgumentException("Expected an image with dimensions (x, y) or (x, y, frame), got " + n + " dimensions: take a hyperslice first");
		if (image.dimension(0) > Integer.MAX_VALUE || image.dimension(1) > Integer.MAX_VALUE || (long) image.dimension(0) * image.dimension(1) > Integer.MAX_VALUE)
			throw new IllegalArgumentException("A frame of " + image.dimension(0) + " x " + image.dimension(1) + " pixels is too large");
		this.image = n == 2 ? Views.addDimension(image, 0, 0) : image;
		this.width = (int) image.dimension(0);
		this.height = (int) image.dimension(1);
		this.frames = n == 2 ? 1 : (int) image.dimension(2);
		// Converted views are copied through PrimitiveBlocks' general (fallback) path: correct for any RealType.
		RandomAccessibleInterval<FloatType> floats = Converters.convert(this.image, (a, b) -> b.setReal(a.getRealDouble()), new FloatType());
		this.blocks = PrimitiveBlocks.of(floats, PrimitiveBlocks.OnFallback.ACCEPT);
	}

	@Override
	public boolean isVolume() {
		return volume;
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

	/** 8, 16 or 32 for unsigned bytes, unsigned shorts and floats; 0 (unknown) for other types. */
	@Override
	public int bitDepth() {
		T type = image.getType();
		if (type instanceof UnsignedByteType) return 8;
		if (type instanceof UnsignedShortType) return 16;
		if (type instanceof FloatType) return 32;
		return 0;
	}

	@Override
	public Frame read(int index) {
		checkIndex(index);
		float[] data = new float[width * height];
		long[] min = { image.min(0), image.min(1), image.min(2) + index };
		long[] max = { image.max(0), image.max(1), image.min(2) + index };
		blocks.copy(new FinalInterval(min, max), data);
		return new Frame(width, height, 1, data);
	}
}
