package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * What the searches between tracked objects found, frame after frame, and which of it is a new
 * object. A masklet found on one frame only is as likely a fragment, a speck or a cell the tracker
 * lost for a frame as a cell; one found at the same place on consecutive searched frames is kept
 * (SAM 2's data engine keeps a masklet once it holds over frames). A chain that starts on the frame
 * right after a tracked object was last present, where that object was, is that object found again
 * (a tracking miss), not a birth.
 */
final class Births {

	/**
	 * One thing found at the same place on consecutive searched frames.
	 *
	 * @param frames the searched frames, in order, without a gap
	 * @param masks its masklet on each of them
	 */
	record Chain(List<Integer> frames, List<BinaryMask> masks) {

		int first() {
			return frames.get(0);
		}

		BinaryMask firstMask() {
			return masks.get(0);
		}

		int length() {
			return frames.size();
		}
	}

	/** Masklets on two consecutive searched frames with at least this IoU are the same thing. */
	static final double LINK_IOU = 0.3;

	/** A masklet sharing this fraction of its area with an object's last mask is where that object was. */
	static final double RESUMES = 0.3;

	/**
	 * A chain resumes an object last seen at most this many searched frames before it: the search
	 * finds a lost cell from the next frame on, or a few frames later where its masklets pass the bars
	 * only then (after a track's end that was held, {@link AutoTracking.Settings#hideHeldEnds()}, or
	 * after misses); further back, the object's last mask says little about where it is now.
	 */
	static final int RESUME_SEARCHES = 5;

	private Births() {}

	/**
	 * Links the masklets found on consecutive searched frames ({@code step} apart) into chains, best
	 * overlaps first, each masklet in one chain; chains in order of their first frame.
	 *
	 * @param found masklets per searched frame (frames without any may be missing)
	 */
	static List<Chain> chains(SortedMap<Integer, List<BinaryMask>> found, int step) {
		List<Chain> done = new ArrayList<>();
		List<Chain> open = new ArrayList<>();
		int previous = Integer.MIN_VALUE;
		for (Map.Entry<Integer, List<BinaryMask>> e : found.entrySet()) {
			int f = e.getKey();
			boolean adjacent = previous != Integer.MIN_VALUE && f - previous == step;
			if (!adjacent) done.addAll(open);
			List<Chain> continuing = adjacent ? open : List.of();
			record Link(int chain, int masklet, double iou) {}
			List<Link> links = new ArrayList<>();
			for (int c = 0; c < continuing.size(); c++)
				for (int m = 0; m < e.getValue().size(); m++) {
					Chain chain = continuing.get(c);
					double iou = chain.masks().get(chain.length() - 1).iou(e.getValue().get(m));
					if (iou >= LINK_IOU) links.add(new Link(c, m, iou));
				}
			links.sort(Comparator.comparingDouble(Link::iou).reversed());
			Chain[] extended = new Chain[continuing.size()];
			boolean[] used = new boolean[e.getValue().size()];
			for (Link l : links) {
				if (extended[l.chain()] != null || used[l.masklet()]) continue;
				Chain c = continuing.get(l.chain());
				List<Integer> frames = new ArrayList<>(c.frames());
				List<BinaryMask> masks = new ArrayList<>(c.masks());
				frames.add(f);
				masks.add(e.getValue().get(l.masklet()));
				extended[l.chain()] = new Chain(List.copyOf(frames), List.copyOf(masks));
				used[l.masklet()] = true;
			}
			List<Chain> next = new ArrayList<>();
			for (int c = 0; c < continuing.size(); c++) {
				if (extended[c] != null) next.add(extended[c]);
				else done.add(continuing.get(c));
			}
			for (int m = 0; m < used.length; m++)
				if (!used[m]) next.add(new Chain(List.of(f), List.of(e.getValue().get(m))));
			open = next;
			previous = f;
		}
		done.addAll(open);
		done.sort(Comparator.comparingInt(Chain::first).thenComparing(Comparator.comparingInt(Chain::length).reversed()));
		return done;
	}

	/**
	 * Whether a chain holds long enough to be kept: on {@code minFrames} searched frames, or on every
	 * searched frame from its first to {@code lastSearched} when fewer remain (a cell entering at the
	 * end of the sequence cannot show more).
	 */
	static boolean confirmed(Chain chain, int minFrames, int lastSearched, int step) {
		if (chain.length() >= minFrames) return true;
		return chain.frames().get(chain.length() - 1) == lastSearched && chain.length() == (lastSearched - chain.first()) / step + 1;
	}

	/**
	 * Whether the model found the object on that frame: present with a mask, and not a mask only held
	 * from an earlier frame (a SAM 1 interface model shows a missed object's last mask with object
	 * score 0; SAM 2's score is its presence logit, above 0 wherever it is present).
	 */
	static boolean foundThere(ObjectResult r) {
		return r != null && r.present() && !r.mask().isEmpty() && r.objectScore() > 0;
	}

	/**
	 * The tracked object a chain resumes: not found on the chain's first frame (absent, or only held,
	 * {@link #foundThere}), present with a mask on one of the {@code within} frames before it and not
	 * since (a miss of a few frames), and the chain's first masklet lies where it last was
	 * ({@link #RESUMES} of the masklet's area inside its mask there); the best such, or none.
	 *
	 * @param ended objects whose track has ended (divided, or returned): not looked at
	 */
	static Optional<Integer> resumed(List<FrameResult> results, Chain chain, Set<Integer> objects, Map<Integer, Integer> startsAt, Set<Integer> ended, int within) {
		int f = chain.first();
		BinaryMask masklet = chain.firstMask();
		// each candidate object's last mask before the chain: frames read newest first, each once
		Set<Integer> looking = new TreeSet<>();
		for (int id : objects)
			if (!ended.contains(id) && startsAt.getOrDefault(id, 0) <= f - 1 && !foundThere(Divisions.find(results, f, id))) looking.add(id);
		Integer best = null;
		long bestShared = 0;
		for (int g = f - 1; g >= Math.max(0, f - within) && !looking.isEmpty(); g--) {
			FrameResult before = results.get(g);
			if (before == null) continue;
			for (ObjectResult o : before.objects()) {
				int id = o.objectId();
				if (!looking.contains(id) || !o.present() || o.mask().isEmpty() || g < startsAt.getOrDefault(id, 0)) continue;
				looking.remove(id);
				long shared = AutomaticMasks.shared(masklet, o.mask());
				if (shared >= RESUMES * masklet.area() && (best == null || shared > bestShared || shared == bestShared && id < best)) {
					best = id;
					bestShared = shared;
				}
			}
		}
		return Optional.ofNullable(best);
	}
}
