package io.github.sam2fiji.eval;

import java.util.Arrays;

/**
 * The objects of one reference frame and one result frame and which result object matches which
 * reference object. As the Cell Tracking Challenge defines it, a result object matches a reference
 * object when it covers more than half of the reference object's pixels; so each reference object
 * has at most one match, while one result object may match several reference objects (a merge).
 *
 * @param referenceLabels the labels in the reference frame, ascending, 0 excluded
 * @param resultLabels the labels in the result frame, ascending, 0 excluded
 * @param matchedReference for each match, the reference label
 * @param matchedResult for each match, the result label covering more than half of it
 * @param iou for each match, the Jaccard index of the two objects
 */
public record FrameMatch(int[] referenceLabels, int[] resultLabels, int[] matchedReference, int[] matchedResult, double[] iou) {

	/**
	 * Matches two label images of the same frame, pixel for pixel.
	 *
	 * @param reference reference labels (0 = background), one value per pixel
	 * @param result result labels, same length
	 */
	public static FrameMatch of(int[] reference, int[] result) {
		if (reference.length != result.length)
			throw new IllegalArgumentException("Reference and result frames differ in size: " + reference.length + " vs " + result.length + " pixels");
		int[] refLabels = labelsIn(reference);
		int[] resLabels = labelsIn(result);
		// Dense indices (0 = background) so the overlap counts fit a small matrix.
		int[] refIndex = denseIndex(reference, refLabels);
		int[] resIndex = denseIndex(result, resLabels);
		int rows = refLabels.length + 1, cols = resLabels.length + 1;
		long[] overlap = new long[rows * cols];
		for (int i = 0; i < reference.length; i++) overlap[refIndex[i] * cols + resIndex[i]]++;
		long[] refArea = new long[rows], resArea = new long[cols];
		for (int r = 0; r < rows; r++)
			for (int c = 0; c < cols; c++) {
				refArea[r] += overlap[r * cols + c];
				resArea[c] += overlap[r * cols + c];
			}
		int n = 0;
		int[] mRef = new int[refLabels.length], mRes = new int[refLabels.length];
		double[] iou = new double[refLabels.length];
		for (int r = 1; r < rows; r++) {
			for (int c = 1; c < cols; c++) {
				long common = overlap[r * cols + c];
				// "more than half": at most one result object can pass this per reference object
				if (2 * common > refArea[r]) {
					mRef[n] = refLabels[r - 1];
					mRes[n] = resLabels[c - 1];
					iou[n] = (double) common / (refArea[r] + resArea[c] - common);
					n++;
				}
			}
		}
		return new FrameMatch(refLabels, resLabels, Arrays.copyOf(mRef, n), Arrays.copyOf(mRes, n), Arrays.copyOf(iou, n));
	}

	/** The distinct non-zero values, ascending. */
	public static int[] labelsIn(int[] pixels) {
		return Arrays.stream(pixels).filter(v -> v != 0).distinct().sorted().toArray();
	}

	private static int[] denseIndex(int[] pixels, int[] labels) {
		int[] index = new int[pixels.length];
		for (int i = 0; i < pixels.length; i++) {
			int v = pixels[i];
			index[i] = v == 0 ? 0 : Arrays.binarySearch(labels, v) + 1;
		}
		return index;
	}

	/** The result label matched to reference label {@code label}, or 0 if none covers more than half of it. */
	public int resultFor(int referenceLabel) {
		for (int i = 0; i < matchedReference.length; i++)
			if (matchedReference[i] == referenceLabel) return matchedResult[i];
		return 0;
	}
}
