package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The reasons an object is doubtful, from its measurements along t. */
class DoubtsTest {

	private static ObjectMeasurement at(int id, int t, int area, float iou) {
		return new ObjectMeasurement(id, 1, t, area, area > 0 ? 10 : Double.NaN, area > 0 ? 10 : Double.NaN, iou, iou, area > 0);
	}

	@Test
	void steadyObjectsHaveNoDoubtAndEachSignalIsNamed() {
		List<ObjectMeasurement> ms = new ArrayList<>();
		for (int t = 1; t <= 8; t++) {
			ms.add(at(1, t, 400 + 10 * t, 0.95f)); // steady
			ms.add(at(2, t, t == 5 ? 900 : 400, t == 6 ? 0.55f : 0.93f)); // jumps into frame 5, unsure on 6
			ms.add(at(3, t, t >= 7 ? 300 : 0, 0.9f)); // seen on 2 frames
			ms.add(at(4, t, t >= 3 && t <= 5 ? 0 : 350, 0.9f)); // gone on 3 to 5
		}
		Map<Integer, List<String>> doubts = Doubts.of(ms, true, Doubts.Thresholds.defaults());
		assertEquals(List.of(2, 3, 4), List.copyOf(doubts.keySet()));
		assertEquals(List.of("predicted IoU 0.55 on frame 6", "area x2.3 from frame 4 to 5"), doubts.get(2));
		assertEquals(List.of("present on 2 frames only"), doubts.get(3));
		assertEquals(List.of("gone on frames 3 to 5, then back"), doubts.get(4));
	}

	@Test
	void aMaskShownWhereTheModelDidNotSayPresentIsDoubtful() {
		// a SAM 1 interface model's held mask: its last mask kept (object score 0) where it found none
		List<ObjectMeasurement> ms = new ArrayList<>();
		for (int t = 1; t <= 8; t++) {
			boolean held = t == 3 || t == 4 || t == 7;
			ms.add(new ObjectMeasurement(5, 1, t, 400, 10, 10, held ? 0f : 0.93f, 0.93f, true));
			ms.add(new ObjectMeasurement(6, 1, t, t == 2 ? 0 : 400, 10, 10, t == 2 ? -1f : 0.93f, t == 2 ? 0f : 0.93f, t != 2)); // absent: no mask shown
		}
		Map<Integer, List<String>> doubts = Doubts.of(ms, true, Doubts.Thresholds.defaults());
		assertEquals(List.of("object score not above 0.00 on frames 3 to 4, 7 (shown, not found by the model there)"), doubts.get(5));
		assertEquals(List.of("gone on frame 2, then back"), doubts.get(6));
		assertEquals("frame 4", Doubts.framesText(List.of(4)));
		assertEquals("frames 1 to 3, 5, 8 to 9", Doubts.framesText(List.of(1, 2, 3, 5, 8, 9)));
	}

	@Test
	void anObjectWhoseMaskOthersTookIsDoubtful() {
		List<ObjectMeasurement> ms = new ArrayList<>();
		for (int t = 1; t <= 6; t++) {
			int lost7 = t == 4 || t == 5 ? (t == 4 ? 300 : 200) : 0; // kept 400 of 700, then of 600 pixels
			ms.add(new ObjectMeasurement(7, 1, t, 400, 10, 10, 0.9f, 0.9f, true, lost7));
			ms.add(new ObjectMeasurement(8, 1, t, 400, 30, 10, 0.9f, 0.9f, true, 40)); // a tenth lost at the border: no doubt
		}
		Map<Integer, List<String>> doubts = Doubts.of(ms, true, Doubts.Thresholds.defaults());
		assertEquals(Map.of(7, List.of("up to 43 % of its mask taken by other objects on frames 4 to 5")), doubts);
	}

	@Test
	void anObjectWithASoftMaskIsDoubtful() {
		List<ObjectMeasurement> ms = new ArrayList<>();
		for (int t = 1; t <= 6; t++) {
			ms.add(new ObjectMeasurement(9, 1, t, 400, 10, 10, 0.9f, 0.9f, true, 0, t == 3 ? 0.62f : t == 5 ? 0.71f : 0.97f)); // least stable on frame 3
			ms.add(new ObjectMeasurement(10, 1, t, 400, 30, 10, 0.9f, 0.9f, true, 0, t == 2 ? Float.NaN : 0.85f)); // no mask from the model on 2: no score, no doubt
		}
		Map<Integer, List<String>> doubts = Doubts.of(ms, true, Doubts.Thresholds.defaults());
		assertEquals(Map.of(9, List.of("stability 0.62 on frame 3 (a soft mask boundary)")), doubts);
	}

