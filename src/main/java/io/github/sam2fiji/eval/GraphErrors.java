package io.github.sam2fiji.eval;

/**
 * The operations that turn a result tracking graph into the reference graph (AOGM, Matula et al.
 * 2015, as the Cell Tracking Challenge counts them), with the reference graph's size.
 *
 * @param splits NS: vertex splits needed (a result object covering k reference markers needs k-1)
 * @param falseNegatives FN: reference markers no result object matches
 * @param falsePositives FP: result objects that match no reference marker
 * @param redundantEdges ED: result links absent from the reference
 * @param missingEdges EA: reference links absent from the result
 * @param wrongSemantics EC: links present in both, one a division (parent) link and the other not
 * @param referenceVertices markers in the reference over all frames
 * @param referenceEdges links in the reference (track continuations and parent links)
 */
public record GraphErrors(long splits, long falseNegatives, long falsePositives, long redundantEdges, long missingEdges,
	long wrongSemantics, long referenceVertices, long referenceEdges) {

	// The challenge's weights.
	static final double W_NS = 5, W_FN = 10, W_FP = 1, W_ED = 1, W_EA = 1.5, W_EC = 1;

	/** AOGM-D: the weighted cost of the detection errors. */
	public double aogmD() {
		return W_NS * splits + W_FN * falseNegatives + W_FP * falsePositives;
	}

	/** AOGM: the weighted cost of all graph errors. */
	public double aogm() {
		return aogmD() + W_ED * redundantEdges + W_EA * missingEdges + W_EC * wrongSemantics;
	}

	/** DET = 1 - min(AOGM-D, AOGM-D0) / AOGM-D0, AOGM-D0 being the cost of an empty result. */
	public double det() {
		double empty = W_FN * referenceVertices;
		return empty == 0 ? 0 : 1 - Math.min(aogmD(), empty) / empty;
	}

	/** TRA = 1 - min(AOGM, AOGM0) / AOGM0, AOGM0 being the cost of building the reference from nothing. */
	public double tra() {
		double empty = W_FN * referenceVertices + W_EA * referenceEdges;
		return empty == 0 ? 0 : 1 - Math.min(aogm(), empty) / empty;
	}
}
