package io.github.sam2fiji.core.auto;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * Every frame's tracking result of an automatic run, held between rounds with each object's mask as
 * run lengths ({@link BinaryMask#toRuns()}): a frame-size byte mask per object and frame (1 MB at
 * 1024 x 1024, absent objects included) would fill the heap on a long sequence with many cells. A
 * frame asked for is decoded, and the few most recently asked are kept decoded, since the searches
 * and the division, birth and return rules read a frame and its neighbours in turn. Null for a frame
 * not set. Low-resolution logits are not held (nothing after tracking reads them).
 */
final class HeldResults extends AbstractList<FrameResult> {

	/** Frames kept decoded: a frame, the one before and one after, and one more. */
	private static final int DECODED_FRAMES = 4;

	private record HeldObject(int objectId, float objectScore, float iou, boolean present, int lostToOthers, float stability, int[] runs) {}

	private final int width, height;
	private final List<List<HeldObject>> frames;
	private final Map<Integer, FrameResult> decoded = new LinkedHashMap<>(8, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<Integer, FrameResult> eldest) {
			return size() > DECODED_FRAMES;
		}
	};

	HeldResults(int frameCount, int width, int height) {
		this.width = width;
		this.height = height;
		this.frames = new ArrayList<>(frameCount);
		for (int f = 0; f < frameCount; f++) frames.add(null);
	}

	@Override
	public FrameResult get(int frame) {
		List<HeldObject> held = frames.get(frame);
		if (held == null) return null;
		return decoded.computeIfAbsent(frame, f -> new FrameResult(f, held.stream()
			.map(o -> new ObjectResult(o.objectId(), f, BinaryMask.fromRuns(width, height, o.runs()), o.objectScore(), o.iou(), o.present(), null, o.lostToOthers(), o.stability())).toList()));
	}

	/** Holds {@code result} as its frame's, replacing what was held. */
	void hold(FrameResult result) {
		frames.set(result.frame(), result.objects().stream().map(o -> new HeldObject(o.objectId(), o.objectScore(), o.iou(), o.present(), o.lostToOthers(), o.stability(), o.mask().toRuns())).toList());
		decoded.remove(result.frame());
	}

	/**
	 * Shows as absent the masks the model only held (present, object score 0 or less: an object's last
	 * mask shown again on a frame where it was not found) before the first or after the last frame on
	 * which the model found that object: those bridge no miss, the object is not known to be there.
	 * Held masks between two found frames stay (a miss the model got over).
	 */
	void hideHeldEnds() {
		// each object's first and last found frame (found as Births.foundThere judges it; an empty mask has no runs)
		Map<Integer, int[]> found = new HashMap<>();
		for (int f = 0; f < frames.size(); f++) {
			if (frames.get(f) == null) continue;
			int frame = f;
			for (HeldObject o : frames.get(f))
				if (o.present() && o.runs().length > 0 && o.objectScore() > 0) found.computeIfAbsent(o.objectId(), k -> new int[] { frame, frame })[1] = frame;
		}
		int[] none = BinaryMask.empty(width, height).toRuns();
		for (int f = 0; f < frames.size(); f++) {
			List<HeldObject> objects = frames.get(f);
			if (objects == null) continue;
			int frame = f;
			Predicate<HeldObject> heldEnd = o -> o.present() && o.runs().length > 0 && !(o.objectScore() > 0)
				&& (!found.containsKey(o.objectId()) || frame < found.get(o.objectId())[0] || frame > found.get(o.objectId())[1]);
			if (objects.stream().noneMatch(heldEnd)) continue;
			frames.set(f, objects.stream().map(o -> heldEnd.test(o) ? new HeldObject(o.objectId(), o.objectScore(), o.iou(), false, 0, Float.NaN, none) : o).toList());
			decoded.remove(f);
		}
	}

	@Override
	public int size() {
		return frames.size();
	}
}
