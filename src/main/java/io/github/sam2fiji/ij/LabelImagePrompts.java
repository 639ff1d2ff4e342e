package io.github.sam2fiji.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.prompt.ObjectPrompt;

/**
 * Turns a label image (e.g. from StarDist or Cellpose) into mask prompts: on every plane, each
 * label value L > 0 is one mask prompt for object L. The label image has either the input's z and
 * t dimensions (one channel), so that each plane prompts the same plane of the input, or a single
 * plane, which prompts one given frame.
 */
public final class LabelImagePrompts {

	private LabelImagePrompts() {}

	/**
	 * @param labels the label image (8-, 16- or 32-bit with integer values), never modified
	 * @param layout the input's layout
	 * @param singlePlaneFrame 0-based frame a single-plane label image prompts
	 * @param singlePlaneSequence 0-based sequence it prompts, or {@link PlacedPrompt#ALL_SEQUENCES}
	 */
	public static PromptSet convert(ImagePlus labels, SequenceLayout layout, int singlePlaneFrame, int singlePlaneSequence) {
		if (labels.getWidth() != layout.width() || labels.getHeight() != layout.height())
			throw new IllegalArgumentException("Label image " + labels.getTitle() + " is " + labels.getWidth() + " x " + labels.getHeight() + ", the image is " + layout.width() + " x " + layout.height());
		if (labels.getBitDepth() == 24)
			throw new IllegalArgumentException("Label image " + labels.getTitle() + " is RGB: give an 8-, 16- or 32-bit label image");
		if (labels.getNChannels() > 1)
			throw new IllegalArgumentException("Label image " + labels.getTitle() + " has " + labels.getNChannels() + " channels: give a single-channel label image");
		List<PlacedPrompt> prompts = new ArrayList<>();
		if (labels.getStackSize() == 1) {
			if (singlePlaneFrame < 0 || singlePlaneFrame >= layout.frameCount())
				throw new IllegalArgumentException("Frame " + singlePlaneFrame + " is outside the image's frames 0 to " + (layout.frameCount() - 1));
			addPlane(labels, 1, singlePlaneFrame, singlePlaneSequence, layout, prompts);
		}
		else {
			ImagePlus image = layout.image();
			// A plain stack counts as matching when its plane count equals the propagation length.
			boolean sameHyperstack = labels.getNSlices() == image.getNSlices() && labels.getNFrames() == image.getNFrames();
			boolean plainSequence = layout.sequenceCount() == 1 && labels.getStackSize() == layout.frameCount();
			if (!sameHyperstack && !plainSequence)
				throw new IllegalArgumentException("Label image " + labels.getTitle() + " has " + labels.getNSlices() + " z slices and " + labels.getNFrames() + " time points, the image " + image.getNSlices() + " and " + image.getNFrames() + ": give a label image of the same z and t dimensions, or a single plane");
			for (int s = 0; s < layout.sequenceCount(); s++)
				for (int f = 0; f < layout.frameCount(); f++) {
					int index;
					if (sameHyperstack) {
						int z = layout.axis() == TrackAxis.Z ? f + 1 : s + 1;
						int t = layout.axis() == TrackAxis.T ? f + 1 : s + 1;
						index = labels.getStackIndex(1, z, t);
					}
					else index = f + 1;
					addPlane(labels, index, f, s, layout, prompts);
				}
		}
		if (prompts.isEmpty())
			throw new IllegalArgumentException("Label image " + labels.getTitle() + " has no labels (every pixel is 0): give a label image with objects, or prompt with ROIs");
		return PromptSet.of(prompts);
	}

	private static void addPlane(ImagePlus labels, int stackIndex, int frame, int sequence, SequenceLayout layout, List<PlacedPrompt> prompts) {
		ImageProcessor ip = labels.getStack().getProcessor(stackIndex);
		int w = layout.width(), h = layout.height();
		Map<Integer, byte[]> masks = new TreeMap<>();
		for (int i = 0; i < w * h; i++) {
			float v = ip.getf(i);
			if (v == 0) continue;
			if (v < 0 || v != Math.rint(v) || v > 65535)
				throw new IllegalArgumentException("Label image " + labels.getTitle() + " has the value " + v + " at (" + i % w + ", " + i / w + ") of plane " + stackIndex + ": labels must be whole numbers from 0 to 65535");
			masks.computeIfAbsent((int) v, k -> new byte[w * h])[i] = 1;
		}
		for (Map.Entry<Integer, byte[]> e : masks.entrySet())
			prompts.add(new PlacedPrompt(sequence, ObjectPrompt.mask(e.getKey(), frame, BinaryMask.of(w, h, e.getValue()))));
	}
}
