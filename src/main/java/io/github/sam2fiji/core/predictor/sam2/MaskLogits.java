package io.github.sam2fiji.core.predictor.sam2;

import java.util.List;

/**
 * Operations on SAM 2 mask logits (row-major float planes) that the official predictor performs
 * outside its neural network modules; each one names the official function it reproduces.
 */
final class MaskLogits {

	/** SAM 2's NO_OBJ_SCORE: the logit written into masks of objects judged absent. */
	static final float NO_OBJECT_SCORE = -1024f;

	private MaskLogits() {}

	/**
	 * fill_holes_in_mask_scores (sam2/utils/misc.py) as the official CUDA kernel does it: every
	 * 8-connected component of pixels with logit {@code <= 0} whose area is at most {@code maxArea}
	 * becomes 0.1 (foreground). A component touching the border is a hole like any other. The
	 * official code silently skips this on machines without its compiled extension (CPU); we
	 * always apply it, which is what the official predictor does on a GPU.
	 */
	static float[] fillHoles(float[] logits, int width, int height, int maxArea) {
		float[] out = logits.clone();
		if (maxArea <= 0) return out;
		int n = width * height;
		int[] component = new int[n];
		int[] stack = new int[n];
		int[] members = new int[n];
		for (int start = 0; start < n; start++) {
			if (component[start] != 0 || logits[start] > 0) continue;
			// flood fill one background component, collecting its pixels
			int size = 0, top = 0;
			stack[top++] = start;
			component[start] = 1;
			while (top > 0) {
				int p = stack[--top];
				members[size++] = p;
				int px = p % width, py = p / width;
				for (int dy = -1; dy <= 1; dy++) {
					int y = py + dy;
					if (y < 0 || y >= height) continue;
					for (int dx = -1; dx <= 1; dx++) {
						int x = px + dx;
						if (x < 0 || x >= width) continue;
						int q = y * width + x;
						if (component[q] == 0 && logits[q] <= 0) {
							component[q] = 1;
							stack[top++] = q;
						}
					}
				}
			}
			if (size <= maxArea) for (int i = 0; i < size; i++) out[members[i]] = 0.1f;
		}
		return out;
	}

	/**
	 * _apply_non_overlapping_constraints (sam2_base.py): at each pixel only the object with the
	 * highest logit keeps its value (ties go to the first object, as torch.argmax does); the
	 * others are clamped to at most -10. Returns new planes; a single object is returned as is.
	 */
	static List<float[]> nonOverlapping(List<float[]> planes) {
		if (planes.size() <= 1) return planes;
		int n = planes.get(0).length;
		float[][] out = new float[planes.size()][];
		for (int o = 0; o < out.length; o++) out[o] = planes.get(o).clone();
		for (int i = 0; i < n; i++) {
			int best = 0;
			float max = planes.get(0)[i];
			for (int o = 1; o < out.length; o++) {
				float v = planes.get(o)[i];
				if (v > max || (Float.isNaN(v) && !Float.isNaN(max))) {
					max = v;
					best = o;
				}
			}
			for (int o = 0; o < out.length; o++)
				if (o != best) out[o][i] = Math.min(out[o][i], -10f);
		}
		return List.of(out);
	}

	/**
	 * _get_stability_scores (mask_decoder.py): area above {@code +delta} over area above
	 * {@code -delta}; 1 when nothing is above {@code -delta}.
	 */
	static float stability(float[] logits, float delta) {
		int inner = 0, outer = 0;
		for (float v : logits) {
			if (v > delta) inner++;
			if (v > -delta) outer++;
		}
		return outer > 0 ? (float) inner / outer : 1f;
	}

	/** Rounds every value to bfloat16 precision (round to nearest, ties to even, as torch's .to(bfloat16)). */
	static void roundToBfloat16(float[] values) {
		for (int i = 0; i < values.length; i++) {
			int bits = Float.floatToRawIntBits(values[i]);
			if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x007fffff) != 0) {
				values[i] = Float.intBitsToFloat((bits | 0x00400000) & 0xffff0000); // quiet NaN
				continue;
			}
			int rounding = 0x7fff + ((bits >>> 16) & 1);
			values[i] = Float.intBitsToFloat((bits + rounding) & 0xffff0000);
		}
	}

	/** sigmoid(x) * scale + bias for each value (_encode_new_memory's soft mask for memory). */
	static float[] sigmoidScaled(float[] logits, float scale, float bias) {
		float[] out = new float[logits.length];
		for (int i = 0; i < out.length; i++) out[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i]))) * scale + bias;
		return out;
	}

	/** (x > 0 ? 1 : 0) * scale + bias for each value (the binarised mask for memory after clicks). */
	static float[] binarisedScaled(float[] logits, float scale, float bias) {
		float[] out = new float[logits.length];
		for (int i = 0; i < out.length; i++) out[i] = (logits[i] > 0 ? 1f : 0f) * scale + bias;
		return out;
	}

	/** Clamps each value to [-limit, limit] (re-fed logits are clamped to +-32 by the official predictor). */
	static float[] clamp(float[] values, float limit) {
		float[] out = new float[values.length];
		for (int i = 0; i < out.length; i++) out[i] = Math.max(-limit, Math.min(limit, values[i]));
		return out;
	}
}
