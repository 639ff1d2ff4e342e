package io.github.sam2fiji.imglib2;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;

import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * Writes tracking results into a caller-owned ImgLib2 label image (x, y, frame) of
 * {@link UnsignedShortType}: each frame's plane is cleared, then every present object painted
 * with its ID; where masks overlap the higher object score wins (the lower ID on a tie), as in
 * the ImageJ label image.
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
		int[] ids = new int[w * h];
		float[] best = new float[w * h];
		for (ObjectResult o : result.objects()) {
			if (!o.present()) continue;
			if (o.mask().width() != w || o.mask().height() != h)
				throw new IllegalArgumentException("Object " + o.objectId() + " has a " + o.mask().width() + " x " + o.mask().height() + " mask, the label image is " + w + " x " + h);
			byte[] bits = o.mask().toBytes();
			for (int i = 0; i < bits.length; i++)
				if (bits[i] != 0 && (ids[i] == 0 || o.objectScore() > best[i] || (o.objectScore() == best[i] && o.objectId() < ids[i]))) {
					ids[i] = o.objectId();
					best[i] = o.objectScore();
				}
		}
		Cursor<UnsignedShortType> c = Views.flatIterable(plane).localizingCursor();
		long x0 = plane.min(0), y0 = plane.min(1);
		while (c.hasNext()) {
			c.fwd();
			c.get().set(ids[(int) (c.getLongPosition(1) - y0) * w + (int) (c.getLongPosition(0) - x0)]);
		}
	}
}
