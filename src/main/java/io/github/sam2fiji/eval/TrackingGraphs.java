package io.github.sam2fiji.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a result tracking graph with the reference graph: counts the AOGM operations of
 * {@link GraphErrors}. Vertices are (frame, label) pairs; edges join an object to itself in the next
 * frame (semantic "track") or a track's last vertex to each child track's first vertex (semantic
 * "parent"). Result vertices that match exactly one reference marker are mapped onto it; result
 * edges are compared on the subgraph of those vertices, as the challenge's evaluation does.
 */
public final class TrackingGraphs {

	private TrackingGraphs() {}

	/**
	 * @param referenceTracks the reference track file
	 * @param resultTracks the result track file (or tracks derived from its labels)
	 * @param frames per frame, the match of the reference markers (TRA) with the result objects
	 */
	public static GraphErrors compare(List<TrackRecord> referenceTracks, List<TrackRecord> resultTracks, List<FrameMatch> frames) {
		long splits = 0, falseNegatives = 0, falsePositives = 0, vertices = 0;
		// result vertex matching exactly one reference marker -> that marker
		Map<Long, Long> resultToReference = new HashMap<>();
		for (int t = 0; t < frames.size(); t++) {
			FrameMatch m = frames.get(t);
			vertices += m.referenceLabels().length;
			falseNegatives += m.referenceLabels().length - m.matchedReference().length;
			Map<Integer, Integer> matchesPerResult = new HashMap<>();
			for (int r : m.matchedResult()) matchesPerResult.merge(r, 1, Integer::sum);
			for (int label : m.resultLabels()) {
				int k = matchesPerResult.getOrDefault(label, 0);
				if (k == 0) falsePositives++;
				else splits += k - 1;
			}
			for (int i = 0; i < m.matchedResult().length; i++)
				if (matchesPerResult.get(m.matchedResult()[i]) == 1)
					resultToReference.put(vertex(t, m.matchedResult()[i]), vertex(t, m.matchedReference()[i]));
		}
		Map<Edge, Boolean> referenceEdges = edges(referenceTracks, frames, true);
		Map<Edge, Boolean> resultEdges = edges(resultTracks, frames, false);
		long redundant = 0, wrongSemantics = 0;
		Set<Edge> found = new HashSet<>();
		for (Map.Entry<Edge, Boolean> e : resultEdges.entrySet()) {
			Long from = resultToReference.get(e.getKey().from());
			Long to = resultToReference.get(e.getKey().to());
			if (from == null || to == null) continue; // outside the uniquely matched subgraph: costed as vertices
			Edge mapped = new Edge(from, to);
			Boolean referenceIsParentLink = referenceEdges.get(mapped);
			if (referenceIsParentLink == null) redundant++;
			else {
				found.add(mapped);
				if (!referenceIsParentLink.equals(e.getValue())) wrongSemantics++;
			}
		}
		long missing = referenceEdges.size() - found.size();
		return new GraphErrors(splits, falseNegatives, falsePositives, redundant, missing, wrongSemantics, vertices, referenceEdges.size());
	}

	/** Edges of one graph, each with true for a parent (division) link and false for a track link. */
	private static Map<Edge, Boolean> edges(List<TrackRecord> tracks, List<FrameMatch> frames, boolean reference) {
		Map<Edge, Boolean> edges = new HashMap<>();
		for (int t = 0; t + 1 < frames.size(); t++) {
			int[] now = labels(frames.get(t), reference);
			int[] next = labels(frames.get(t + 1), reference);
			for (int label : now)
				if (Arrays.binarySearch(next, label) >= 0) edges.put(new Edge(vertex(t, label), vertex(t + 1, label)), false);
		}
		Map<Integer, TrackRecord> byLabel = new HashMap<>();
		for (TrackRecord track : tracks) byLabel.put(track.label(), track);
		for (TrackRecord child : tracks) {
			if (child.parent() == 0) continue;
			TrackRecord parent = byLabel.get(child.parent());
			// A link whose ends are not in the images cannot be compared; the challenge's validator rejects such files.
			if (parent == null || !present(frames, parent.end(), parent.label(), reference)
				|| !present(frames, child.begin(), child.label(), reference)) continue;
			edges.put(new Edge(vertex(parent.end(), parent.label()), vertex(child.begin(), child.label())), true);
		}
		return edges;
	}

	private static boolean present(List<FrameMatch> frames, int t, int label, boolean reference) {
		return t < frames.size() && Arrays.binarySearch(labels(frames.get(t), reference), label) >= 0;
	}

	private static int[] labels(FrameMatch m, boolean reference) {
		return reference ? m.referenceLabels() : m.resultLabels();
	}

	private static long vertex(int frame, int label) {
		return ((long) frame << 32) | (label & 0xffffffffL);
	}

	private record Edge(long from, long to) {}
}
