package io.github.sam2fiji.core.predictor;

import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

import io.github.sam2fiji.core.image.FrameSource;

/**
 * The image encodings of one sequence's frames, as one tracker computes them, kept within a RAM
 * budget (least recently used out) and shared by everything that tracker opens on that sequence:
 * the sessions and image-mode searches of an automatic run's rounds encode each frame once instead
 * of once per round. Made by {@link Tracker#encodings}; a session or search is refused encodings of
 * another tracker or sequence, whose values would differ. Only a cache: an entry dropped is encoded
 * again, with the same values, so the budget changes speed, never a result.
 *
 * @param <T> what the model's image encoder gives for a frame
 */
public final class FrameEncodings<T> implements AutoCloseable {

	private final Object encoder;
	private final FrameSource frames;
	private final FrameCache<T> cache;
	private final IntFunction<T> encode;
	private long encodes;

	/**
	 * @param encoder who computes the encodings (the tracker): sessions check they were made by theirs
	 * @param minimumEntries frames always kept whatever the budget (what one session needs at once)
	 */
	public FrameEncodings(Object encoder, FrameSource frames, long budgetBytes, int minimumEntries, ToLongFunction<T> sizeOf, IntFunction<T> encode) {
		this.encoder = encoder;
		this.frames = frames;
		this.cache = new FrameCache<>(budgetBytes, minimumEntries, sizeOf);
		this.encode = encode;
	}

	/** The frame's encoding, computed when not held. */
	public synchronized T get(int frame) {
		return cache.get(frame, f -> {
			encodes++;
			return encode.apply(f);
		});
	}

	public FrameSource frames() {
		return frames;
	}

	/**
	 * These encodings, typed, if {@code encoder} made them.
	 *
	 * @throws IllegalArgumentException otherwise: another model's encodings, whose values differ
	 */
	@SuppressWarnings("unchecked")
	public <U> FrameEncodings<U> checkedFor(Object encoder) {
		if (this.encoder != encoder) throw new IllegalArgumentException("These frame encodings were made by another model");
		return (FrameEncodings<U>) this;
	}

	/** Frames encoded so far, counting a frame encoded again after it was dropped. */
	public synchronized long encodes() {
		return encodes;
	}

	public synchronized boolean contains(int frame) {
		return cache.contains(frame);
	}

	/** Frames held now. */
	public synchronized int size() {
		return cache.size();
	}

	public synchronized long bytes() {
		return cache.bytes();
	}

	public synchronized void clear() {
		cache.clear();
	}

	@Override
	public void close() {
		clear();
	}
}
