package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * A "both" run's forward results held until the backward sweep adds its objects: each object's
 * scores come back as the forward sweep gave them (a held mask's low object score included, which
 * the held-mask doubt and the label painter read), with its mask.
 */
class HeldFrameTest {

	private static BinaryMask square(int w, int h, int x0, int y0, int side) {
		byte[] bits = new byte[w * h];
		for (int y = y0; y < y0 + side; y++)
			for (int x = x0; x < x0 + side; x++) bits[y * w + x] = 1;
		return BinaryMask.of(w, h, bits);
	}

	@Test
	void forwardScoresSurviveTheMerge() {
		int w = 20, h = 10;
		ObjectResult live = new ObjectResult(1, 4, square(w, h, 1, 1, 4), 0.93f, 0.93f, true, null, 3, 0.71f);
		ObjectResult held = new ObjectResult(2, 4, square(w, h, 8, 1, 3), Sam1Session.HELD_SCORE, 0.9f, true, null, 0);
		ObjectResult absent = new ObjectResult(3, 4, BinaryMask.empty(w, h), -1f, 0f, false);
		Sam1Session.HeldFrame kept = Sam1Session.HeldFrame.of(new FrameResult(4, List.of(live, held, absent)), w * h);
		// the backward sweep found object 3 (first prompted later) and object 4
		ObjectResult back3 = new ObjectResult(3, 4, square(w, h, 14, 5, 3), 0.88f, 0.88f, true, null, 0, 0.95f);
		ObjectResult back4 = new ObjectResult(4, 4, square(w, h, 1, 6, 2), 0.9f, 0.9f, true, null, 0, 0.99f);
		FrameResult merged = kept.merge(new FrameResult(4, List.of(back3, back4)), w, h);
		assertEquals(List.of(live, held, back3, back4), merged.objects());
		assertEquals(0.71f, merged.objects().get(0).stability());
		assertEquals(Sam1Session.HELD_SCORE, merged.objects().get(1).objectScore());
		assertTrue(Float.isNaN(merged.objects().get(1).stability()), "a held mask has no stability of its own");
		assertFalse(merged.objects().stream().anyMatch(o -> o.objectId() == 3 && !o.present()));
	}
}
