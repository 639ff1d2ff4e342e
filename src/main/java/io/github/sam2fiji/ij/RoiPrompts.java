package io.github.sam2fiji.ij;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.process.FloatPolygon;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * Turns ImageJ ROIs into prompts (see README, "ROIs as prompts"):
 * <ul>
 * <li>point ROIs are clicks, positive by default; a click is negative ("not this object") when
 * its counter is 1 (multi-point tool options, "Counter: 1") or when its point ROI has the property
 * {@code sam_prompt=negative} (in a macro: {@code Roi.setProperty("sam_prompt", "negative")},
 * since ImageJ 1 macros cannot set counters);</li>
 * <li>a plain rectangle is a box; every other area ROI (oval, polygon, freehand, traced, rotated
 * rectangle, composite) is a mask;</li>
 * <li>line and text ROIs are refused;</li>
 * <li>the ROI's z/t position (hyperstack aware; per point for multi-point ROIs) is the frame it
 * prompts; no position on the propagation axis means the image's current frame, no position on
 * the other axis means every sequence (or, for the image's own selection, the current one);</li>
 * <li>ROIs of one ROI Manager group are one object whose ID is the group number; otherwise ROIs of
 * the same name are one object; each unnamed ROI is an object of its own. Objects without a group
 * get the lowest IDs no group uses, in ROI order.</li>
 * </ul>
 */
public final class RoiPrompts {

	private RoiPrompts() {}

	/** Counter of a negative click in a multi-point ROI. */
	public static final int NEGATIVE_COUNTER = 1;

	/** ROI property (and its value) that makes every click of a point ROI negative. */
	public static final String PROMPT_PROPERTY = "sam_prompt", NEGATIVE = "negative";

	/** ROIs with each multi-point ROI of separate objects split into one point ROI per point, and what was split. */
	public record SplitPoints(List<Roi> rois, int roisSplit, int objectsMade) {
		/** A line for the log when ROIs were split, else null. */
		public String note() {
			if (roisSplit == 0) return null;
			return (roisSplit == 1 ? "a multi-point ROI" : roisSplit + " multi-point ROIs") + " made " + objectsMade
				+ " objects, one per point (to make a ROI's points one object: multi-point ROIs = one object, or name or group the ROI)";
		}
	}

	/**
	 * The multi-point tool's usual use, one click per cell, as separate objects: every multi-point
	 * ROI whose points are all positive and which has no name and no group becomes one point ROI
	 * per point (keeping each point's stack position), so each is an object of its own. A named or
	 * grouped ROI, or one with a negative click, stays one object: the user said so.
	 */
	public static SplitPoints pointsAsObjects(List<Roi> rois) {
		List<Roi> out = new ArrayList<>();
		int split = 0, made = 0;
		for (Roi roi : rois) {
			if (!(roi instanceof PointRoi points) || points.size() < 2 || roi.getGroup() > 0 || (roi.getName() != null && !roi.getName().isBlank())
				|| hasNegative(points)) {
				out.add(roi);
				continue;
			}
			FloatPolygon polygon = points.getFloatPolygon();
			for (int i = 0; i < polygon.npoints; i++) {
				PointRoi one = new PointRoi(polygon.xpoints[i], polygon.ypoints[i]);
				int position = points.getPointPosition(i);
				if (points.hasHyperStackPosition() && position <= 0) one.setPosition(points.getCPosition(), points.getZPosition(), points.getTPosition());
				else one.setPosition(position > 0 ? position : points.getPosition());
				out.add(one);
			}
			split++;
			made += polygon.npoints;
		}
		return new SplitPoints(out, split, made);
	}

	private static boolean hasNegative(PointRoi points) {
		String property = points.getProperty(PROMPT_PROPERTY);
		if (property != null && property.trim().equalsIgnoreCase(NEGATIVE)) return true;
		int[] counters = points.getCounters();
		if (counters == null) return false;
		for (int i = 0; i < Math.min(counters.length, points.size()); i++)
			if ((counters[i] & 0xff) == NEGATIVE_COUNTER) return true;
		return false;
	}

	/**
	 * Converts ROIs into prompts.
	 *
	 * @param rois the ROIs, e.g. the ROI Manager's, in order
	 * @param layout the image and its propagation axis
	 * @param imageSelection true when the ROIs are the image's own selection (drawn on what the
	 *          user sees, so a missing position means the current slice on both axes)
	 * @throws IllegalArgumentException naming the ROI, for a ROI that cannot be a prompt
	 */
	public static PromptSet convert(List<Roi> rois, SequenceLayout layout, boolean imageSelection) {
		Map<String, Integer> ids = assignIds(rois);
		SortedMap<Integer, String> names = new TreeMap<>();
		Map<PromptKey, PromptBuilder> builders = new LinkedHashMap<>();
		for (int i = 0; i < rois.size(); i++) {
			Roi roi = rois.get(i);
			String key = objectKey(roi, i);
			int id = ids.get(key);
			names.putIfAbsent(id, displayName(roi, id));
			addRoi(roi, id, layout, imageSelection, builders);
		}
		List<PlacedPrompt> placed = new ArrayList<>();
		for (Map.Entry<PromptKey, PromptBuilder> e : builders.entrySet())
			placed.add(new PlacedPrompt(e.getKey().sequence, e.getValue().build(e.getKey(), layout)));
		return new PromptSet(placed, names);
	}

	private static Map<String, Integer> assignIds(List<Roi> rois) {
		Set<Integer> groups = new HashSet<>();
		for (Roi roi : rois)
			if (roi.getGroup() > 0) groups.add(roi.getGroup());
		Map<String, Integer> ids = new HashMap<>();
		int next = 1;
		for (int i = 0; i < rois.size(); i++) {
			Roi roi = rois.get(i);
			String key = objectKey(roi, i);
			if (ids.containsKey(key)) continue;
			if (roi.getGroup() > 0) {
				ids.put(key, roi.getGroup());
				continue;
			}
			while (groups.contains(next)) next++;
			ids.put(key, next++);
		}
		return ids;
	}

	private static String objectKey(Roi roi, int index) {
		if (roi.getGroup() > 0) return "group " + roi.getGroup();
		String name = roi.getName();
		if (name != null && !name.isBlank()) return "name " + name;
		return "roi " + index;
	}

	private static String displayName(Roi roi, int id) {
		if (roi.getGroup() > 0) {
			String groupName = Roi.getGroupName(roi.getGroup());
			return groupName != null && !groupName.isBlank() ? groupName : "group " + roi.getGroup();
		}
		String name = roi.getName();
		return name != null && !name.isBlank() ? name : "object " + id;
	}

	private static String describe(Roi roi) {
		String name = roi.getName();
		return name != null && !name.isBlank() ? "ROI '" + name + "'" : "A " + roi.getTypeAsString().toLowerCase(java.util.Locale.ROOT) + " ROI";
	}

	private static void addRoi(Roi roi, int id, SequenceLayout layout, boolean imageSelection, Map<PromptKey, PromptBuilder> builders) {
		int[] roiPosition = position(roi, roi.getPosition(), layout);
		if (roi instanceof PointRoi points) {
			FloatPolygon polygon = points.getFloatPolygon();
			int[] counters = points.getCounters();
			String property = points.getProperty(PROMPT_PROPERTY);
			if (property != null && !property.isBlank() && !property.trim().equalsIgnoreCase(NEGATIVE) && !property.trim().equalsIgnoreCase("positive"))
				throw new IllegalArgumentException(describe(roi) + " has " + PROMPT_PROPERTY + "=" + property + ": use negative or positive");
			boolean allNegative = property != null && property.trim().equalsIgnoreCase(NEGATIVE);
			for (int i = 0; i < polygon.npoints; i++) {
				int pointPosition = points.getPointPosition(i);
				int[] fs = pointPosition > 0 ? position(roi, pointPosition, layout) : roiPosition;
				PromptKey key = key(roi, id, fs, layout, imageSelection);
				int counter = counters == null || i >= counters.length ? 0 : counters[i] & 0xff;
				if (counter > NEGATIVE_COUNTER)
					throw new IllegalArgumentException(describe(roi) + " has a point with counter " + counter + ": use counter 0 for positive clicks and counter 1 for negative clicks");
				// Pixel indices, as SAM takes them (it adds the half pixel itself).
				double x = Math.floor(polygon.xpoints[i]), y = Math.floor(polygon.ypoints[i]);
				if (x < 0 || y < 0 || x >= layout.width() || y >= layout.height())
					throw new IllegalArgumentException(describe(roi) + " has a point at (" + x + ", " + y + ") outside the " + layout.width() + " x " + layout.height() + " image");
				builders.computeIfAbsent(key, k -> new PromptBuilder()).addPoint(new PointPrompt(x, y, counter != NEGATIVE_COUNTER && !allNegative), roi);
			}
			return;
		}
		if (roi.isLine() || !roi.isArea())
			throw new IllegalArgumentException(describe(roi) + " is a " + roi.getTypeAsString().toLowerCase(java.util.Locale.ROOT) + " selection, which cannot be a prompt: use points, a rectangle or an area ROI");
		PromptKey key = key(roi, id, roiPosition, layout, imageSelection);
		Rectangle b = roi.getBounds();
		Rectangle clipped = b.intersection(new Rectangle(0, 0, layout.width(), layout.height()));
		if (clipped.isEmpty())
			throw new IllegalArgumentException(describe(roi) + " at (" + b.x + ", " + b.y + ", " + b.width + " x " + b.height + ") lies outside the " + layout.width() + " x " + layout.height() + " image");
		PromptBuilder builder = builders.computeIfAbsent(key, k -> new PromptBuilder());
		if (isBox(roi)) {
			builder.setBox(new BoxPrompt(clipped.x, clipped.y, clipped.x + clipped.width, clipped.y + clipped.height), roi);
			return;
		}
		byte[] mask = areaMask(roi, layout.width(), layout.height());
		if (mask == null)
			throw new IllegalArgumentException(describe(roi) + " covers no pixel of the image");
		builder.addMask(mask, roi);
	}

	/** Whether an area ROI is a box prompt: a plain rectangle (no rounded corners). */
	public static boolean isBox(Roi roi) {
		return roi.getType() == Roi.RECTANGLE && roi.getCornerDiameter() == 0;
	}

	/** The pixels of a {@code width} x {@code height} image an area ROI covers (1 inside), or null when it covers none. */
	public static byte[] areaMask(Roi roi, int width, int height) {
		Rectangle b = roi.getBounds();
		Rectangle clipped = b.intersection(new Rectangle(0, 0, width, height));
		byte[] mask = new byte[width * height];
		ImageProcessor roiMask = roi.getMask();
		boolean any = false;
		for (int y = clipped.y; y < clipped.y + clipped.height; y++)
			for (int x = clipped.x; x < clipped.x + clipped.width; x++)
				if (roiMask == null || roiMask.get(x - b.x, y - b.y) != 0) {
					mask[y * width + x] = 1;
					any = true;
				}
		return any ? mask : null;
	}

	/** 1-based (z, t) of a stack position; 0 where unset. */
	private static int[] position(Roi roi, int stackPosition, SequenceLayout layout) {
		if (roi.hasHyperStackPosition()) return new int[] { roi.getZPosition(), roi.getTPosition() };
		if (stackPosition <= 0) return new int[] { 0, 0 };
		if (stackPosition > layout.image().getStackSize())
			throw new IllegalArgumentException(describe(roi) + " is on slice " + stackPosition + ", but " + layout.image().getTitle() + " has " + layout.image().getStackSize());
		int[] czt = layout.image().convertIndexToPosition(stackPosition);
		return new int[] { czt[1], czt[2] };
	}

	private static PromptKey key(Roi roi, int id, int[] zt, SequenceLayout layout, boolean imageSelection) {
		int[] fs = layout.frameAndSequence(zt[0], zt[1]);
		int[] current = layout.currentFrameAndSequence();
		int frame = fs[0] >= 0 ? fs[0] : current[0];
		int sequence;
		if (layout.sequenceCount() == 1) sequence = 0;
		else if (fs[1] >= 0) sequence = fs[1];
		else sequence = imageSelection ? current[1] : PlacedPrompt.ALL_SEQUENCES;
		String axisName = layout.axis().label();
		if (frame >= layout.frameCount())
			throw new IllegalArgumentException(describe(roi) + " is at " + axisName + " = " + (frame + 1) + ", but the image has " + layout.frameCount() + " positions along " + axisName);
		if (sequence >= layout.sequenceCount())
			throw new IllegalArgumentException(describe(roi) + " is at " + layout.otherAxisLabel() + " = " + (sequence + 1) + ", but the image has " + layout.sequenceCount() + " positions along " + layout.otherAxisLabel());
		return new PromptKey(id, frame, sequence);
	}

	private record PromptKey(int objectId, int frame, int sequence) {}

	/** Collects what the ROIs of one object say about one frame. */
	private static final class PromptBuilder {
		private final List<PointPrompt> points = new ArrayList<>();
		private BoxPrompt box;
		private byte[] mask;
		private final List<String> sources = new ArrayList<>();

		void addPoint(PointPrompt p, Roi roi) {
			points.add(p);
			note(roi);
		}

		void setBox(BoxPrompt b, Roi roi) {
			note(roi);
			if (box != null)
				throw new IllegalArgumentException("Two rectangles for one object on one frame (" + String.join(", ", sources) + "): give one box per object and frame, or use another area ROI for a mask");
			box = b;
		}

		void addMask(byte[] m, Roi roi) {
			note(roi);
			if (mask == null) mask = m;
			else for (int i = 0; i < m.length; i++) mask[i] |= m[i];
		}

		private void note(Roi roi) {
			String d = describe(roi);
			if (!sources.contains(d)) sources.add(d);
		}

		ObjectPrompt build(PromptKey key, SequenceLayout layout) {
			if (mask != null && (box != null || !points.isEmpty()))
				throw new IllegalArgumentException("Object " + key.objectId + " on " + layout.axis().label() + " = " + (key.frame + 1) + " has an area ROI (a mask prompt) together with points or a rectangle (" + String.join(", ", sources) + "): a mask prompt stands alone");
			BinaryMask m = mask == null ? null : BinaryMask.of(layout.width(), layout.height(), mask);
			return new ObjectPrompt(key.objectId, key.frame, points, box, m);
		}
	}
}
