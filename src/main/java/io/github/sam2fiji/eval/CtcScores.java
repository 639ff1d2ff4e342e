package io.github.sam2fiji.eval;

import java.util.List;
import java.util.Locale;

/**
 * The Cell Tracking Challenge measures of a result against ground truth (SEG, DET, TRA) plus
 * identity measures.
 *
 * @param seg mean Jaccard index over the annotated objects of the SEG ground truth, 0 for an object
 *            no result object covers more than half of
 * @param segmentedObjects the number of SEG ground-truth objects averaged over
 * @param graph the AOGM operations behind DET and TRA
 * @param identity persistence and ID switches per reference track
 */
public record CtcScores(double seg, long segmentedObjects, GraphErrors graph, IdentityMeasures identity) {

	/**
	 * Scores a sequence.
	 *
	 * @param referenceTracks the ground truth's {@code TRA/man_track.txt}
	 * @param resultTracks the result's {@code res_track.txt}, or {@link TrackFiles#fromLabels}
	 * @param tracking per frame of the sequence, the match of the TRA markers with the result
	 * @param segmentation per annotated SEG frame, the match of the SEG masks with the result's frame
	 */
	public static CtcScores of(List<TrackRecord> referenceTracks, List<TrackRecord> resultTracks, List<FrameMatch> tracking,
		List<FrameMatch> segmentation) {
		double iouSum = 0;
		long objects = 0;
		for (FrameMatch m : segmentation) {
			objects += m.referenceLabels().length;
			for (double iou : m.iou()) iouSum += iou;
		}
		double seg = objects == 0 ? 0 : iouSum / objects;
		return new CtcScores(seg, objects, TrackingGraphs.compare(referenceTracks, resultTracks, tracking), IdentityMeasures.of(tracking));
	}

	public double det() {
		return graph.det();
	}

	public double tra() {
		return graph.tra();
	}

	/** The one-line summary: {@code SEG=0.xxx DET=0.xxx TRA=0.xxx persistence=0.xxx switches=N}. */
	public String summary() {
		return String.format(Locale.ROOT, "SEG=%.3f DET=%.3f TRA=%.3f persistence=%.3f switches=%d", seg, det(), tra(),
			identity.persistence(), identity.switches());
	}

	/** The counts behind the measures, for a reader who wants to know why a score is what it is. */
	public String details() {
		GraphErrors g = graph;
		return String.format(Locale.ROOT,
			"SEG objects=%d; TRA vertices=%d edges=%d; NS=%d FN=%d FP=%d ED=%d EA=%d EC=%d; AOGM-D=%.1f AOGM=%.1f; reference tracks=%d",
			segmentedObjects, g.referenceVertices(), g.referenceEdges(), g.splits(), g.falseNegatives(), g.falsePositives(),
			g.redundantEdges(), g.missingEdges(), g.wrongSemantics(), g.aogmD(), g.aogm(), identity.tracks());
	}
}
