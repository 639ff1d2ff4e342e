package io.github.sam2fiji.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/** Outlines of every object on every plane of a label image, as ROIs positioned on their plane. */
public final class LabelRois {

	/**
	 * ROI property marking the plugin's output ROIs (value "true"), so that a later run never reads
	 * them back as prompts (they survive saving the ROI Manager's ROIs).
	 */
	public static final String OUTPUT_PROPERTY = "sam2fiji_output";

	private LabelRois() {}

	/**
	 * One ROI per measured object and plane with a non-zero area, named "name-z3-t12" (the z part
	 * only when the image has z slices, t only with time points), positioned on its plane (hyperstack
	 * aware) and, for IDs up to 255, in the ROI group of its ID.
	 */
	public static List<Roi> of(ImagePlus labels, List<ObjectMeasurement> measurements, Map<Integer, String> names) {
		return of(labels, measurements, names, labels);
	}

	/**
	 * As {@link #of(ImagePlus, List, Map)}, positioned on the planes of {@code on}: the input image
	 * the labels came from (an outline shows on every channel of its z/t plane).
	 */
	public static List<Roi> of(ImagePlus labels, List<ObjectMeasurement> measurements, Map<Integer, String> names, ImagePlus on) {
		fillImageJGroupColours();
		List<Roi> rois = new ArrayList<>();
		int w = labels.getWidth(), h = labels.getHeight();
		boolean hyperstack = labels.getNSlices() > 1 && labels.getNFrames() > 1;
		for (ObjectMeasurement m : measurements) {
			if (m.area() == 0) continue;
			int index = labels.getStackIndex(1, m.z(), m.t());
			ImageProcessor plane = labels.getStack().getProcessor(index);
			ByteProcessor mask = new ByteProcessor(w, h);
			for (int i = 0; i < w * h; i++) if ((int) plane.getf(i) == m.objectId()) mask.set(i, 255);
			mask.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
			Roi roi = new ThresholdToSelection().convert(mask);
			if (roi == null) continue;
			StringBuilder name = new StringBuilder(names.getOrDefault(m.objectId(), "object " + m.objectId()));
			if (labels.getNSlices() > 1) name.append("-z").append(m.z());
			if (labels.getNFrames() > 1) name.append("-t").append(m.t());
			roi.setName(name.toString());
			if (on == labels ? hyperstack : on.isHyperStack()) roi.setPosition(0, m.z(), m.t());
			else if (on.getStackSize() > 1) roi.setPosition(on.getStackIndex(1, m.z(), m.t()));
			if (m.objectId() <= 255) roi.setGroup(m.objectId());
			roi.setProperty(OUTPUT_PROPERTY, "true");
			roi.setProperty(OBJECT_PROPERTY, Integer.toString(m.objectId()));
			rois.add(roi);
		}
		return rois;
	}

	/** ROI property of a doubtful object's ROIs: its doubts ({@link Doubts}), "; "-separated. */
	public static final String DOUBT_PROPERTY = "sam2fiji_doubt";
	/** Property naming the object a ROI outlines. */
	public static final String OBJECT_PROPERTY = "sam2fiji_object";

	/**
	 * Marks the ROIs of doubtful objects for review: the property {@value #DOUBT_PROPERTY} with the
	 * reasons, and " [doubtful]" after the name, so the ROI Manager's list shows them at a glance.
	 */
	public static void markDoubtful(List<Roi> rois, Map<Integer, List<String>> doubts) {
		for (Roi roi : rois) {
			String id = roi.getProperty(OBJECT_PROPERTY);
			List<String> reasons = id == null ? null : doubts.get(Integer.valueOf(id));
			if (reasons == null) continue;
			roi.setProperty(DOUBT_PROPERTY, String.join("; ", reasons));
			roi.setName(roi.getName() + " [doubtful]");
		}
	}

	/**
	 * ImageJ 1 colours a ROI group from {@code luts/Glasbey.lut}, read into a private cache on first
	 * use; where that file is missing (plain ImageJ 1 installs) every {@code setGroup} logs "LUT not
	 * found" and the ROI stays in the default colour. Fills that cache with the plugin's own
	 * glasbey-like table when it is empty; an ImageJ without the field is left as it is.
	 */
	static void fillImageJGroupColours() {
		try {
			java.lang.reflect.Field cache = Roi.class.getDeclaredField("glasbeyLut");
			cache.setAccessible(true);
			synchronized (Roi.class) {
				if (cache.get(null) == null) {
					ij.process.LUT fromFile = ij.plugin.LutLoader.openLut("noerror:" + ij.IJ.getDir("luts") + "Glasbey.lut");
					cache.set(null, fromFile != null ? fromFile : GlasbeyLut.create());
				}
			}
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			// another ImageJ version: its own group colours (and messages) apply
		}
	}
}
