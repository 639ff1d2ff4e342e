package io.github.sam2fiji.core.result;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.sam2fiji.core.image.BinaryMask;

/**
 * What a user sees of an interactive session: the latest result shown on each frame, with objects
 * that were removed forgotten on every frame. Masks are held run-length coded (a cell's mask is a few
 * hundred runs, not a megabyte), so a session over hundreds of frames stays small. Used by script
 * replays and the annotator, so both end with the same labels. Not thread-safe.
 */
public final class ShownFrames {

	/** One object on one frame, its mask as run lengths (background first, then alternating). */
	private record Shown(int objectId, float objectScore, float iou, boolean present, int lostToOthers, float stability, int[] runs) {}

	private final int width, height;
	private final TreeMap<Integer, List<Shown>> frames = new TreeMap<>();

	public ShownFrames(int width, int height) {
		this.width = width;
		this.height = height;
	}

	/** Replaces the frame's shown result. */
	public void show(FrameResult result) {
		List<Shown> objects = new ArrayList<>();
		for (ObjectResult o : result.objects()) {
			if (o.mask().width() != width || o.mask().height() != height)
				throw new IllegalArgumentException("Object " + o.objectId() + " has a " + o.mask().width() + " x " + o.mask().height() + " mask, the frames are " + width + " x " + height);
			objects.add(new Shown(o.objectId(), o.objectScore(), o.iou(), o.present(), o.lostToOthers(), o.stability(), o.mask().toRuns()));
		}
		frames.put(result.frame(), objects);
	}

	/** Forgets the object on every frame; returns the frames it was shown on (which now show the others only). */
	public SortedSet<Integer> forget(int objectId) {
		SortedSet<Integer> changed = new TreeSet<>();
		for (Map.Entry<Integer, List<Shown>> e : frames.entrySet())
			if (e.getValue().removeIf(s -> s.objectId() == objectId)) changed.add(e.getKey());
		return changed;
	}

	/** The frame's shown result (null when nothing was shown there). */
	public FrameResult result(int frame) {
		List<Shown> objects = frames.get(frame);
		if (objects == null) return null;
		List<ObjectResult> results = new ArrayList<>();
		for (Shown s : objects) results.add(new ObjectResult(s.objectId(), frame, mask(s.runs()), s.objectScore(), s.iou(), s.present(), null, s.lostToOthers(), s.stability()));
		return new FrameResult(frame, results);
	}

	/** Frames something was shown on, ascending. */
	public SortedSet<Integer> frames() {
		return new TreeSet<>(frames.keySet());
	}

	/** Per object, the frames it is shown present on with a non-empty mask. */
	public Map<Integer, SortedSet<Integer>> presence() {
		Map<Integer, SortedSet<Integer>> present = new HashMap<>();
		for (Map.Entry<Integer, List<Shown>> e : frames.entrySet())
			for (Shown s : e.getValue())
				if (s.present() && s.runs().length > 1) present.computeIfAbsent(s.objectId(), k -> new TreeSet<>()).add(e.getKey());
		return present;
	}

	public void clear() {
		frames.clear();
	}

	private BinaryMask mask(int[] runs) {
		return BinaryMask.fromRuns(width, height, runs);
	}
}
