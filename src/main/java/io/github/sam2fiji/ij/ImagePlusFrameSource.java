package io.github.sam2fiji.ij;

import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;

/**
 * One sequence of a hyperstack as a {@link FrameSource}: each {@link #read} fetches one plane from
 * the image's stack (a virtual stack reads it from disk only then) and copies its pixels, so the
 * image is never modified and never copied whole. RGB planes become 3-channel frames.
 */
public final class ImagePlusFrameSource implements FrameSource {

	private final SequenceLayout layout;
	private final int sequence;

	ImagePlusFrameSource(SequenceLayout layout, int sequence) {
		this.layout = layout;
		this.sequence = sequence;
	}

	@Override
	public int frameCount() {
		return layout.frameCount();
	}

	@Override
	public int width() {
		return layout.width();
	}

	@Override
	public int height() {
		return layout.height();
	}

	/** The image's bit depth; packed RGB (24) counts as 8 bits per sample. */
	@Override
	public int bitDepth() {
		int depth = layout.image().getBitDepth();
		return depth == 24 ? 8 : depth;
	}

	/** Propagating along z: the frames are the slices of one volume. */
	@Override
	public boolean isVolume() {
		return layout.axis() == TrackAxis.Z;
	}

	@Override
	public Frame read(int index) {
		checkIndex(index);
		ImageStack stack = layout.image().getStack();
		ImageProcessor ip = stack.getProcessor(layout.stackIndex(sequence, index));
		int w = ip.getWidth(), h = ip.getHeight();
		if (ip instanceof ColorProcessor cp) {
			int n = w * h;
			float[] data = new float[3 * n];
			int[] rgb = (int[]) cp.getPixels();
			for (int i = 0; i < n; i++) {
				int c = rgb[i];
				data[i] = (c >> 16) & 0xff;
				data[n + i] = (c >> 8) & 0xff;
				data[2 * n + i] = c & 0xff;
			}
			return new Frame(w, h, 3, data);
		}
		float[] data = new float[w * h];
		for (int i = 0; i < data.length; i++) data[i] = ip.getf(i);
		return new Frame(w, h, 1, data);
	}
}
