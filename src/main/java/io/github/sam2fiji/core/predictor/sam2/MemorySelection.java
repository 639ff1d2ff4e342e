package io.github.sam2fiji.core.predictor.sam2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Which stored frames condition the current frame, as _prepare_memory_conditioned_features and
 * select_closest_cond_frames (sam2_base.py, sam2_utils.py) choose them. Pure: it sees frame
 * indices only, never features.
 *
 * @param numMaskmem memories in attention: 1 slot for conditioning frames plus numMaskmem - 1 recent frames (7)
 * @param stride memory_temporal_stride_for_eval (1)
 * @param maxCondFrames max_cond_frames_in_attn; -1 for all (the default)
 * @param maxObjectPointers max_obj_ptrs_in_encoder (16)
 * @param onlyPastPointers only_obj_ptrs_in_the_past_for_eval
 * @param signedPointerPositions use_signed_tpos_enc_to_obj_ptrs
 */
record MemorySelection(int numMaskmem, int stride, int maxCondFrames, int maxObjectPointers,
	boolean onlyPastPointers, boolean signedPointerPositions) {

	/** A spatial memory to attend to: the stored frame and its temporal slot (0 for conditioning frames). */
	record SpatialMemory(int frame, int temporalPosition) {}

	/** An object pointer to attend to: the stored frame and its (signed) distance to the current frame. */
	record Pointer(int frame, int distance) {}

	/** Everything one frame attends to. */
	record Selection(List<SpatialMemory> memories, List<Pointer> pointers) {}

	/**
	 * @param frame the frame being segmented
	 * @param conditioning frames with conditioning outputs of this object
	 * @param nonConditioning frames with non-conditioning outputs of this object
	 * @param frameCount frames in the sequence
	 * @param reverse tracking towards lower frame indices
	 */
	Selection select(int frame, NavigableSet<Integer> conditioning, Set<Integer> nonConditioning, int frameCount, boolean reverse) {
		NavigableSet<Integer> selected = selectClosestConditioning(frame, conditioning);
		TreeSet<Integer> unselected = new TreeSet<>(conditioning);
		unselected.removeAll(selected);
		IntPredicate stored = t -> nonConditioning.contains(t) || unselected.contains(t);

		List<SpatialMemory> memories = new ArrayList<>();
		for (int t : selected) memories.add(new SpatialMemory(t, 0));
		int[] recent = memoryCandidates(frame, reverse);
		for (int tPos = 1; tPos < numMaskmem; tPos++)
			if (stored.test(recent[tPos])) memories.add(new SpatialMemory(recent[tPos], tPos));

		List<Pointer> pointers = new ArrayList<>();
		int sign = reverse ? -1 : 1;
		for (int t : selected) {
			if (onlyPastPointers && (reverse ? t < frame : t > frame)) continue;
			pointers.add(new Pointer(t, signedPointerPositions ? (frame - t) * sign : Math.abs(frame - t)));
		}
		int[] past = pointerCandidates(frame, reverse, frameCount);
		for (int k = 0; k < past.length; k++)
			if (stored.test(past[k])) pointers.add(new Pointer(past[k], k + 1));
		return new Selection(List.copyOf(memories), List.copyOf(pointers));
	}

	/**
	 * The frames whose non-conditioning memories frame {@code frame} may attend to, by temporal slot:
	 * index {@code tPos} (1 .. numMaskmem - 1) holds the frame for that slot; index 0 is unused
	 * (conditioning frames). Frames may lie outside the sequence (then nothing is stored there).
	 */
	private int[] memoryCandidates(int frame, boolean reverse) {
		int[] frames = new int[numMaskmem];
		for (int tPos = 1; tPos < numMaskmem; tPos++) {
			int tRel = numMaskmem - tPos;
			if (tRel == 1) frames[tPos] = reverse ? frame + 1 : frame - 1;
			else if (!reverse) frames[tPos] = Math.floorDiv(frame - 2, stride) * stride - (tRel - 2) * stride;
			else frames[tPos] = -Math.floorDiv(-(frame + 2), stride) * stride + (tRel - 2) * stride;
		}
		return frames;
	}

	/** The frames whose object pointers frame {@code frame} may use besides conditioning frames: distance 1, 2, ... */
	private int[] pointerCandidates(int frame, boolean reverse, int frameCount) {
		int maxPointers = Math.min(frameCount, maxObjectPointers);
		List<Integer> frames = new ArrayList<>();
		for (int tDiff = 1; tDiff < maxPointers; tDiff++) {
			int t = reverse ? frame + tDiff : frame - tDiff;
			if (t < 0 || t >= frameCount) break;
			frames.add(t);
		}
		return frames.stream().mapToInt(Integer::intValue).toArray();
	}

	/**
	 * The smallest intervals of frames holding every frame whose non-conditioning memory ({@code [0]})
	 * and object pointer ({@code [1]}) {@link #select} may pick for frame {@code frame}, from the same
	 * candidate rules: a stored memory or pointer outside them cannot be used by that frame. An
	 * interval is null when there is none.
	 */
	int[][] reach(int frame, boolean reverse, int frameCount) {
		int[] memories = null, pointers = null;
		int[] recent = memoryCandidates(frame, reverse);
		for (int tPos = 1; tPos < numMaskmem; tPos++) memories = widen(memories, recent[tPos], frameCount);
		for (int t : pointerCandidates(frame, reverse, frameCount)) pointers = widen(pointers, t, frameCount);
		return new int[][] { memories, pointers };
	}

	private static int[] widen(int[] interval, int t, int frameCount) {
		if (t < 0 || t >= frameCount) return interval;
		return interval == null ? new int[] { t, t } : new int[] { Math.min(interval[0], t), Math.max(interval[1], t) };
	}

	/** t_diff_max of the pointers' temporal encoding: min(frameCount, maxObjectPointers) - 1. */
	int pointerDistanceScale(int frameCount) {
		return Math.min(frameCount, maxObjectPointers) - 1;
	}

	/** select_closest_cond_frames: all, or the nearest before, the nearest at/after, then the closest others. */
	NavigableSet<Integer> selectClosestConditioning(int frame, NavigableSet<Integer> conditioning) {
		if (maxCondFrames == -1 || conditioning.size() <= maxCondFrames) return new TreeSet<>(conditioning);
		TreeSet<Integer> selected = new TreeSet<>();
		Integer before = conditioning.lower(frame);
		if (before != null) selected.add(before);
		Integer after = conditioning.ceiling(frame);
		if (after != null) selected.add(after);
		conditioning.stream().filter(t -> !selected.contains(t))
			.sorted(Comparator.comparingInt(t -> Math.abs(t - frame)))
			.limit(Math.max(0, maxCondFrames - selected.size()))
			.forEach(selected::add);
		return selected;
	}
}
