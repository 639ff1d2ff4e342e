package io.github.sam2fiji.imglib2;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;

import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.track.LabelPainter;

/**
 * Writes tracking results into a caller-owned ImgLib2 label image (x, y, frame) of
 * {@link UnsignedShortType}: each frame's plane is replaced by {@link LabelPainter}'s labels (the
 * same rule as every other label output).
 */
public final class LabelImgWriter {

	private final RandomAccessibleInterval<UnsignedShortType> labels;

	public LabelImgWriter(RandomAccessibleInterval<UnsignedShortType> labels) {
		if (labels.numDimensions() != 3) throw new IllegalArgumentException("Expected a label image (x, y, frame), got " + labels.numDimensions() + " dimensions");
		this.labels = labels;
	}

	public void write(FrameResult result) {
		RandomAccessibleInterval<UnsignedShortType> plane = Views.hyperSlice(labels, 2, labels.min(2) + result.frame());
		int w = (int) plane.dimension(0), h = (int) plane.dimension(1);
		int[] ids = LabelPainter.paint(result, w, h);
		Cursor<UnsignedShortType> c = Views.flatIterable(plane).localizingCursor();
		long x0 = plane.min(0), y0 = plane.min(1);
		while (c.hasNext()) {
			c.fwd();
			c.get().set(ids[(int) (c.getLongPosition(1) - y0) * w + (int) (c.getLongPosition(0) - x0)]);
		}
	}
}
