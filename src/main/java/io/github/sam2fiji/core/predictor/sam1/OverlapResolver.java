package io.github.sam2fiji.core.predictor.sam1;

import java.util.ArrayList;
import java.util.List;

import io.github.sam2fiji.core.image.BinaryMask;

/**
 * Makes the objects of one frame disjoint: a pixel that several objects claim (positive logit)
 * goes to the one with the highest logit there. Objects are added one at a time so only one
 * frame-sized logit map is alive at once.
 */
final class OverlapResolver {

	private final int width, height;
	private final float[] bestLogit;
	private final int[] owner;
	private final List<Integer> ids = new ArrayList<>();
	/** Per added object, the pixels it claimed (logit > 0), before sharing. */
	private final List<Integer> claimedAreas = new ArrayList<>();

	OverlapResolver(int width, int height) {
		this.width = width;
		this.height = height;
		bestLogit = new float[width * height];
		owner = new int[width * height];
		java.util.Arrays.fill(owner, -1);
	}

	/** Adds an object's frame-sized logits (claims where > 0). */
	void add(int objectId, float[] logits) {
		if (logits.length != bestLogit.length) throw new IllegalArgumentException("Logits must be frame-sized");
		int index = ids.size();
		ids.add(objectId);
		int claimed = 0;
		for (int i = 0; i < logits.length; i++) {
			if (logits[i] > 0) claimed++;
			if (logits[i] > 0 && (owner[i] < 0 || logits[i] > bestLogit[i])) {
				owner[i] = index;
				bestLogit[i] = logits[i];
			}
		}
		claimedAreas.add(claimed);
	}

	/** The pixels the object claimed (logit &gt; 0) when added; 0 if it was never added. */
	int claimedArea(int objectId) {
		int index = ids.indexOf(objectId);
		return index < 0 ? 0 : claimedAreas.get(index);
	}

	/** The pixels the object kept; empty if it was never added or lost everything. */
	BinaryMask maskOf(int objectId) {
		return maskOf(objectId, null);
	}

	/** As {@link #maskOf(int)}, without the pixels where {@code claimed} (frame-sized, may be null) is non-zero. */
	BinaryMask maskOf(int objectId, int[] claimed) {
		int index = ids.indexOf(objectId);
		byte[] bits = new byte[width * height];
		if (index >= 0)
			for (int i = 0; i < bits.length; i++) bits[i] = owner[i] == index && (claimed == null || claimed[i] == 0) ? (byte) 1 : 0;
		return BinaryMask.of(width, height, bits);
	}
}
