package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.testing.FakeTracker;
import io.github.sam2fiji.testing.PaintedFrames;

/**
 * What an automatic run shows where the model only holds an object's last mask (a SAM 1 interface
 * model that did not find it): every held mask by default; with held ends hidden, the held mask only
 * where it bridges a miss, nothing after the last frame the model found the object on, so the search
 * looks there and a masklet found there resumes the object. On a fake tracker (geometric image mode,
 * scripted held frames), so that exactly the rules of {@link AutoTracking} are tested.
 */
class HeldMasksTest {

	private static final int W = 48, H = 32, FRAMES = 10;
	/** Cell A stays on every frame; cell B is gone from frame {@value #B_GONE} (bleached, died). */
	private static final int B_GONE = 7;

	private static boolean inA(int x, int y) {
		return x >= 8 && x < 16 && y >= 8 && y < 16;
	}

	private static boolean inB(int x, int y, int t) {
		return t < B_GONE && x >= 30 && x < 36 && y >= 14 && y < 20;
	}

	private static FrameSource frames() {
		return new PaintedFrames(W, H, FRAMES, (t, x, y) -> inA(x, y) || inB(x, y, t) ? 200 : 0);
	}

	private static List<FrameResult> run(boolean hideHeldEnds) {
		FakeTracker tracker = new FakeTracker();
		// the model misses both cells on frames 3 and 4 (and finds them again on 5), and from frame 7 on
		tracker.heldFrames.addAll(Set.of(3, 4, 7, 8, 9));
		AutoTracking.Settings settings = new AutoTracking.Settings(AutomaticMasks.Settings.defaults().withPointsPerSide(8), 1).withHideHeldEnds(hideHeldEnds);
		List<FrameResult> out = new ArrayList<>();
		AutoTracking.track(tracker, frames(), List.of(), settings, out::add, ProgressListener.NONE, CancellationToken.NEVER);
		return out;
	}

	/** The object whose mask covers (x, y) on frame 0. */
	private static int objectAt(List<FrameResult> results, int x, int y) {
		return results.get(0).objects().stream().filter(o -> o.present() && o.mask().get(x, y)).findFirst().orElseThrow().objectId();
	}

	private static ObjectResult find(FrameResult r, int id) {
		return r.objects().stream().filter(o -> o.objectId() == id).findFirst().orElse(null);
	}

	@Test
	void hiddenHeldEndsLeaveHeldMasksWhereTheyBridgeAMissAndTheSearchTakesOverAtATracksEnd() {
		List<FrameResult> results = run(true);
		int a = objectAt(results, 10, 10), b = objectAt(results, 32, 16);
		assertEquals(Set.of(a, b), Set.copyOf(results.stream().flatMap(r -> r.objects().stream()).map(ObjectResult::objectId).toList()), "two objects, nothing new");
		for (int t = 0; t < FRAMES; t++) {
			ObjectResult one = find(results.get(t), a);
			assertTrue(one.present() && one.mask().get(10, 10) && one.mask().area() == 64, "frame " + t + ": cell A shown with its mask");
			boolean bridged = t == 3 || t == 4;
			assertEquals(!bridged, one.objectScore() > 0, "frame " + t + (bridged ? ": A's held mask bridges the miss of frames 3-4"
				: ": A found (from frame 7 by the search where its held mask was hidden, then resumed)"));
		}
		for (int t = 0; t < B_GONE; t++) assertTrue(find(results.get(t), b).present(), "frame " + t + ": cell B shown");
		for (int t = B_GONE; t < FRAMES; t++) {
			ObjectResult gone = find(results.get(t), b);
			assertFalse(gone.present() || !gone.mask().isEmpty(), "frame " + t + ": cell B is gone; its held mask over the background is not shown");
		}
	}

	@Test
	void byDefaultEveryHeldMaskIsShownAndNothingIsSearchedUnderThem() {
		List<FrameResult> results = run(false);
		int a = objectAt(results, 10, 10), b = objectAt(results, 32, 16);
		for (int t : new int[] { 3, 4, 7, 8, 9 }) {
			assertTrue(find(results.get(t), a).present(), "frame " + t + ": A's held mask shown");
			assertEquals(0f, find(results.get(t), a).objectScore(), "frame " + t + ": A held, not found");
		}
		for (int t = B_GONE; t < FRAMES; t++) {
			assertTrue(find(results.get(t), b).present(), "frame " + t + ": B's held mask shown where B is gone");
			assertEquals(0f, find(results.get(t), b).objectScore());
		}
		assertFalse(results.stream().anyMatch(r -> r.objects().stream().anyMatch(o -> o.objectId() != a && o.objectId() != b)));
	}
}
