package io.github.sam2fiji.core.result;

import io.github.sam2fiji.core.image.BinaryMask;

/**
 * The model's answer for one object on one frame.
 *
 * @param objectId the object's ID
 * @param frame 0-based frame index
 * @param mask binary mask at frame size; empty when the object is absent
 * @param objectScore object-presence logit (SAM 2's object score; > 0 means present). Models
 *          without a presence head report a score derived from their own rule, documented there.
 * @param iou the model's predicted IoU of the chosen mask
 * @param present whether the object is judged present on this frame
 * @param lowResLogits the mask logits at the model's resolution the mask was made from, or null
 *          where the model has no output for the object on this frame or does not give them
 * @param lostToOthers pixels the model gave this object that went to another object claiming them
 *          too (overlaps resolved on this frame): an overlap fight, which the verification step
 *          flags; 0 where none were lost or nothing resolved overlaps
 * @param stability SAM's stability score of the mask the model gave (its area at logit &gt; +1 over
 *          its area at logit &gt; -1, on the model's low-resolution grid): low for a soft, uncertain
 *          boundary, which the verification step flags; NaN where the model gave no mask on this
 *          frame (absent, or a mask held from an earlier frame)
 */
public record ObjectResult(int objectId, int frame, BinaryMask mask, float objectScore, float iou, boolean present, LowResLogits lowResLogits, int lostToOthers,
	float stability) {

	public ObjectResult {
		if (lostToOthers < 0) throw new IllegalArgumentException("Pixels lost to other objects must be 0 or more, got " + lostToOthers);
		if (!Float.isNaN(stability) && !(stability >= 0 && stability <= 1)) throw new IllegalArgumentException("Stability must be in [0, 1] or NaN, got " + stability);
	}

	/** Without a stability score (NaN). */
	public ObjectResult(int objectId, int frame, BinaryMask mask, float objectScore, float iou, boolean present, LowResLogits lowResLogits, int lostToOthers) {
		this(objectId, frame, mask, objectScore, iou, present, lowResLogits, lostToOthers, Float.NaN);
	}

	public ObjectResult(int objectId, int frame, BinaryMask mask, float objectScore, float iou, boolean present, LowResLogits lowResLogits) {
		this(objectId, frame, mask, objectScore, iou, present, lowResLogits, 0);
	}

	public ObjectResult(int objectId, int frame, BinaryMask mask, float objectScore, float iou, boolean present) {
		this(objectId, frame, mask, objectScore, iou, present, null, 0);
	}
}
