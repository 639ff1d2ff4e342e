package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * What an automatic run holds between rounds comes back as it was given, frame by frame, in any
 * order; held masks at a track's ends are hidden, those bridging a miss kept.
 */
class HeldResultsTest {

	private static final int W = 64, H = 48;

	private static BinaryMask random(Random r) {
		byte[] bits = new byte[W * H];
		int x0 = r.nextInt(W - 10), y0 = r.nextInt(H - 10), side = 1 + r.nextInt(9);
		for (int y = y0; y < y0 + side; y++)
			for (int x = x0; x < x0 + side; x++) bits[y * W + x] = (byte) (r.nextInt(5) == 0 ? 0 : 1);
		return BinaryMask.of(W, H, bits);
	}

	private static FrameResult frame(int f, Random r) {
		return new FrameResult(f, List.of(new ObjectResult(3, f, random(r), 0.8f + f, 0.5f, true), new ObjectResult(7, f, BinaryMask.empty(W, H), -1f, 0f, false),
			new ObjectResult(9, f, random(r), 0.1f, 0.25f + f, true)));
	}

	private static void assertSameResult(FrameResult expected, FrameResult actual) {
		assertEquals(expected.frame(), actual.frame());
		assertEquals(expected.objects().size(), actual.objects().size());
		for (int k = 0; k < expected.objects().size(); k++) {
			ObjectResult e = expected.objects().get(k), a = actual.objects().get(k);
			assertEquals(e.objectId(), a.objectId());
			assertEquals(e.frame(), a.frame());
			assertEquals(e.mask(), a.mask(), "frame " + e.frame() + " object " + e.objectId());
			assertEquals(e.objectScore(), a.objectScore());
			assertEquals(e.iou(), a.iou());
			assertEquals(e.present(), a.present());
		}
	}

	@Test
	void framesComeBackAsHeldInAnyOrderAndReplacementsWin() {
		Random r = new Random(5);
		int n = 12;
		HeldResults held = new HeldResults(n, W, H);
		assertEquals(n, held.size());
		assertNull(held.get(4), "nothing held yet");
		FrameResult[] given = new FrameResult[n];
		for (int f = 0; f < n; f++) held.hold(given[f] = frame(f, r));
		// forwards, backwards and jumping: more frames than are kept decoded
		for (int f = 0; f < n; f++) assertSameResult(given[f], held.get(f));
		for (int f = n - 1; f >= 0; f--) assertSameResult(given[f], held.get(f));
		for (int f : new int[] { 5, 0, 11, 5, 6, 4, 5 }) assertSameResult(given[f], held.get(f));
		// a later round's result replaces the frame's, also when it was decoded
		FrameResult again = frame(5, r);
		held.hold(again);
		assertSameResult(again, held.get(5));
		assertSameResult(given[4], held.get(4));
	}

	@Test
	void heldMasksAtATracksEndsAreHiddenAndThoseBridgingAMissKept() {
		Random r = new Random(11);
		BinaryMask mask = random(r), other = random(r);
		// object 1: held, found, held, found, held, held; object 2 only ever held; object 3 found on every frame
		String one = "hfhfhh";
		HeldResults held = new HeldResults(one.length(), W, H);
		for (int f = 0; f < one.length(); f++) {
			float score = one.charAt(f) == 'f' ? 0.9f : 0f;
			held.hold(new FrameResult(f, List.of(new ObjectResult(1, f, mask, score, 0.8f, true), new ObjectResult(2, f, other, 0f, 0.7f, true),
				new ObjectResult(3, f, other, 0.95f, 0.9f, true))));
		}
		held.get(4); // decoded before: what it gives after must be the new frame
		held.hideHeldEnds();
		for (int f = 0; f < one.length(); f++) {
			ObjectResult o1 = held.get(f).objects().get(0), o2 = held.get(f).objects().get(1), o3 = held.get(f).objects().get(2);
			boolean shown = f >= 1 && f <= 3;
			assertEquals(shown, o1.present(), "frame " + f + ": object 1 shown only from its first to its last found frame");
			assertEquals(shown ? mask : BinaryMask.empty(W, H), o1.mask());
			assertEquals(one.charAt(f) == 'f' ? 0.9f : 0f, o1.objectScore(), "the score stays the model's");
			assertFalse(o2.present() || !o2.mask().isEmpty(), "frame " + f + ": object 2 was never found");
			assertTrue(o3.present() && o3.mask().equals(other));
		}
	}
}
