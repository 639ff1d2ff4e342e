package io.github.sam2fiji.core.predictor;

/**
 * What a new prompt does to an object's earlier prompt on the same frame (SAM 2's
 * {@code clear_old_points}).
 */
public enum PromptMode {
	/** The new clicks are added after the frame's earlier clicks of the object ({@code clear_old_points=False}). A box cannot be appended: SAM 2 wants the box first. */
	APPEND,
	/** The new prompt replaces the object's earlier clicks, box or mask on that frame ({@code clear_old_points=True}). */
	REPLACE
}
