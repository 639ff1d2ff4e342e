package io.github.sam2fiji.core.track;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * The one rule every label output follows (ImageJ label images, ImgLib2 label images, TIFF files):
 * each object judged present is painted with its ID; where masks overlap, the pixel goes to the
 * object with the higher object score, the lower ID on a tie; objects judged absent are not painted.
 */
public final class LabelPainter {

	private LabelPainter() {}

	/**
	 * The labels of one frame, row-major, 0 where no object is.
	 *
	 * @throws IllegalStateException if a mask is not {@code width} x {@code height}
	 */
	public static int[] paint(FrameResult result, int width, int height) {
		int[] ids = new int[width * height];
		float[] best = new float[width * height];
		for (ObjectResult o : result.objects()) {
			if (!o.present()) continue;
			BinaryMask mask = o.mask();
			if (mask.width() != width || mask.height() != height)
				throw new IllegalStateException("Object " + o.objectId() + " has a " + mask.width() + " x " + mask.height() + " mask, the labels are " + width + " x " + height);
			byte[] bits = mask.toBytes();
			for (int i = 0; i < bits.length; i++)
				if (bits[i] != 0 && (ids[i] == 0 || o.objectScore() > best[i] || (o.objectScore() == best[i] && o.objectId() < ids[i]))) {
					ids[i] = o.objectId();
					best[i] = o.objectScore();
				}
		}
		return ids;
	}
}
