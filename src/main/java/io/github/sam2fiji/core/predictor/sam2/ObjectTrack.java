package io.github.sam2fiji.core.predictor.sam2;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a session holds for one object (the official inference_state's per-object entries):
 * clicks per frame (mask prompts need no keeping: their output is the mask), conditioning and non-conditioning outputs, outputs of prompts not yet
 * propagated ("temporary"), and the direction each frame was last tracked in.
 */
final class ObjectTrack {

	/** Clicks and box corners of one frame in model pixels, with SAM labels (1, 0, 2, 3). */
	record Points(float[] coords, int[] labels) {
		Points append(Points more) {
			float[] c = java.util.Arrays.copyOf(coords, coords.length + more.coords.length);
			System.arraycopy(more.coords, 0, c, coords.length, more.coords.length);
			int[] l = java.util.Arrays.copyOf(labels, labels.length + more.labels.length);
			System.arraycopy(more.labels, 0, l, labels.length, more.labels.length);
			return new Points(c, l);
		}
	}

	final int id;
	final Map<Integer, Points> points = new HashMap<>();
	final TreeMap<Integer, FrameOutput> conditioning = new TreeMap<>();
	final TreeMap<Integer, FrameOutput> nonConditioning = new TreeMap<>();
	final LinkedHashMap<Integer, FrameOutput> tempConditioning = new LinkedHashMap<>();
	final LinkedHashMap<Integer, FrameOutput> tempNonConditioning = new LinkedHashMap<>();
	/** Frame -> tracked in reverse. */
	final Map<Integer, Boolean> tracked = new HashMap<>();

	ObjectTrack(int id) {
		this.id = id;
	}

	Map<Integer, FrameOutput> temp(boolean conditioningKey) {
		return conditioningKey ? tempConditioning : tempNonConditioning;
	}

	/** The latest output of this object on a frame: temporary (either kind), else stored; null if none. */
	FrameOutput latest(int frame) {
		FrameOutput o = tempConditioning.get(frame);
		if (o == null) o = tempNonConditioning.get(frame);
		if (o == null) o = conditioning.get(frame);
		if (o == null) o = nonConditioning.get(frame);
		return o;
	}

	/** Stored outputs that still hold a memory (for the bounded-memory diagnostics). */
	int retainedMemories() {
		int n = 0;
		for (FrameOutput o : conditioning.values()) if (o.hasMemory()) n++;
		for (FrameOutput o : nonConditioning.values()) if (o.hasMemory()) n++;
		return n;
	}
}
