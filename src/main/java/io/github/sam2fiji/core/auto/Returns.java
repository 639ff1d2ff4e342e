package io.github.sam2fiji.core.auto;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * Cells that leave the field of view and come back. A new object found near the image border is the
 * return of a tracked object that was last seen near the same border, at about the same place along
 * it, a few frames before, and not since: it becomes a new track with the old one as parent, as the
 * Cell Tracking Challenge records a return (a track with a gap is not a valid CTC track). Only the
 * border is looked at: a cell lost in the middle of the field is a tracking miss, not a return.
 */
final class Returns {

	/** A return: {@code lost} was last present on {@code lastFrame}. */
	record Return(int lost, int lastFrame) {}

	/** At most this many frames between leaving and coming back. */
	static final int MAX_GAP = 25;

	private Returns() {}

	/**
	 * The tracked object that {@code masklet}, found on frame {@code f}, is the return of, or none.
	 *
	 * @param objects the objects tracked so far
	 * @param ended objects whose track has already ended (divided, or returned once): not looked at
	 */
	static Optional<Return> returning(List<FrameResult> results, int f, BinaryMask masklet, Set<Integer> objects, Map<Integer, Integer> startsAt, Set<Integer> ended) {
		int[] box = masklet.bounds();
		if (box == null) return Optional.empty();
		int size = size(box);
		int side = nearSide(box, masklet.width(), masklet.height(), size);
		if (side < 0) return Optional.empty();
		Return best = null;
		double bestOffset = Double.MAX_VALUE;
		for (int id : objects) {
			if (ended.contains(id) || startsAt.getOrDefault(id, 0) >= f) continue;
			int last = lastPresent(results, id, f);
			if (last < 0 || f - last < 2 || f - last > MAX_GAP) continue;
			int[] lastBox = Divisions.find(results, last, id).mask().bounds();
			if (nearSide(lastBox, masklet.width(), masklet.height(), Math.max(size, size(lastBox))) != side) continue;
			// along the border: the same place, within a few cell sizes
			double offset = side % 2 == 0 ? Math.abs(centre(box, 1) - centre(lastBox, 1)) : Math.abs(centre(box, 0) - centre(lastBox, 0));
			if (offset <= 3 * Math.max(size, size(lastBox)) && offset < bestOffset) {
				bestOffset = offset;
				best = new Return(id, last);
			}
		}
		return Optional.ofNullable(best);
	}

	/** The last frame before {@code f} the object is present on, if it is absent from there up to {@code f}; else -1. */
	private static int lastPresent(List<FrameResult> results, int id, int f) {
		for (int g = f; g >= 0; g--) {
			ObjectResult o = Divisions.find(results, g, id);
			if (o != null && o.present() && !o.mask().isEmpty()) return g == f ? -1 : g;
		}
		return -1;
	}

	/** The border a box lies near (0 left, 1 top, 2 right, 3 bottom), within {@code reach} pixels; -1 if none. */
	private static int nearSide(int[] box, int width, int height, int reach) {
		int[] distance = { box[0], box[1], width - 1 - box[2], height - 1 - box[3] };
		int side = -1;
		for (int s = 0; s < 4; s++)
			if (distance[s] <= reach && (side < 0 || distance[s] < distance[side])) side = s;
		return side;
	}

	/** A cell's size: the longer side of its box. */
	private static int size(int[] box) {
		return Math.max(box[2] - box[0], box[3] - box[1]) + 1;
	}

	private static double centre(int[] box, int axis) {
		return (box[axis] + box[axis + 2]) / 2.0;
	}
}
