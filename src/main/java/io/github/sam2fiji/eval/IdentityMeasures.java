package io.github.sam2fiji.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well result IDs stay with reference tracks, beyond the challenge's measures.
 * <ul>
 * <li>Persistence of one reference track: the fraction of its frames (frames with its marker) in
 * which it is matched by its majority result ID, the result label that matches it most often.
 * Reported as the mean over reference tracks, each track weighing the same.</li>
 * <li>ID switches: over all reference tracks, how often the matching result ID differs from the one
 * that matched the track the last time it was matched (frames where it is unmatched are skipped, so a
 * lost-then-found object with its old ID is no switch). A division starts new reference tracks, so a
 * daughter taking a new ID is no switch.</li>
 * </ul>
 *
 * @param persistence mean persistence over reference tracks (0 when there are none)
 * @param switches total ID switches
 * @param tracks number of reference tracks
 */
public record IdentityMeasures(double persistence, long switches, int tracks) {

	/** @param frames per frame, the match of reference markers (TRA) with result objects */
	public static IdentityMeasures of(List<FrameMatch> frames) {
		// reference label -> matched result label per frame where the marker exists (0: unmatched)
		Map<Integer, List<Integer>> history = new TreeMap<>();
		for (FrameMatch m : frames)
			for (int label : m.referenceLabels())
				history.computeIfAbsent(label, k -> new ArrayList<>()).add(m.resultFor(label));
		double persistenceSum = 0;
		long switches = 0;
		for (List<Integer> ids : history.values()) {
			Map<Integer, Integer> counts = new HashMap<>();
			int last = 0;
			for (int id : ids) {
				if (id == 0) continue;
				counts.merge(id, 1, Integer::sum);
				if (last != 0 && id != last) switches++;
				last = id;
			}
			int majority = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
			persistenceSum += (double) majority / ids.size();
		}
		return new IdentityMeasures(history.isEmpty() ? 0 : persistenceSum / history.size(), switches, history.size());
	}
}
