package io.github.sam2fiji.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Run lengths: the same mask back, for empty, full, edge-touching and random masks. */
class BinaryMaskTest {

	@Test
	void runLengthsGiveTheSameMaskBack() {
		int w = 13, h = 7;
		assertArrayEquals(new int[0], BinaryMask.empty(w, h).toRuns(), "an empty mask has no runs");
		byte[] full = new byte[w * h];
		java.util.Arrays.fill(full, (byte) 1);
		assertArrayEquals(new int[] { 0, w * h }, BinaryMask.of(w, h, full).toRuns(), "a full mask: no background, then all");
		byte[] corners = new byte[w * h];
		corners[0] = 1;
		corners[w * h - 1] = 1;
		assertArrayEquals(new int[] { 0, 1, w * h - 2, 1 }, BinaryMask.of(w, h, corners).toRuns());
		Random random = new Random(7);
		for (int trial = 0; trial < 50; trial++) {
			byte[] bits = new byte[w * h];
			for (int i = 0; i < bits.length; i++) bits[i] = (byte) (random.nextInt(3) == 0 ? 1 : 0);
			BinaryMask mask = BinaryMask.of(w, h, bits);
			assertEquals(mask, BinaryMask.fromRuns(w, h, mask.toRuns()), "trial " + trial);
		}
	}
}
