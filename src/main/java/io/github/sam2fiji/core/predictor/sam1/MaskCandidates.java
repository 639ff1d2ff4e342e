package io.github.sam2fiji.core.predictor.sam1;

/**
 * The decoder's candidate masks for one prompt: low-res logits covering the padded model input
 * and the model's predicted IoU of each. Four candidates from a decoder that exposes them all
 * (index 0: SAM's single-mask token, 1-3: its multimask tokens), one from a stock single-mask decoder.
 *
 * @param logits per candidate, {@code size * size} logits, row-major
 * @param ious per candidate, the predicted IoU
 * @param size side of the low-res grid (256)
 */
record MaskCandidates(float[][] logits, float[] ious, int size) {

	MaskCandidates {
		if (logits.length != ious.length || logits.length == 0) throw new IllegalArgumentException("Need as many IoUs as masks, at least one");
		for (float[] l : logits)
			if (l.length != size * size) throw new IllegalArgumentException("Each candidate must have " + size * size + " logits");
	}

	int count() {
		return logits.length;
	}
}
