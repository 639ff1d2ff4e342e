package io.github.sam2fiji.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The Cell Tracking Challenge's validity rules for a result (those of its official evaluation,
 * py-ctcmetrics {@code ctc_metrics/metrics/validation/valid.py}): at least one track; labels
 * unique; every parent a track that ends before its child begins; and on every frame exactly the
 * labels whose tracks span it, each present in that frame's mask. An invalid result is not scored.
 * The reasons use the official tool's wording, so the two can be compared.
 */
public final class CtcValidity {

	private CtcValidity() {}

	/**
	 * The first rule the result breaks, or empty when it is valid.
	 *
	 * @param labelsPerFrame the labels present in each frame's mask (0 excluded)
	 * @param maskName the name of frame t's mask file, for the reason
	 */
	public static Optional<String> problem(List<TrackRecord> tracks, List<int[]> labelsPerFrame, IntFunction<String> maskName) {
		if (tracks.isEmpty()) return Optional.of("No tracks in result.");
		Map<Integer, TrackRecord> byLabel = new HashMap<>();
		for (TrackRecord t : tracks)
			if (byLabel.put(t.label(), t) != null) return Optional.of("Labels are not unique: " + t.label() + " names two tracks.");
		for (TrackRecord t : tracks) {
			if (t.parent() == 0) continue;
			TrackRecord parent = byLabel.get(t.parent());
			if (parent == null) return Optional.of("Parent " + t.parent() + " of track " + line(t) + " is not a track.");
			if (parent.end() >= t.begin()) return Optional.of("Parent ends after child starts: " + line(t) + " " + line(parent) + ".");
		}
		int frames = Math.max(labelsPerFrame.size(), tracks.stream().mapToInt(TrackRecord::end).max().orElse(-1) + 1);
		for (int f = 0; f < frames; f++) {
			Set<Integer> expected = new HashSet<>();
			for (TrackRecord t : tracks)
				if (t.begin() <= f && f <= t.end()) expected.add(t.label());
			int[] present = f < labelsPerFrame.size() ? labelsPerFrame.get(f) : new int[0];
			for (int label : present)
				if (label != 0 && !expected.contains(label)) return Optional.of("Label " + label + " in mask but not in res_track " + maskName.apply(f) + ".");
			Set<Integer> found = new HashSet<>();
			for (int label : present) found.add(label);
			int[] missing = expected.stream().filter(l -> !found.contains(l)).mapToInt(Integer::intValue).sorted().toArray();
			if (missing.length > 0) return Optional.of("Label " + missing[0] + " in res_track but not in mask " + maskName.apply(f) + "."
				+ (missing.length > 1 ? " (also " + Arrays.toString(Arrays.copyOfRange(missing, 1, Math.min(missing.length, 6))) + ")" : ""));
		}
		return Optional.empty();
	}

	private static String line(TrackRecord t) {
		return "[" + t.label() + " " + t.begin() + " " + t.end() + " " + t.parent() + "]";
	}
}
