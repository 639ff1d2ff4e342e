package io.github.sam2fiji.core.predictor;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * What a session computed per frame and may need again (image embeddings), least recently used
 * first out: at most {@code budgetBytes}, but always the {@code minimumEntries} most recent (what
 * the session itself needs, e.g. the current and previous frame while propagating). Only a cache:
 * an entry dropped is computed again, with the same values.
 */
public final class FrameCache<T> {

	private final LinkedHashMap<Integer, T> entries = new LinkedHashMap<>(8, 0.75f, true);
	private final ToLongFunction<T> sizeOf;
	private final long budgetBytes;
	private final int minimumEntries;
	private long bytes;

	public FrameCache(long budgetBytes, int minimumEntries, ToLongFunction<T> sizeOf) {
		if (minimumEntries < 1) throw new IllegalArgumentException("A frame cache keeps at least one entry, got " + minimumEntries);
		this.budgetBytes = budgetBytes;
		this.minimumEntries = minimumEntries;
		this.sizeOf = sizeOf;
	}

	/** The frame's entry, computed by {@code compute} when it is not held. */
	public T get(int frame, IntFunction<T> compute) {
		T held = entries.get(frame);
		if (held != null) return held;
		// room is made before computing, so the old entries are not all held alongside the new one
		evict(1);
		T made = compute.apply(frame);
		entries.put(frame, made);
		bytes += sizeOf.applyAsLong(made);
		evict(0);
		return made;
	}

	public boolean contains(int frame) {
		return entries.containsKey(frame);
	}

	public int size() {
		return entries.size();
	}

	public long bytes() {
		return bytes;
	}

	public void clear() {
		entries.clear();
		bytes = 0;
	}

	/** Drops least recently used entries until {@code incoming} more entries fit. */
	private void evict(int incoming) {
		long average = entries.isEmpty() ? 0 : bytes / entries.size();
		for (Iterator<Map.Entry<Integer, T>> it = entries.entrySet().iterator(); it.hasNext();) {
			if (entries.size() + incoming <= minimumEntries) return;
			if (bytes + incoming * average <= budgetBytes) return;
			bytes -= sizeOf.applyAsLong(it.next().getValue());
			it.remove();
		}
	}
}
