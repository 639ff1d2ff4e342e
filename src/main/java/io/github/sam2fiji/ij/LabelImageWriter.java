package io.github.sam2fiji.ij;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ShortProcessor;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.track.LabelPainter;

/**
 * The output label image: 16 bits, one channel, the input's z and t, its calibration, a
 * glasbey-like LUT. Allocated once, then written one plane at a time as results arrive, painted by
 * {@link LabelPainter} (overlaps to the higher object score; absent objects not painted).
 */
public final class LabelImageWriter {

	private final ImagePlus labels;
	/** Plane index -> the measurements of its latest write, planes in the order they were first written. */
	private final java.util.LinkedHashMap<Integer, List<ObjectMeasurement>> measurements = new java.util.LinkedHashMap<>();

	/** A black label image of {@code z} slices and {@code t} time points. */
	public LabelImageWriter(String title, int width, int height, int z, int t, Calibration calibration) {
		ImageStack stack = new ImageStack(width, height);
		for (int i = 0; i < z * t; i++) stack.addSlice(new ShortProcessor(width, height));
		labels = new ImagePlus(title, stack);
		labels.setDimensions(1, z, t);
		if (z > 1 && t > 1) labels.setOpenAsHyperStack(true);
		if (calibration != null) labels.setCalibration(calibration.copy());
		labels.setLut(GlasbeyLut.create());
		// IDs 1..255 map one-to-one onto the LUT's colours.
		labels.setDisplayRange(0, 255);
	}

	/**
	 * A writer for the whole of {@code input}: same z, t and calibration, title "<input>-labels", made
	 * unique among the open images ("<input>-labels-1", ...) so a label image chooser never lists two
	 * windows of one title.
	 */
	public static LabelImageWriter like(ImagePlus input) {
		return new LabelImageWriter(uniqueLabelTitle(input.getTitle()), input.getWidth(), input.getHeight(), input.getNSlices(), input.getNFrames(),
			input.getCalibration());
	}

	/**
	 * {@link #labelTitle}, unique among the open images, batch-mode ones included (ImageJ's own
	 * WindowManager.makeUniqueName looks at windows only).
	 */
	public static String uniqueLabelTitle(String inputTitle) {
		return uniqueTitle(inputTitle, "labels");
	}

	/** "cells.tif" and "montage" -> "cells-montage", or "cells-montage-1" (and so on) when an open image has that title. */
	public static String uniqueTitle(String inputTitle, String what) {
		String title = titleOf(inputTitle, what), candidate = title;
		for (int n = 1; ij.WindowManager.getImage(candidate) != null; n++) candidate = title + "-" + n;
		return candidate;
	}

	/** "cells.tif" -> "cells-labels". */
	public static String labelTitle(String inputTitle) {
		return titleOf(inputTitle, "labels");
	}

	private static String titleOf(String inputTitle, String what) {
		String base = inputTitle == null || inputTitle.isBlank() ? "image" : inputTitle;
		int dot = base.lastIndexOf('.');
		if (dot > 0 && base.length() - dot <= 5) base = base.substring(0, dot);
		return base + "-" + what;
	}

	public ImagePlus image() {
		return labels;
	}

	/**
	 * Writes one frame's objects into the plane at 1-based ({@code z}, {@code t}) and measures them;
	 * a plane written again is replaced, its measurements too.
	 */
	public void write(int z, int t, FrameResult result) {
		int w = labels.getWidth(), h = labels.getHeight();
		int index = labels.getStackIndex(1, z, t);
		short[] pixels = (short[]) labels.getStack().getPixels(index);
		int[] ids = LabelPainter.paint(result, w, h);
		for (int i = 0; i < ids.length; i++) {
			if (ids[i] > 65535) throw new IllegalStateException("Object ID " + ids[i] + " does not fit a 16-bit label image");
			pixels[i] = (short) ids[i];
		}
		measurements.put(index, measure(pixels, w, z, t, result));
	}

	private static List<ObjectMeasurement> measure(short[] pixels, int w, int z, int t, FrameResult result) {
		// One pass: per label value, pixel count and coordinate sums.
		java.util.Map<Integer, double[]> sums = new java.util.HashMap<>();
		for (int i = 0; i < pixels.length; i++) {
			int id = pixels[i] & 0xffff;
			if (id == 0) continue;
			double[] s = sums.computeIfAbsent(id, k -> new double[3]);
			s[0]++;
			s[1] += i % w + 0.5;
			s[2] += i / w + 0.5;
		}
		List<ObjectMeasurement> plane = new ArrayList<>();
		for (ObjectResult o : result.objects()) {
			double[] s = sums.getOrDefault(o.objectId(), new double[3]);
			double n = s[0];
			// pixels lost in the tracker's own overlap resolution, plus those the painter gave another object
			int lost = o.lostToOthers() + (o.present() ? Math.max(0, o.mask().area() - (int) n) : 0);
			plane.add(new ObjectMeasurement(o.objectId(), z, t, (int) n, n == 0 ? Double.NaN : s[1] / n, n == 0 ? Double.NaN : s[2] / n, o.objectScore(), o.iou(), o.present(), lost, o.stability()));
		}
		return plane;
	}

	/** Measurements of every object on every written plane, planes in the order they were first written. */
	public List<ObjectMeasurement> measurements() {
		List<ObjectMeasurement> all = new ArrayList<>();
		measurements.values().forEach(all::addAll);
		return all;
	}
}
