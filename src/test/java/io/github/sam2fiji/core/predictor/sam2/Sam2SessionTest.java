package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationFlag;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;

/** The product-level session API on the tiny model: directions, object removal, reset, cancellation. */
class Sam2SessionTest {

	private static ObjectPrompt click(int object, int frame, MovingDiscs discs, int disc) {
		return ObjectPrompt.points(object, frame, List.of(new PointPrompt(discs.centreX(disc, frame), discs.centreY(disc, frame), true)));
	}

	private static List<Integer> frames(TrackingSession s, Direction d) {
		List<Integer> order = new ArrayList<>();
		s.propagate(d, r -> order.add(r.frame()), ProgressListener.NONE, CancellationToken.NEVER);
		return order;
	}

	/** (frame, object) -> {mask area, pixels lost to other objects} of two clicked discs tracked forward. */
	private static java.util.Map<List<Integer>, int[]> twoObjects(boolean nonOverlap) {
		MovingDiscs discs = new MovingDiscs(96, 80, 4);
		java.util.Map<List<Integer>, int[]> out = new java.util.TreeMap<>((a, b) -> a.get(0).equals(b.get(0)) ? a.get(1) - b.get(1) : a.get(0) - b.get(0));
		try (Sam2Tracker tracker = TinyModel.tracker();
			TrackingSession s = tracker.newSession(discs, io.github.sam2fiji.core.predictor.SessionOptions.interactive().withNonOverlapMasks(nonOverlap))) {
			s.addPrompt(click(1, 0, discs, 0));
			s.addPrompt(click(2, 0, discs, 1));
			s.propagate(Direction.FORWARD, r -> r.objects().forEach(o -> out.put(List.of(r.frame(), o.objectId()), new int[] { o.mask().area(), o.lostToOthers() })),
				ProgressListener.NONE, CancellationToken.NEVER);
		}
		return out;
	}

	@Test
	void pixelsLostToOverlappingObjectsAreCounted() {
		// the tiny random model's masks cover most of the frame, so the two objects fight for pixels
		java.util.Map<List<Integer>, int[]> overlapping = twoObjects(false), resolved = twoObjects(true);
		assertEquals(overlapping.keySet(), resolved.keySet());
		int lost = 0;
		for (var e : resolved.entrySet()) {
			int[] own = overlapping.get(e.getKey());
			assertEquals(0, own[1], "nothing is lost where overlaps stay: " + e.getKey());
			assertEquals(own[0] - e.getValue()[0], e.getValue()[1], "lost = the object's own mask minus what it kept: " + e.getKey());
			lost += e.getValue()[1];
		}
		assertTrue(lost > 0, "the objects overlapped somewhere");
	}

	@Test
	void eachMaskHasTheStabilityOfTheModelsLogits() {
		MovingDiscs discs = new MovingDiscs(96, 80, 4);
		List<io.github.sam2fiji.core.result.ObjectResult> seen = new ArrayList<>();
		try (Sam2Tracker tracker = TinyModel.tracker(); TrackingSession s = tracker.newSession(discs)) {
			s.addPrompt(click(1, 0, discs, 0));
			s.addPrompt(click(2, 0, discs, 1));
			s.propagate(Direction.FORWARD, r -> seen.addAll(r.objects()), ProgressListener.NONE, CancellationToken.NEVER);
		}
		assertEquals(8, seen.size());
		for (var o : seen) {
			if (!o.present()) {
				assertTrue(Float.isNaN(o.stability()), "no stability where the model found no object");
				continue;
			}
			// SAM's score on the low-resolution logits the mask was made from, before overlaps were resolved
			long high = 0, low = 0;
			for (float v : o.lowResLogits().values()) {
				if (v > 1) high++;
				if (v > -1) low++;
			}
			assertEquals(low == 0 ? 1f : (float) high / low, o.stability(), 1e-6f, "object " + o.objectId() + " frame " + o.frame());
		}
	}

	@Test
	void directionsDeliverEachFrameOnceInProcessingOrder() {
		MovingDiscs discs = new MovingDiscs(96, 80, 8);
		try (Sam2Tracker tracker = TinyModel.tracker(); TrackingSession s = tracker.newSession(discs)) {
			s.addPrompt(click(1, 3, discs, 0));
			s.addPrompt(click(2, 5, discs, 1));
			assertEquals(List.of(3, 4, 5, 6, 7), frames(s, Direction.FORWARD), "forward from the earliest prompted frame");
			assertEquals(List.of(5, 4, 3, 2, 1, 0), frames(s, Direction.BACKWARD), "backward from the latest prompted frame");
			assertEquals(List.of(3, 4, 5, 6, 7, 2, 1, 0), frames(s, Direction.BOTH), "both: forward, then the frames before the earliest");
		}
	}

	@Test
	void removeResetAndObjectIds() {
		MovingDiscs discs = new MovingDiscs(96, 80, 4);
		try (Sam2Tracker tracker = TinyModel.tracker(); TrackingSession s = tracker.newSession(discs)) {
			s.addPrompt(click(4, 0, discs, 0));
			s.addPrompt(click(2, 0, discs, 1));
			assertEquals(Set.of(2, 4), s.objectIds());
			FrameResult before = s.segmentFrame(0, CancellationToken.NEVER);
			assertEquals(List.of(2, 4), before.objects().stream().map(o -> o.objectId()).toList(), "results in ascending ID order");
			s.removeObject(4);
			List<FrameResult> results = new ArrayList<>();
			s.propagate(Direction.FORWARD, results::add, ProgressListener.NONE, CancellationToken.NEVER);
			assertEquals(4, results.size());
			for (FrameResult r : results) assertEquals(List.of(2), r.objects().stream().map(o -> o.objectId()).toList());
			// object 2 does not depend on the removed object: its frame-0 mask is the same as before
			assertEquals(before.objects().get(0).mask(), results.get(0).objects().get(0).mask());
			s.reset();
			assertTrue(s.objectIds().isEmpty());
			assertThrows(IllegalStateException.class, () -> s.propagate(Direction.FORWARD, r -> {}, ProgressListener.NONE, CancellationToken.NEVER));
		}
	}

	@Test
	void cancellationStopsBetweenFrames() {
		MovingDiscs discs = new MovingDiscs(96, 80, 10);
		CancellationFlag flag = new CancellationFlag();
		List<Integer> delivered = new ArrayList<>();
		List<Long> progress = new ArrayList<>();
		try (Sam2Tracker tracker = TinyModel.tracker(); TrackingSession s = tracker.newSession(discs)) {
			s.addPrompt(click(1, 0, discs, 0));
			assertThrows(CancelledException.class, () -> s.propagate(Direction.FORWARD, r -> {
				delivered.add(r.frame());
				if (r.frame() == 2) flag.cancel();
			}, (done, total, message) -> progress.add(done), flag));
		}
		assertEquals(List.of(0, 1, 2), delivered);
		assertEquals(List.of(1L, 2L, 3L), progress);
	}
}