	@Test
	void anObjectWhosePresenceScoreFallsIsDoubtful() {
		// SAM 2 presence logits: object 11 found on every frame but its score sinks on 5 and 6 (fading);
		// object 12's score wanders within a factor 2; object 13 is a SAM 1 interface model's (score = IoU)
		List<ObjectMeasurement> ms = new ArrayList<>();
		float[] fading = {9.8f, 10.2f, 9.5f, 10.0f, 4.1f, 1.2f, 9.9f};
		float[] wandering = {6f, 9f, 5f, 8f, 7f, 5.5f, 9.5f};
		for (int t = 1; t <= 7; t++) {
			ms.add(new ObjectMeasurement(11, 1, t, 400, 10, 10, fading[t - 1], 0.9f, true));
			ms.add(new ObjectMeasurement(12, 1, t, 400, 30, 10, wandering[t - 1], 0.9f, true));
			float iou = t == 4 ? 0.82f : 0.95f;
			ms.add(new ObjectMeasurement(13, 1, t, 400, 50, 10, iou, iou, true));
		}
		Map<Integer, List<String>> doubts = Doubts.of(ms, true, Doubts.Thresholds.defaults());
		assertEquals(Map.of(11, List.of("object score down to 1.20 on frames 5 to 6 (under 50 % of its median 9.80: fading, leaving or being lost)")), doubts);
		org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Doubts.Thresholds(0.8, 1.8, 3, 0, 0.25, 0.8, 1));
	}

	@Test
	void framesAreAlongTheTrackingAxis() {
		List<ObjectMeasurement> ms = new ArrayList<>();
		for (int z = 1; z <= 4; z++) ms.add(new ObjectMeasurement(1, z, 1, z == 3 ? 0 : 200, 5, 5, 0.9f, 0.9f, z != 3));
		assertEquals(Map.of(1, List.of("gone on frame 3, then back")), Doubts.of(ms, false, Doubts.Thresholds.defaults()));
		assertEquals(Map.of(), Doubts.of(ms.subList(0, 2), false, Doubts.Thresholds.defaults()));
	}

	@Test
	void resultsAndRoisShowTheDoubts() {
		org.junit.jupiter.api.Assumptions.assumeTrue(java.awt.GraphicsEnvironment.isHeadless(), "needs a headless JVM (ROIs go to the overlay)");
		ij.ImageStack stack = new ij.ImageStack(20, 20);
		List<ObjectMeasurement> ms = new ArrayList<>();
		for (int t = 1; t <= 4; t++) {
			ij.process.ShortProcessor p = new ij.process.ShortProcessor(20, 20);
			int side = t == 3 ? 12 : 6; // object 1 doubles its side on frame 3
			p.setValue(1);
			p.fill(new ij.gui.Roi(2, 2, side, side));
			p.setValue(2);
			p.fill(new ij.gui.Roi(15, 15, 4, 4));
			stack.addSlice(p);
			ms.add(new ObjectMeasurement(1, 1, t, side * side, 2 + side / 2.0, 2 + side / 2.0, 0.9f, 0.9f, true));
			ms.add(new ObjectMeasurement(2, 1, t, 16, 17, 17, 0.9f, 0.9f, true));
		}
		ij.ImagePlus labels = new ij.ImagePlus("l", stack);
		labels.setDimensions(1, 1, 4);
		HyperstackTracking.Result result = new HyperstackTracking.Result(labels, ms, PromptSet.of(List.of()), TrackAxis.T);
		assertEquals(List.of(1), List.copyOf(result.doubts().keySet()));
		ij.measure.ResultsTable table = ResultsTables.of(ms, Map.of(), null);
		assertEquals("", table.getStringValue("Doubt", 0), "the table without doubts given");
		table = new ij.measure.ResultsTable();
		ResultsTables.fill(table, ms, Map.of(), null, result.doubts());
		assertEquals("area x4.0 from frame 2 to 3", table.getStringValue("Doubt", 0), "the largest jump, the first of equals");
		assertEquals("", table.getStringValue("Doubt", 1));
		List<ij.gui.Roi> rois = OutputPublisher.addRois(result);
		List<ij.gui.Roi> doubtful = rois.stream().filter(r -> r.getProperty(LabelRois.DOUBT_PROPERTY) != null).toList();
		assertEquals(4, doubtful.size(), "object 1's ROI on each of its 4 frames");
		assertEquals(true, doubtful.stream().allMatch(r -> r.getName().endsWith(" [doubtful]")));
		assertEquals(List.of("no doubtful object among 0"), ImageJTracking.doubtLines(new HyperstackTracking.Result(labels, List.of(), PromptSet.of(List.of())), 5));
		List<String> lines = ImageJTracking.doubtLines(result, 5);
		assertEquals(List.of("1 of 2 objects doubtful, to review (Doubt column of Results; ROIs named [doubtful]):", "  object 1: area x4.0 from frame 2 to 3"), lines);
	}
}
