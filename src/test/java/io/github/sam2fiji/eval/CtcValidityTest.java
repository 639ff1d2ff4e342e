package io.github.sam2fiji.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The challenge's validity rules, each broken once, with the official tool's reason
 * (py-ctcmetrics' valid.py warnings; its missing-parent case is an assertion there, a reason here).
 */
class CtcValidityTest {

	private static Optional<String> problem(List<TrackRecord> tracks, int[]... frames) {
		return CtcValidity.problem(tracks, List.of(frames), t -> String.format("mask%03d.tif", t));
	}

	@Test
	void aValidResultWithAGapSplitIntoParentAndChild() {
		List<TrackRecord> tracks = List.of(new TrackRecord(1, 0, 2, 0), new TrackRecord(2, 0, 0, 0), new TrackRecord(3, 2, 2, 2));
		assertEquals(Optional.empty(), problem(tracks, new int[] { 1, 2 }, new int[] { 1 }, new int[] { 1, 3 }));
	}

	@Test
	void aTrackWithAGapIsInvalid() {
		// label 2 on frames 0 and 2 but not 1: what the exporter used to write
		List<TrackRecord> tracks = List.of(new TrackRecord(1, 0, 2, 0), new TrackRecord(2, 0, 2, 0));
		assertEquals(Optional.of("Label 2 in res_track but not in mask mask001.tif."), problem(tracks, new int[] { 1, 2 }, new int[] { 1 }, new int[] { 1, 2 }));
	}

	@Test
	void eachOtherRuleIsChecked() {
		assertEquals(Optional.of("No tracks in result."), problem(List.of(), new int[0]));
		assertEquals(Optional.of("Labels are not unique: 1 names two tracks."),
			problem(List.of(new TrackRecord(1, 0, 0, 0), new TrackRecord(1, 1, 1, 0)), new int[] { 1 }, new int[] { 1 }));
		assertEquals(Optional.of("Parent 9 of track [2 1 1 9] is not a track."),
			problem(List.of(new TrackRecord(1, 0, 0, 0), new TrackRecord(2, 1, 1, 9)), new int[] { 1 }, new int[] { 2 }));
		assertEquals(Optional.of("Parent ends after child starts: [2 1 1 1] [1 0 1 0]."),
			problem(List.of(new TrackRecord(1, 0, 1, 0), new TrackRecord(2, 1, 1, 1)), new int[] { 1 }, new int[] { 1, 2 }));
		assertEquals(Optional.of("Label 5 in mask but not in res_track mask000.tif."), problem(List.of(new TrackRecord(1, 0, 0, 0)), new int[] { 1, 5 }));
	}
}
