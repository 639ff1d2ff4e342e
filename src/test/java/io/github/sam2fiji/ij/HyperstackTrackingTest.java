package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationFlag;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.testing.FakeTracker;
import io.github.sam2fiji.testing.TestImages;

/** Orchestration with the {@link FakeTracker} test double (geometric masks, nothing moves). */
class HyperstackTrackingTest {

	private static int label(ImagePlus labels, int z, int t, int x, int y) {
		return (int) labels.getStack().getProcessor(labels.getStackIndex(1, z, t)).getf(x, y);
	}

	@Test
	void timeLapseGetsOneLabelPlanePerFrameWithStableIds() {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 48, 32, 1, 1, 6);
		String before = TestImages.checksum(movie);
		Roi a = new PointRoi(10, 10);
		a.setPosition(3);
		a.setGroup(5);
		Roi b = new Roi(30, 15, 8, 8);
		b.setPosition(3);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.AUTO, 1);
		PromptSet prompts = RoiPrompts.convert(List.of(a, b), layout, false);
		FakeTracker tracker = new FakeTracker();
		List<Long> progress = new ArrayList<>();
		HyperstackTracking.Result result = HyperstackTracking.track(tracker, layout, prompts, Direction.BOTH, (done, total, m) -> progress.add(done), CancellationToken.NEVER);

		ImagePlus labels = result.labels();
		assertEquals(16, labels.getBitDepth());
		assertEquals(48, labels.getWidth());
		assertEquals(32, labels.getHeight());
		assertEquals(1, labels.getNChannels());
		assertEquals(1, labels.getNSlices());
		assertEquals(6, labels.getNFrames());
		assertEquals("cells-labels", labels.getTitle());
		assertEquals(0.5, labels.getCalibration().pixelWidth);
		assertEquals("mm", labels.getCalibration().getUnit());
		assertEquals(2.0, labels.getCalibration().frameInterval);
		for (int t = 1; t <= 6; t++) {
			assertEquals(5, label(labels, 1, t, 10, 10), "group 5 keeps ID 5 on t=" + t);
			assertEquals(1, label(labels, 1, t, 33, 18), "the rectangle gets ID 1 on t=" + t);
			assertEquals(0, label(labels, 1, t, 0, 31));
		}
		// Both directions from frame 2 (0-based): each of the 6 frames read once.
		assertEquals(List.of(2, 3, 4, 5, 1, 0), tracker.framesRead);
		assertEquals(1, tracker.sessions);
		assertEquals(6L, progress.get(progress.size() - 1));
		assertEquals(before, TestImages.checksum(movie), "input unchanged");

		// One measurement per object and frame, from the written labels.
		assertEquals(12, result.measurements().size());
		ResultsTable table = ResultsTables.of(result.measurements(), prompts.names(), labels.getCalibration());
		assertEquals(12, table.size());
		int row = 0;
		while (table.getValue("Object", row) != 1) row++;
		assertEquals(64, table.getValue("Area (pixels)", row));
		assertEquals(64 * 0.25, table.getValue("Area", row), 1e-9);
		assertEquals(34 * 0.5, table.getValue("X", row), 1e-9);
		assertEquals(1, table.getValue("Present", row));

		List<Roi> rois = LabelRois.of(labels, result.measurements(), prompts.names());
		assertEquals(12, rois.size());
		Roi first = rois.stream().filter(r -> r.getName().equals("object 1-t1")).findFirst().orElseThrow();
		assertEquals(64, first.getStatistics().pixelCount);
		assertEquals(1, first.getPosition());
	}

	@Test
	void forwardOnlyLeavesEarlierFramesEmpty() {
		ImagePlus movie = TestImages.hyperstack("m", 32, 32, 1, 1, 5);
		Roi a = new Roi(5, 5, 6, 6);
		a.setPosition(3);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		ImagePlus labels = HyperstackTracking.track(new FakeTracker(), layout, RoiPrompts.convert(List.of(a), layout, false), Direction.FORWARD, ProgressListener.NONE, CancellationToken.NEVER).labels();
		assertEquals(0, label(labels, 1, 1, 7, 7));
		assertEquals(0, label(labels, 1, 2, 7, 7));
		assertEquals(1, label(labels, 1, 3, 7, 7));
		assertEquals(1, label(labels, 1, 5, 7, 7));
	}

	@Test
	void threeDPlusTimeTracksEachPromptedSliceInTurn() {
		ImagePlus image = TestImages.hyperstack("4d.tif", 32, 32, 2, 3, 4);
		Roi onZ2 = new Roi(4, 4, 6, 6);
		onZ2.setPosition(0, 2, 1);
		Roi everyZ = new PointRoi(20, 20);
		everyZ.setPosition(0, 0, 4);
		SequenceLayout layout = SequenceLayout.of(image, TrackAxis.AUTO, 2);
		PromptSet prompts = RoiPrompts.convert(List.of(onZ2, everyZ), layout, false);
		FakeTracker tracker = new FakeTracker();
		ImagePlus labels = HyperstackTracking.track(tracker, layout, prompts, Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER).labels();
		assertEquals(1, labels.getNChannels());
		assertEquals(3, labels.getNSlices());
		assertEquals(4, labels.getNFrames());
		assertTrue(labels.isHyperStack());
		assertEquals(3, tracker.sessions, "one session per z slice");
		for (int t = 1; t <= 4; t++) {
			assertEquals(1, label(labels, 2, t, 6, 6), "box object on z=2, t=" + t);
			assertEquals(0, label(labels, 1, t, 6, 6), "box object only on z=2");
			for (int z = 1; z <= 3; z++) assertEquals(2, label(labels, z, t, 20, 20), "point object on every z");
		}
	}

	@Test
	void throughZForEachTimePoint() {
		ImagePlus image = TestImages.hyperstack("4d", 32, 32, 1, 3, 2);
		Roi r = new Roi(4, 4, 6, 6);
		r.setPosition(0, 3, 2);
		SequenceLayout layout = SequenceLayout.of(image, TrackAxis.Z, 1);
		FakeTracker tracker = new FakeTracker();
		ImagePlus labels = HyperstackTracking.track(tracker, layout, RoiPrompts.convert(List.of(r), layout, false), Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER).labels();
		assertEquals(1, tracker.sessions, "only t=2 has prompts");
		for (int z = 1; z <= 3; z++) {
			assertEquals(1, label(labels, z, 2, 6, 6));
			assertEquals(0, label(labels, z, 1, 6, 6));
		}
	}

	@Test
	void overlapsGoToTheHigherObjectScore() {
		ImagePlus image = TestImages.hyperstack("o", 32, 32, 1, 1, 2);
		Roi low = new Roi(0, 0, 20, 20);
		low.setGroup(1);
		Roi high = new Roi(10, 10, 20, 20);
		high.setGroup(9);
		SequenceLayout layout = SequenceLayout.of(image, TrackAxis.T, 1);
		ImagePlus labels = HyperstackTracking.track(new FakeTracker(), layout, RoiPrompts.convert(List.of(low, high), layout, false), Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER).labels();
		// The fake scores a higher ID higher.
		assertEquals(9, label(labels, 1, 1, 15, 15));
		assertEquals(1, label(labels, 1, 1, 5, 5));
	}

	@Test
	void cancelStopsBetweenFramesReturnsNothingAndLeavesTheInput() {
		ImagePlus movie = TestImages.hyperstack("c", 32, 32, 1, 1, 8);
		String before = TestImages.checksum(movie);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		Roi r = new Roi(4, 4, 6, 6);
		r.setPosition(1);
		CancellationFlag flag = new CancellationFlag();
		FakeTracker tracker = new FakeTracker();
		tracker.afterFrame = f -> {
			if (f == 2) flag.cancel();
		};
		assertThrows(CancelledException.class, () -> HyperstackTracking.track(tracker, layout, RoiPrompts.convert(List.of(r), layout, false), Direction.FORWARD, ProgressListener.NONE, flag));
		assertEquals(List.of(0, 1, 2), tracker.framesRead);
		assertEquals(before, TestImages.checksum(movie));
	}

	@Test
	void escapeInImageJCancels() {
		ImagePlus movie = TestImages.hyperstack("e", 32, 32, 1, 1, 6);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		Roi r = new Roi(4, 4, 6, 6);
		r.setPosition(1);
		FakeTracker tracker = new FakeTracker();
		tracker.afterFrame = f -> {
			if (f == 1) ij.IJ.setKeyDown(java.awt.event.KeyEvent.VK_ESCAPE);
		};
		try {
			CancellationToken token = ImageJProgress.escapeOr(CancellationToken.NEVER);
			assertThrows(CancelledException.class, () -> HyperstackTracking.track(tracker, layout, RoiPrompts.convert(List.of(r), layout, false), Direction.FORWARD, ProgressListener.NONE, token));
			assertEquals(List.of(0, 1), tracker.framesRead);
		}
		finally {
			ij.IJ.resetEscape();
		}
	}

	@Test
	void segmentWritesOnlyTheCurrentPlane() {
		ImagePlus movie = TestImages.hyperstack("s.tif", 32, 32, 1, 1, 5);
		movie.setT(4);
		Roi here = new Roi(4, 4, 6, 6);
		Roi elsewhere = new Roi(20, 20, 6, 6);
		elsewhere.setPosition(1);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.AUTO, 1);
		FakeTracker tracker = new FakeTracker();
		HyperstackTracking.Result result = HyperstackTracking.segment(tracker, layout, RoiPrompts.convert(List.of(here, elsewhere), layout, false), 3, 0, CancellationToken.NEVER);
		ImagePlus labels = result.labels();
		assertEquals(1, labels.getStackSize());
		assertEquals(1, (int) labels.getProcessor().getf(6, 6));
		assertEquals(0, (int) labels.getProcessor().getf(22, 22));
		assertEquals(List.of(3), tracker.framesRead);
		// measured as the input's frame 4, not as the label image's only plane
		assertEquals(List.of(4), result.measurements().stream().map(ObjectMeasurement::t).distinct().toList());
		assertEquals(List.of(1), result.measurements().stream().map(ObjectMeasurement::z).distinct().toList());
		ij.gui.Overlay overlay = OutputPublisher.overlayOutlines(movie, result);
		assertEquals(1, overlay.size());
		assertEquals(4, overlay.get(0).getPosition(), "the outline shows on the segmented frame of the input");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HyperstackTracking.segment(tracker, layout, RoiPrompts.convert(List.of(elsewhere), layout, false), 3, 0, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("No prompt on the current t position"), e.getMessage());
	}

	@Test
	void noPromptsIsAClearError() {
		ImagePlus movie = TestImages.hyperstack("n", 16, 16, 1, 1, 3);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HyperstackTracking.track(new FakeTracker(), layout, PromptSet.of(List.of()), Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().startsWith("No prompts"), e.getMessage());
		assertNotEquals(null, e.getMessage());
	}

	@Test
	void verificationDoubtsJoinTheMeasuredOnesWithFramesAlongTheAxis() {
		List<ObjectMeasurement> ms = new ArrayList<>();
		for (int t = 1; t <= 6; t++) {
			ms.add(new ObjectMeasurement(1, 1, t, 400, 10, 10, 0.9f, t == 2 ? 0.5f : 0.9f, true));
			ms.add(new ObjectMeasurement(2, 1, t, 400, 30, 10, 0.9f, 0.9f, true));
		}
		// the reverse check's frames are 0-based along the axis; the doubts say them 1-based, as every other doubt
		String text = HyperstackTracking.reverseCheckText(new io.github.sam2fiji.core.auto.ReverseCheck.Disagreement(5, List.of(1, 2, 4), 0.21));
		assertEquals("tracked back from frame 6, it differs on frames 2 to 3, 5 (IoU down to 0.21)", text);
		HyperstackTracking.Result result = new HyperstackTracking.Result(TestImages.hyperstack("labels", 40, 20, 1, 1, 6), ms, PromptSet.of(List.of()), TrackAxis.T,
			java.util.Map.of(), java.util.Map.of(1, List.of(text), 2, List.of(text)));
		assertEquals(java.util.Map.of(1, List.of("predicted IoU 0.50 on frame 2", text), 2, List.of(text)), result.doubts());
	}
}
