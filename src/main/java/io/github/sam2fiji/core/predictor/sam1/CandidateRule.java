package io.github.sam2fiji.core.predictor.sam1;

/**
 * Chooses one of the decoder's candidate masks, or none. The rule (documented in
 * docs/model-format.md):
 * <ol>
 * <li>Drop empty candidates and candidates covering more than {@code maxAreaFraction} of the frame:
 * on microscopy images SAM 1 models very often rate the whole-image mask best (predicted IoU
 * about 1), and one such mask would paint over every other object.</li>
 * <li>When the prompt was carried from the previous frame (not given by the user), also drop
 * candidates whose predicted IoU is under {@code minCarriedIou} or whose stability score (SAM's:
 * area of logits &gt; +1 over area of logits &gt; -1) is under {@code minStability} (the filters of
 * SAM's automatic mask generator): when the object has gone, the model still answers, but with a
 * blurry, low-confidence patch of background. A carried candidate that stays in place (IoU of at
 * least {@link #IN_PLACE_OVERLAP} with the previous mask on the low-res grid) while the object is
 * not leaving the frame passes with the lower limits {@code minInPlaceIou} and
 * {@code minInPlaceStability}: faint or textured cells often score under the strict limits, and an
 * object that stays in place cannot have left. Objects that may be leaving (at the border and
 * shrinking; the caller decides) keep the strict limits.</li>
 * <li>For a carried prompt given the frame's embedding ({@link Previous#view()}), also drop
 * candidates whose look to the model ({@link Appearance}: mean embedding under the mask) has a cosine
 * similarity under {@code minLookSimilarity} with the object's last accepted look (the model copied
 * the mask input onto background the object left), and, when {@code maxSurroundSimilarity} is under
 * 1, candidates more similar than that to the ring of background around them.</li>
 * <li>A candidate that covers another object's anchor on this frame (its clicks, or the interior
 * point of its carried mask) is dropped for a carried prompt (a carried object must not swallow its
 * neighbour) and only a last resort for a user's prompt: a click on one of two touching cells often
 * makes the best-rated mask the pair, but a user who clicks a cell expects a mask there, and overlap
 * resolution then splits the pair.</li>
 * <li>Among the remaining candidates of SAM's preferred tokens (1-3 for an ambiguous prompt, a
 * single click; 0 for a box, several clicks or a mask input, as SAM's own multimask rule), take the
 * one with the highest predicted IoU; if none of those remains, the highest of the other tokens
 * (both before any last-resort candidate of step 4).</li>
 * <li>No candidate left: no object (never a whole-frame mask).</li>
 * </ol>
 * A single-mask decoder gives one candidate, which passes or fails steps 1 to 3.
 *
 * @param maxAreaFraction largest share of the frame a mask may cover, in (0, 1]
 * @param minCarriedIou smallest predicted IoU of a carried mask
 * @param minStability smallest stability score of a carried mask, in [0, 1]
 * @param minInPlaceIou smallest predicted IoU of a carried mask that stays in place inside the frame
 * @param minInPlaceStability smallest stability of a carried mask that stays in place inside the frame
 * @param maxSurroundSimilarity largest similarity of a carried mask's look with its surroundings' (1: no check)
 * @param minLookSimilarity smallest similarity of a carried mask's look with the object's last look (0: no check)
 */
record CandidateRule(double maxAreaFraction, double minCarriedIou, double minStability, double minInPlaceIou, double minInPlaceStability, double maxSurroundSimilarity, double minLookSimilarity) {

	/** Low-res IoU with the previous mask from which a carried candidate counts as staying in place. */
	static final double IN_PLACE_OVERLAP = 0.5;

	/**
	 * What a carried prompt came from.
	 *
	 * @param lowRes the previous frame's low-res logits of the object
	 * @param leaving whether the object may be leaving the frame (then only the strict limits apply)
	 * @param view the frame's image embedding, or null (no appearance checks)
	 * @param look the object's last accepted look (mean embedding under its mask), or null
	 */
	record Previous(float[] lowRes, boolean leaving, Appearance.View view, float[] look) {

		/** Without the frame's embedding: no appearance check. */
		Previous(float[] lowRes, boolean leaving) {
			this(lowRes, leaving, null, null);
		}
	}

	CandidateRule {
		if (!(maxAreaFraction > 0 && maxAreaFraction <= 1)) throw new IllegalArgumentException("Area limit must be in (0, 1], got " + maxAreaFraction);
		if (!(minStability >= 0 && minStability <= 1)) throw new IllegalArgumentException("Stability limit must be in [0, 1], got " + minStability);
		if (!(maxSurroundSimilarity > 0 && maxSurroundSimilarity <= 1)) throw new IllegalArgumentException("Surround similarity limit must be in (0, 1], got " + maxSurroundSimilarity);
		if (!(minLookSimilarity >= 0 && minLookSimilarity <= 1)) throw new IllegalArgumentException("Look similarity limit must be in [0, 1], got " + minLookSimilarity);
	}

	/**
	 * @param previous for a prompt carried from the previous frame, what it came from; null for a user's prompt
	 * @param othersAnchors low-res cell indices (y * size + x) of the other objects' anchors
	 * @return the chosen candidate's index, or -1 for none
	 */
	int choose(MaskCandidates candidates, boolean ambiguousPrompt, Previous previous, int[] othersAnchors, FrameGeometry geometry) {
		// Ranks: 0 preferred token, 1 other token, 2-3 the same covering another object's anchor
		// (only for a user's prompt: a click must give a mask; overlap resolution then splits the pair).
		int best = -1, bestRank = Integer.MAX_VALUE;
		for (int k = 0; k < candidates.count(); k++) {
			float[] logits = candidates.logits()[k];
			double area = LowResMasks.areaFraction(logits, candidates.size(), geometry);
			if (area <= 0 || area > maxAreaFraction) continue;
			if (previous != null && !confident(candidates.ious()[k], logits, previous, candidates.size(), geometry)) continue;
			if (previous != null && !looksLikeTheObject(logits, previous)) continue;
			boolean covers = coversAny(logits, othersAnchors);
			if (covers && previous != null) continue;
			boolean preferred = candidates.count() == 1 || (ambiguousPrompt ? k > 0 : k == 0);
			int rank = (covers ? 2 : 0) + (preferred ? 0 : 1);
			if (rank < bestRank || (rank == bestRank && candidates.ious()[k] > candidates.ious()[best])) {
				best = k;
				bestRank = rank;
			}
		}
		return best;
	}

	private static boolean coversAny(float[] logits, int[] cells) {
		for (int c : cells)
			if (logits[c] > 0) return true;
		return false;
	}

	/** Whether a carried candidate looks, to the model, like the object on its last frame and (if checked) unlike its surroundings. */
	private boolean looksLikeTheObject(float[] logits, Previous previous) {
		if (previous.view() == null) return true;
		if (maxSurroundSimilarity < 1 && previous.view().surroundSimilarity(logits) > maxSurroundSimilarity) return false;
		if (minLookSimilarity <= 0 || previous.look() == null) return true;
		float[] look = previous.view().look(logits);
		return look == null || Appearance.cosine(look, previous.look()) >= minLookSimilarity;
	}

	private boolean confident(float iou, float[] logits, Previous previous, int size, FrameGeometry geometry) {
		double stability = LowResMasks.stability(logits, size, geometry);
		if (iou >= minCarriedIou && stability >= minStability) return true;
		return !previous.leaving() && iou >= minInPlaceIou && stability >= minInPlaceStability
				&& LowResMasks.overlap(logits, previous.lowRes(), size) >= IN_PLACE_OVERLAP;
	}
}
