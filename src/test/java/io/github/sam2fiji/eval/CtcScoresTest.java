package io.github.sam2fiji.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The measures on small generated label frames whose AOGM operations can be counted by hand. */
class CtcScoresTest {

	private static final int W = 20, H = 10;

	/** A frame with squares: each square is {label, x, y, side}. */
	private static int[] frame(int[]... squares) {
		int[] pixels = new int[W * H];
		for (int[] s : squares)
			for (int y = s[2]; y < s[2] + s[3]; y++)
				for (int x = s[1]; x < s[1] + s[3]; x++) pixels[y * W + x] = s[0];
		return pixels;
	}

	@Test
	void matchingNeedsMoreThanHalfOfTheReferenceCovered() {
		int[] ref = frame(new int[] { 1, 0, 0, 4 }); // 16 pixels
		FrameMatch half = FrameMatch.of(ref, frame(new int[] { 5, 0, 0, 4 }, new int[] { 0, 0, 2, 4 })); // 8 covered
		assertEquals(0, half.matchedReference().length, "exactly half is not a match");
		FrameMatch more = FrameMatch.of(ref, frame(new int[] { 5, 0, 0, 4 }, new int[] { 0, 0, 3, 4 })); // 12 covered
		assertArrayEquals(new int[] { 1 }, more.matchedReference());
		assertEquals(5, more.resultFor(1));
		assertEquals(12.0 / 16, more.iou()[0], 1e-12);
	}

