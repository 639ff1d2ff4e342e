package io.github.sam2fiji.core.prompt;

import java.util.List;

import io.github.sam2fiji.core.image.BinaryMask;

/**
 * Everything the user said about one object on one frame: clicks, a box and/or a mask. As in
 * SAM 2, a mask prompt stands alone (it is not combined with clicks or a box on the same frame).
 *
 * @param objectId the object's ID, at least 1; becomes its label in the output
 * @param frame 0-based index of the prompted frame in the sequence
 * @param points clicks, possibly empty
 * @param box a box, or null
 * @param mask a mask of the frame's size, or null
 */
public record ObjectPrompt(int objectId, int frame, List<PointPrompt> points, BoxPrompt box, BinaryMask mask) {

	public ObjectPrompt {
		if (objectId < 1) throw new IllegalArgumentException("Object IDs start at 1, got " + objectId);
		if (frame < 0) throw new IllegalArgumentException("Frame index must be 0 or more, got " + frame);
		points = points == null ? List.of() : List.copyOf(points);
		if (points.isEmpty() && box == null && mask == null)
			throw new IllegalArgumentException("Object " + objectId + " on frame " + frame + " has an empty prompt: give points, a box or a mask");
		if (mask != null && (box != null || !points.isEmpty()))
			throw new IllegalArgumentException("Object " + objectId + " on frame " + frame + ": a mask prompt cannot be combined with points or a box");
		if (mask != null && mask.isEmpty())
			throw new IllegalArgumentException("Object " + objectId + " on frame " + frame + ": the mask prompt is empty");
	}

	public static ObjectPrompt points(int objectId, int frame, List<PointPrompt> points) {
		return new ObjectPrompt(objectId, frame, points, null, null);
	}

	public static ObjectPrompt box(int objectId, int frame, BoxPrompt box) {
		return new ObjectPrompt(objectId, frame, List.of(), box, null);
	}

	public static ObjectPrompt mask(int objectId, int frame, BinaryMask mask) {
		return new ObjectPrompt(objectId, frame, List.of(), null, mask);
	}

	/**
	 * Checks that the prompt lies on a frame of a {@code width} x {@code height} sequence of
	 * {@code frameCount} frames; throws with a message naming what is outside.
	 */
	public void checkWithin(int width, int height, int frameCount) {
		if (frame >= frameCount)
			throw new IllegalArgumentException("Object " + objectId + ": prompt on frame " + frame + ", but the sequence has frames 0 to " + (frameCount - 1));
		for (PointPrompt p : points)
			if (p.x() < 0 || p.y() < 0 || p.x() > width || p.y() > height)
				throw new IllegalArgumentException("Object " + objectId + ": point (" + p.x() + ", " + p.y() + ") on frame " + frame + " is outside the " + width + " x " + height + " image");
		if (box != null && (box.x1() <= 0 || box.y1() <= 0 || box.x0() >= width || box.y0() >= height))
			throw new IllegalArgumentException("Object " + objectId + ": box on frame " + frame + " is outside the " + width + " x " + height + " image");
		if (mask != null && (mask.width() != width || mask.height() != height))
			throw new IllegalArgumentException("Object " + objectId + ": mask prompt is " + mask.width() + " x " + mask.height() + ", the frames are " + width + " x " + height);
	}
}
