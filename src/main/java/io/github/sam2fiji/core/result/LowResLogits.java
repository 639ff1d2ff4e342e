package io.github.sam2fiji.core.result;

/**
 * An object's mask logits at the model's low resolution ({@code side} x {@code side}, row-major,
 * over the whole frame as the model saw it), before they are resized to the frame: what SAM 2
 * stores as {@code pred_masks}. Finer than the binary mask for measures such as stability.
 */
public record LowResLogits(int side, float[] values) {

	public LowResLogits {
		if (side < 1 || values.length != side * side)
			throw new IllegalArgumentException("Low-resolution logits need side x side values, got " + values.length + " for side " + side);
	}
}