	@Test
	void identicalSequencesScoreOne() {
		List<FrameMatch> frames = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int[] f = frame(new int[] { 1, t, 0, 3 }, new int[] { 2, 10, 5, 3 });
			frames.add(FrameMatch.of(f, f));
		}
		List<TrackRecord> tracks = List.of(new TrackRecord(1, 0, 3, 0), new TrackRecord(2, 0, 3, 0));
		CtcScores s = CtcScores.of(tracks, tracks, frames, frames.subList(0, 2));
		assertEquals(1, s.seg(), 1e-12);
		assertEquals(1, s.det(), 1e-12);
		assertEquals(1, s.tra(), 1e-12);
		assertEquals(new GraphErrors(0, 0, 0, 0, 0, 0, 8, 6), s.graph());
		assertEquals(1, s.identity().persistence(), 1e-12);
		assertEquals("SEG=1.000 DET=1.000 TRA=1.000 persistence=1.000 switches=0", s.summary());
	}

	@Test
	void aMergedObjectCostsOneSplit() {
		int[] ref = frame(new int[] { 1, 0, 0, 3 }, new int[] { 2, 4, 0, 3 });
		int[] res = frame(new int[] { 7, 0, 0, 7 });
		List<FrameMatch> frames = List.of(FrameMatch.of(ref, res));
		GraphErrors g = TrackingGraphs.compare(List.of(new TrackRecord(1, 0, 0, 0), new TrackRecord(2, 0, 0, 0)),
			List.of(new TrackRecord(7, 0, 0, 0)), frames);
		assertEquals(new GraphErrors(1, 0, 0, 0, 0, 0, 2, 0), g);
		assertEquals(1 - 5.0 / 20, g.det(), 1e-12);
	}

	@Test
	void divisionsCountMissingAndWronglyTypedLinks() {
		// reference: 1 in frames 0-1 divides into 2 and 3 (frames 2-3)
		List<int[]> ref = List.of(frame(new int[] { 1, 0, 0, 4 }), frame(new int[] { 1, 1, 0, 4 }),
			frame(new int[] { 2, 0, 0, 3 }, new int[] { 3, 10, 0, 3 }), frame(new int[] { 2, 0, 1, 3 }, new int[] { 3, 11, 0, 3 }));
		List<TrackRecord> refTracks = List.of(new TrackRecord(1, 0, 1, 0), new TrackRecord(2, 2, 3, 1), new TrackRecord(3, 2, 3, 1));
		// result: label 1 goes on as the first daughter, 9 is the second daughter without a parent
		List<int[]> res = List.of(ref.get(0), ref.get(1), relabel(ref.get(2), 2, 1, 3, 9), relabel(ref.get(3), 2, 1, 3, 9));
		List<TrackRecord> resTracks = List.of(new TrackRecord(1, 0, 3, 0), new TrackRecord(9, 2, 3, 0));
		List<FrameMatch> frames = new ArrayList<>();
		for (int t = 0; t < 4; t++) frames.add(FrameMatch.of(ref.get(t), res.get(t)));
		GraphErrors g = TrackingGraphs.compare(refTracks, resTracks, frames);
		// reference edges: 1(0)->1(1), 2(2)->2(3), 3(2)->3(3), parent links 1(1)->2(2), 1(1)->3(2)
		// result edge 1(1)->1(2) maps onto the parent link 1(1)->2(2) as a track link: EC; 1(1)->3(2) is missing: EA
		assertEquals(new GraphErrors(0, 0, 0, 0, 1, 1, 6, 5), g);
		assertEquals(1 - (1.5 + 1) / (60 + 1.5 * 5), g.tra(), 1e-12);
		assertEquals(1, g.det(), 1e-12);
		// a result linking the second daughter to a wrong, non-existent-in-reference place: a redundant edge
		List<TrackRecord> wrongParent = List.of(new TrackRecord(1, 0, 3, 0), new TrackRecord(9, 2, 3, 1));
		// parent 1 ends at frame 3, after 9 begins: the link joins 1(3) to 9(2), which the reference lacks
		assertEquals(1, TrackingGraphs.compare(refTracks, wrongParent, frames).redundantEdges());
	}

	@Test
	void swappedIdsAreSwitchesAndLowerPersistence() {
		List<FrameMatch> frames = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int[] ref = frame(new int[] { 1, 0, 0, 3 }, new int[] { 2, 10, 5, 3 });
			int[] res = t < 2 ? ref : relabel(ref, 1, 2, 2, 1);
			frames.add(FrameMatch.of(ref, res));
		}
		List<TrackRecord> tracks = List.of(new TrackRecord(1, 0, 3, 0), new TrackRecord(2, 0, 3, 0));
		CtcScores s = CtcScores.of(tracks, tracks, frames, List.of());
		assertEquals(2, s.identity().switches());
		assertEquals(0.5, s.identity().persistence(), 1e-12);
		assertEquals(1, s.det(), 1e-12);
		// each track loses its continuation edge at the swap (EA 2) and gains a wrong one (ED 2)
		assertEquals(new GraphErrors(0, 0, 0, 2, 2, 0, 8, 6), s.graph());
	}

	@Test
	void emptyResultScoresZero() {
		List<FrameMatch> frames = new ArrayList<>();
		for (int t = 0; t < 3; t++) frames.add(FrameMatch.of(frame(new int[] { 1, t, 0, 3 }), new int[W * H]));
		List<TrackRecord> tracks = List.of(new TrackRecord(1, 0, 2, 0));
		CtcScores s = CtcScores.of(tracks, List.of(), frames, frames);
		assertEquals(0, s.seg(), 0);
		assertEquals(0, s.det(), 0);
		assertEquals(0, s.tra(), 0);
		assertEquals(0, s.identity().persistence(), 0);
	}

	@Test
	void readsTrackFilesWithCrlfAndTabs() {
		List<TrackRecord> t = TrackFiles.parse("1 0 91 0\r\n2\t3\t5\t1\r\n\r\n", "man_track.txt");
		assertEquals(List.of(new TrackRecord(1, 0, 91, 0), new TrackRecord(2, 3, 5, 1)), t);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrackFiles.parse("1 0 2 0\n2 0 x 0\n", "res_track.txt"));
		assertTrue(e.getMessage().contains("res_track.txt line 2"), e.getMessage());
	}

	@Test
	void derivesTracksFromLabels() {
		List<TrackRecord> t = TrackFiles.fromLabels(List.of(new int[] { 1, 4 }, new int[] { 4 }, new int[] { 1, 4 }));
		assertEquals(List.of(new TrackRecord(1, 0, 2, 0), new TrackRecord(4, 0, 2, 0)), t);
	}

	/** Replaces label a by b and c by d at once. */
	private static int[] relabel(int[] f, int a, int b, int c, int d) {
		int[] out = f.clone();
		for (int i = 0; i < out.length; i++) out[i] = f[i] == a ? b : f[i] == c ? d : f[i];
		return out;
	}
}
