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

	/**
	 * Exactly the candidates of {@link #candidates(int, List, CancellationToken)} whose predicted IoU
	 * is at least {@code minPredictedIou} and stability at least {@code minStability}. Both are known
	 * from the model's low-resolution answer, so implementations judge them before making the mask at
	 * frame size (most of a search's candidates fail them).
	 */
	default List<Candidate> candidates(int frame, List<PointPrompt> clicks, double minPredictedIou, double minStability, CancellationToken cancel) {
		return candidates(frame, clicks, cancel).stream().filter(c -> passes(c.predictedIou(), c.stability(), minPredictedIou, minStability)).toList();
	}

	/** The bars of {@link #candidates(int, List, double, double, CancellationToken)}, in one place for every implementation. */
	static boolean passes(float predictedIou, float stability, double minPredictedIou, double minStability) {
		return predictedIou >= minPredictedIou && stability >= minStability;
	}
}
