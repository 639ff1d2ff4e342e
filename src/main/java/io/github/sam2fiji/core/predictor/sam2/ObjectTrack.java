package io.github.sam2fiji.core.predictor.sam2;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a session holds for one object (the official inference_state's per-object entries):
 * clicks per frame (mask prompts need no keeping: their output is the mask), conditioning and
 * non-conditioning outputs, outputs of prompts not yet propagated ("temporary"), and the direction
 * each frame was last tracked in. Outputs replaced or forgotten here are freed in the store.
 */
final class ObjectTrack implements Sam2FrameStep.Memories {

	/** Clicks and box corners of one frame in model pixels, with SAM labels (1, 0, 2, 3). */
	record Points(float[] coords, int[] labels) {
		Points append(Points more) {
			float[] c = Arrays.copyOf(coords, coords.length + more.coords.length);
			System.arraycopy(more.coords, 0, c, coords.length, more.coords.length);
			int[] l = Arrays.copyOf(labels, labels.length + more.labels.length);
			System.arraycopy(more.labels, 0, l, labels.length, more.labels.length);
			return new Points(c, l);
		}
	}

	final int id;
	private final OutputStore store;
	final Map<Integer, Points> points = new HashMap<>();
	final TreeMap<Integer, StoredOutput> conditioning = new TreeMap<>();
	final TreeMap<Integer, StoredOutput> nonConditioning = new TreeMap<>();
	/** Temporary outputs in the order they were made (preflight moves them in that order). */
	final LinkedHashMap<Integer, StoredOutput> tempConditioning = new LinkedHashMap<>();
	final LinkedHashMap<Integer, StoredOutput> tempNonConditioning = new LinkedHashMap<>();
	/** Frame -> tracked in reverse. */
	final Map<Integer, Boolean> tracked = new HashMap<>();
	/** Non-conditioning frames whose memory a batch session has not dropped yet. */
	final TreeSet<Integer> memoryKept = new TreeSet<>();
	/** Non-conditioning frames whose pointer a batch session has not dropped yet. */
	final TreeSet<Integer> pointerKept = new TreeSet<>();

	ObjectTrack(int id, OutputStore store) {
		this.id = id;
		this.store = store;
	}

	Map<Integer, StoredOutput> temp(boolean conditioningKey) {
		return conditioningKey ? tempConditioning : tempNonConditioning;
	}

	/** Puts an output, freeing the one it replaces. */
	void put(Map<Integer, StoredOutput> outputs, int frame, StoredOutput out) {
		StoredOutput old = outputs.put(frame, out);
		if (old != null && old != out) old.release(store);
		if (outputs == nonConditioning) {
			memoryKept.add(frame);
			pointerKept.add(frame);
		}
	}

	/** Removes and frees an output, if any. */
	void discard(Map<Integer, StoredOutput> outputs, int frame) {
		StoredOutput old = outputs.remove(frame);
		if (old != null) old.release(store);
		if (outputs == nonConditioning) {
			memoryKept.remove(frame);
			pointerKept.remove(frame);
		}
	}

	/** The output consolidation shows: the temporary one under {@code tempKey} (null: none), else conditioning, else non-conditioning. */
	StoredOutput shown(int frame, Boolean tempKey) {
		StoredOutput o = tempKey == null ? null : temp(tempKey).get(frame);
		if (o == null) o = conditioning.get(frame);
		if (o == null) o = nonConditioning.get(frame);
		return o;
	}

	/** Drops a non-conditioning output's memory and logits (batch sessions); its pointer stays. */
	void dropMemory(int frame) {
		nonConditioning.get(frame).dropMemory(store);
		memoryKept.remove(frame);
	}

	/** Drops a non-conditioning output (batch sessions): its arrays go, its frame still counts as stored. */
	void drop(int frame) {
		nonConditioning.get(frame).drop(store);
		memoryKept.remove(frame);
		pointerKept.remove(frame);
	}

	/** Frees everything this object holds in the store. */
	void releaseAll() {
		for (Map<Integer, StoredOutput> m : java.util.List.of(conditioning, nonConditioning, tempConditioning, tempNonConditioning)) {
			for (StoredOutput o : m.values()) o.release(store);
			m.clear();
		}
		memoryKept.clear();
		pointerKept.clear();
	}

	/** Stored outputs that hold a memory (diagnostics). */
	int retainedMemories() {
		int n = 0;
		for (StoredOutput o : conditioning.values()) if (o.memory != null) n++;
		for (StoredOutput o : nonConditioning.values()) if (o.memory != null) n++;
		return n;
	}

	// ---------------------------------------------------------------- what the frame step reads

	@Override
	public int objectId() {
		return id;
	}

	@Override
	public NavigableSet<Integer> conditioningFrames() {
		return conditioning.navigableKeySet();
	}

	@Override
	public Set<Integer> nonConditioningFrames() {
		return nonConditioning.keySet();
	}

	@Override
	public short[] memory(int frame, int forFrame) {
		StoredOutput out = stored(frame, forFrame);
		if (out.memoryDropped()) throw dropped("memory", frame, forFrame);
		if (out.memory == null)
			throw new IllegalStateException("Object " + id + " has no memory on frame " + frame + " (needed for frame " + forFrame + ")");
		return store.memory(out.memory);
	}

	@Override
	public float[] pointer(int frame, int forFrame) {
		StoredOutput out = stored(frame, forFrame);
		if (out.dropped()) throw dropped("object pointer", frame, forFrame);
		return out.pointer;
	}

	private StoredOutput stored(int frame, int forFrame) {
		StoredOutput out = conditioning.get(frame);
		if (out == null) out = nonConditioning.get(frame);
		if (out == null) throw new IllegalStateException("Object " + id + " has no output on frame " + frame + " (needed for frame " + forFrame + ")");
		return out;
	}

	private IllegalStateException dropped(String what, int frame, int forFrame) {
		return new IllegalStateException("Object " + id + ": frame " + forFrame + " needs the " + what + " of frame " + frame
			+ ", which this batch session has dropped (it keeps only what its own propagation uses); track again in an interactive session, which keeps every output");
	}
}
