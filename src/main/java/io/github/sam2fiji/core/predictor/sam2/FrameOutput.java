package io.github.sam2fiji.core.predictor.sam2;

import java.nio.FloatBuffer;

/**
 * What the frame step computed for one object on one frame (the official predictor's "compact
 * output"): its memory (bfloat16 bits, null when not encoded), its hole-filled low-resolution mask
 * logits, its object pointer, object score and predicted IoU. A session stores it as a
 * {@link StoredOutput}.
 */
record FrameOutput(short[] memoryBf16, float[] lowResLogits, float[] pointer, float objectScore, float iou) {

	/** Rounds float32 values to bfloat16 (nearest, ties to even) and keeps their upper 16 bits. */
	static short[] toBf16(float[] values) {
		short[] out = new short[values.length];
		float[] rounded = values.clone();
		MaskLogits.roundToBfloat16(rounded);
		for (int i = 0; i < out.length; i++) out[i] = (short) (Float.floatToRawIntBits(rounded[i]) >>> 16);
		return out;
	}

	/** bfloat16 bits back to float32 (exact), put into {@code out} at its position. */
	static void putBf16(short[] bits, FloatBuffer out) {
		for (short b : bits) out.put(Float.intBitsToFloat((b & 0xffff) << 16));
	}
}
