package io.github.sam2fiji.core.predictor;

import java.util.List;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * Image mode, as SAM's automatic mask generator uses a model: single positive clicks on one frame,
 * each decoded on its own (no memory, no other object, no overlap rule), every mask the model offers
 * for it returned. The basis of automatic masklets ({@code core.auto}).
 */
public interface ClickCandidates {

	/**
	 * One candidate mask for a click.
	 *
	 * @param click the click it answers
	 * @param mask at frame size (logits &gt; 0)
	 * @param predictedIou the model's predicted IoU of this mask
	 * @param stability SAM's stability score: the mask's area at logit &gt; +1 over its area at logit
	 *          &gt; -1, counted on the model's low-resolution mask grid
	 * @param objectScore the model's object-presence logit (SAM 2); for models without one the
	 *          predicted IoU
	 */
	record Candidate(PointPrompt click, BinaryMask mask, float predictedIou, float stability, float objectScore) {}

	/**
	 * The candidates of each click on frame {@code frame} (0-based), in click order; the multimask
	 * outputs (SAM's three whole/part/subpart masks), not the single-mask one.
	 */
	List<Candidate> candidates(int frame, List<PointPrompt> clicks, CancellationToken cancel);
}
