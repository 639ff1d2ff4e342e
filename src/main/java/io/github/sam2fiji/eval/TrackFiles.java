package io.github.sam2fiji.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads CTC track files and derives tracks from label IDs when a result has no track file. */
public final class TrackFiles {

	private TrackFiles() {}

	/**
	 * Parses the text of a track file: one track per line, "L B E P" separated by spaces or tabs.
	 * CRLF line endings and blank lines are accepted (the challenge's own files have both).
	 *
	 * @param source named in error messages, e.g. the file path
	 */
	public static List<TrackRecord> parse(String text, String source) {
		List<TrackRecord> tracks = new ArrayList<>();
		String[] lines = text.split("\\r?\\n|\\r");
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.isEmpty()) continue;
			String[] fields = line.split("[\\s]+");
			if (fields.length != 4)
				throw new IllegalArgumentException(source + " line " + (i + 1) + ": expected 4 numbers 'L B E P', got '" + line + "'");
			try {
				tracks.add(new TrackRecord(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]),
					Integer.parseInt(fields[2]), Integer.parseInt(fields[3])));
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getMessage(), e);
			}
		}
		return tracks;
	}

	/**
	 * Tracks of a label stack without a track file: each label is one track from its first to its
	 * last frame, with no parent (a label stack cannot say which object divided into which).
	 *
	 * @param labelsPerFrame the labels present in each frame (0 excluded), frame by frame
	 */
	public static List<TrackRecord> fromLabels(List<int[]> labelsPerFrame) {
		Map<Integer, int[]> span = new TreeMap<>();
		for (int t = 0; t < labelsPerFrame.size(); t++) {
			for (int label : labelsPerFrame.get(t)) {
				if (label == 0) continue;
				int frame = t;
				span.merge(label, new int[] { frame, frame }, (a, b) -> new int[] { Math.min(a[0], b[0]), Math.max(a[1], b[1]) });
			}
		}
		List<TrackRecord> tracks = new ArrayList<>();
		span.forEach((label, s) -> tracks.add(new TrackRecord(label, s[0], s[1], 0)));
		return tracks;
	}
}
