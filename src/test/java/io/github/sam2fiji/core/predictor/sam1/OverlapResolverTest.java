package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;

class OverlapResolverTest {

	@Test
	void sharedPixelsGoToTheHighestLogitAndMasksAreDisjoint() {
		int w = 10, h = 1;
		float[] a = { 5, 5, 5, 5, 2, 2, -1, -1, -1, -1 };
		float[] b = { -1, -1, -1, 1, 3, 3, 4, 4, -1, -1 };
		OverlapResolver r = new OverlapResolver(w, h);
		r.add(1, a);
		r.add(2, b);
		BinaryMask ma = r.maskOf(1), mb = r.maskOf(2);
		assertEquals(4, ma.area()); // 0-3: pixel 3 stays with object 1 (5 > 1)
		assertEquals(4, mb.area()); // 4-7: object 2's logits are higher there
		for (int x = 0; x < w; x++) assertFalse(ma.get(x, 0) && mb.get(x, 0));
		assertTrue(ma.get(3, 0) && mb.get(4, 0));
		assertTrue(r.maskOf(3).isEmpty());
		// what each claimed before sharing: what it kept plus what it lost to the other
		assertEquals(6, r.claimedArea(1));
		assertEquals(5, r.claimedArea(2));
		assertEquals(0, r.claimedArea(3));
	}
}
