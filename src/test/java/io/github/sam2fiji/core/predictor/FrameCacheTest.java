package io.github.sam2fiji.core.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The embedding cache: a byte budget, least recently used out first, never below its minimum entries. */
class FrameCacheTest {

	@Test
	void keepsRecentFramesWithinTheBudgetLeastRecentlyUsedOutFirst() {
		List<Integer> computed = new ArrayList<>();
		FrameCache<long[]> cache = new FrameCache<>(3 * 80, 1, a -> 8L * a.length);
		for (int f : new int[] { 0, 1, 2 }) cache.get(f, i -> {
			computed.add(i);
			return new long[10];
		});
		assertEquals(3, cache.size());
		assertEquals(240, cache.bytes());
		cache.get(0, i -> { throw new AssertionError("frame 0 is held"); });
		// frame 1 is now the least recently used: it goes for frame 3
		cache.get(3, i -> {
			computed.add(i);
			return new long[10];
		});
		assertFalse(cache.contains(1));
		assertTrue(cache.contains(0) && cache.contains(2) && cache.contains(3));
		assertEquals(List.of(0, 1, 2, 3), computed);
		cache.clear();
		assertEquals(0, cache.size());
		assertEquals(0, cache.bytes());
	}

	@Test
	void aZeroBudgetKeepsTheMinimumAndFreesTheOldBeforeComputingTheNew() {
		FrameCache<long[]> cache = new FrameCache<>(0, 2, a -> 8L * a.length);
		int[] heldWhileComputing = new int[1];
		for (int f = 0; f < 5; f++)
			cache.get(f, i -> {
				heldWhileComputing[0] = Math.max(heldWhileComputing[0], cache.size());
				return new long[1000];
			});
		assertEquals(2, cache.size(), "the two most recent frames (the session's own need)");
		assertTrue(cache.contains(3) && cache.contains(4));
		assertEquals(1, heldWhileComputing[0], "room is made before a new entry is computed");
		assertThrows(IllegalArgumentException.class, () -> new FrameCache<long[]>(0, 0, a -> 0));
	}
}
