package io.github.sam2fiji.core.image;

/**
 * Resizing of single float planes (row-major, {@code width * height} values) exactly as the
 * libraries behind SAM 2's Python code do it, so that Java inputs match the official ones:
 * <ul>
 * <li>{@link #pilBicubic} and {@link #pilBicubic8Bit}: Pillow's {@code Image.resize} with its
 * default BICUBIC filter (Keys cubic, a = -0.5, support scaled by the reduction factor: it
 * antialiases when shrinking). SAM 2's video frame loader ({@code sam2/utils/misc.py},
 * {@code _load_img_as_tensor}) does {@code Image.open(p).convert("RGB").resize((S, S))}, i.e. it
 * resizes each frame as an 8-bit RGB image, then divides by 255 and applies the ImageNet mean/std.
 * Pillow resizes 8-bit images in fixed point (22 fraction bits) with a rounded, clipped 8-bit
 * intermediate after the horizontal pass; {@link #pilBicubic8Bit} reproduces that bit for bit.
 * {@link #pilBicubic} is Pillow's 32-bit float ("F" mode) path, used for frames with more than 8
 * bits where quantising to 8 bits would throw information away.</li>
 * <li>{@link #bilinearAntialiased}: torch {@code F.interpolate(mode="bilinear",
 * align_corners=False, antialias=True)}, used by SAM 2 for mask prompts and mask outputs fed back.</li>
 * <li>{@link #bilinear}: the same without antialias, used to bring low-resolution mask logits to
 * the video's size.</li>
 * </ul>
 * All methods leave their input untouched and return a new array.
 */
public final class Resampling {

	/** Fraction bits of Pillow's fixed-point weights for 8-bit images (32 - 8 - 2). */
	private static final int PRECISION_BITS = 22;

	private Resampling() {}

	/** A 1-D separable filter: for each output index, the first input index and its weights. */
	private record Kernel(int[] first, int[] count, double[] weights, int stride) {}

	/** Pillow's bicubic filter (a = -0.5), support 2. */
	private static double bicubic(double x) {
		final double a = -0.5;
		if (x < 0) x = -x;
		if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
		if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
		return 0;
	}

	/** Pillow's precompute_coeffs for the full-image box (0, inSize). */
	private static Kernel pilKernel(int inSize, int outSize) {
		double scale = (double) inSize / outSize;
		double filterScale = Math.max(scale, 1.0);
		double support = 2.0 * filterScale;
		int stride = (int) Math.ceil(support) * 2 + 1;
		int[] first = new int[outSize];
		int[] count = new int[outSize];
		double[] weights = new double[outSize * stride];
		for (int o = 0; o < outSize; o++) {
			double center = (o + 0.5) * scale;
			double inverse = 1.0 / filterScale;
			int min = Math.max((int) (center - support + 0.5), 0);
			int max = Math.min((int) (center + support + 0.5), inSize) - min;
			double total = 0;
			for (int i = 0; i < max; i++) {
				double w = bicubic((i + min - center + 0.5) * inverse);
				weights[o * stride + i] = w;
				total += w;
			}
			if (total != 0) for (int i = 0; i < max; i++) weights[o * stride + i] /= total;
			first[o] = min;
			count[o] = max;
		}
		return new Kernel(first, count, weights, stride);
	}

	/**
	 * Pillow's BICUBIC resize of a float ("F" mode) image: weights and sums in double precision,
	 * horizontal pass then vertical pass, no clipping.
	 */
	public static float[] pilBicubic(float[] plane, int width, int height, int outWidth, int outHeight) {
		checkSizes(plane, width, height, outWidth, outHeight);
		float[] current = plane;
		int w = width;
		if (outWidth != width) {
			Kernel k = pilKernel(width, outWidth);
			float[] out = new float[outWidth * height];
			for (int y = 0; y < height; y++)
				for (int o = 0; o < outWidth; o++) {
					double sum = 0;
					int base = y * width + k.first[o];
					for (int i = 0; i < k.count[o]; i++) sum += current[base + i] * k.weights[o * k.stride + i];
					out[y * outWidth + o] = (float) sum;
				}
			current = out;
			w = outWidth;
		}
		if (outHeight != height) {
			Kernel k = pilKernel(height, outHeight);
			float[] out = new float[w * outHeight];
			for (int o = 0; o < outHeight; o++)
				for (int x = 0; x < w; x++) {
					double sum = 0;
					for (int i = 0; i < k.count[o]; i++) sum += current[(k.first[o] + i) * w + x] * k.weights[o * k.stride + i];
					out[o * w + x] = (float) sum;
				}
			current = out;
		}
		return current == plane ? plane.clone() : current;
	}

	/**
	 * Pillow's BICUBIC resize of an 8-bit image ("L", or each band of "RGB"): {@code plane} holds
	 * values 0..255 (non-integers are rounded, out-of-range values clipped); the result holds the
	 * integer values 0..255 Pillow produces, including its fixed-point rounding and the 8-bit
	 * intermediate between the horizontal and the vertical pass.
	 */
	public static float[] pilBicubic8Bit(float[] plane, int width, int height, int outWidth, int outHeight) {
		checkSizes(plane, width, height, outWidth, outHeight);
		int[] current = new int[plane.length];
		for (int i = 0; i < plane.length; i++) current[i] = (int) Math.max(0, Math.min(255, Math.round(plane[i])));
		int w = width;
		final int half = 1 << (PRECISION_BITS - 1);
		if (outWidth != width) {
			Kernel k = pilKernel(width, outWidth);
			int[] fixed = toFixedPoint(k.weights);
			int[] out = new int[outWidth * height];
			for (int y = 0; y < height; y++)
				for (int o = 0; o < outWidth; o++) {
					int sum = half;
					int base = y * width + k.first[o];
					for (int i = 0; i < k.count[o]; i++) sum += current[base + i] * fixed[o * k.stride + i];
					out[y * outWidth + o] = clip8(sum);
				}
			current = out;
			w = outWidth;
		}
		if (outHeight != height) {
			Kernel k = pilKernel(height, outHeight);
			int[] fixed = toFixedPoint(k.weights);
			int[] out = new int[w * outHeight];
			for (int o = 0; o < outHeight; o++)
				for (int x = 0; x < w; x++) {
					int sum = half;
					for (int i = 0; i < k.count[o]; i++) sum += current[(k.first[o] + i) * w + x] * fixed[o * k.stride + i];
					out[o * w + x] = clip8(sum);
				}
			current = out;
		}
		float[] result = new float[current.length];
		for (int i = 0; i < current.length; i++) result[i] = current[i];
		return result;
	}

	/** Pillow's normalize_coeffs_8bpc: round half away from zero to 22 fraction bits. */
	private static int[] toFixedPoint(double[] weights) {
		int[] fixed = new int[weights.length];
		for (int i = 0; i < weights.length; i++) {
			double scaled = weights[i] * (1 << PRECISION_BITS);
			fixed[i] = (int) (weights[i] < 0 ? scaled - 0.5 : scaled + 0.5);
		}
		return fixed;
	}

	private static int clip8(int value) {
		if (value >= (1 << PRECISION_BITS << 8)) return 255;
		if (value <= 0) return 0;
		return value >> PRECISION_BITS;
	}

	/**
	 * torch {@code F.interpolate(x, size, mode="bilinear", align_corners=False, antialias=True)}
	 * on a float32 plane: triangle filter whose support grows with the reduction factor, weights
	 * in float32, width pass then height pass.
	 */
	public static float[] bilinearAntialiased(float[] plane, int width, int height, int outWidth, int outHeight) {
		checkSizes(plane, width, height, outWidth, outHeight);
		float[] current = plane;
		int w = width;
		if (outWidth != width) {
			AaKernel k = torchAaKernel(width, outWidth);
			float[] out = new float[outWidth * height];
			for (int y = 0; y < height; y++)
				for (int o = 0; o < outWidth; o++) {
					int base = y * width + k.first[o];
					float sum = current[base] * k.weights[o * k.stride];
					for (int i = 1; i < k.count[o]; i++) sum += current[base + i] * k.weights[o * k.stride + i];
					out[y * outWidth + o] = sum;
				}
			current = out;
			w = outWidth;
		}
		if (outHeight != height) {
			AaKernel k = torchAaKernel(height, outHeight);
			float[] out = new float[w * outHeight];
			for (int o = 0; o < outHeight; o++)
				for (int x = 0; x < w; x++) {
					float sum = current[k.first[o] * w + x] * k.weights[o * k.stride];
					for (int i = 1; i < k.count[o]; i++) sum += current[(k.first[o] + i) * w + x] * k.weights[o * k.stride + i];
					out[o * w + x] = sum;
				}
			current = out;
		}
		return current == plane ? plane.clone() : current;
	}

	private record AaKernel(int[] first, int[] count, float[] weights, int stride) {}

	/** torch's _compute_weights_aa for the bilinear (triangle, interp_size 2) filter, in float32. */
	private static AaKernel torchAaKernel(int inSize, int outSize) {
		float scale = (float) inSize / outSize;
		float support = scale >= 1f ? 1f * scale : 1f;
		int stride = (int) Math.ceil(support) * 2 + 1;
		int[] first = new int[outSize];
		int[] count = new int[outSize];
		float[] weights = new float[outSize * stride];
		float inverse = scale >= 1f ? 1f / scale : 1f;
		for (int o = 0; o < outSize; o++) {
			float center = scale * (o + 0.5f);
			int min = Math.max((int) (center - support + 0.5f), 0);
			int n = Math.min((int) (center + support + 0.5f), inSize) - min;
			float total = 0;
			for (int i = 0; i < n; i++) {
				float x = Math.abs((i + min - center + 0.5f) * inverse);
				float wgt = x < 1f ? 1f - x : 0f;
				weights[o * stride + i] = wgt;
				total += wgt;
			}
			if (total != 0) for (int i = 0; i < n; i++) weights[o * stride + i] /= total;
			first[o] = min;
			count[o] = n;
		}
		return new AaKernel(first, count, weights, stride);
	}

	/**
	 * torch {@code F.interpolate(x, size, mode="bilinear", align_corners=False)} (no antialias):
	 * each output samples the two nearest inputs per axis at {@code (o + 0.5) * in / out - 0.5},
	 * clamped at 0 and at the last index.
	 */
	public static float[] bilinear(float[] plane, int width, int height, int outWidth, int outHeight) {
		checkSizes(plane, width, height, outWidth, outHeight);
		int[] x0 = new int[outWidth], x1 = new int[outWidth];
		float[] wx = new float[outWidth];
		linearTaps(width, outWidth, x0, x1, wx);
		int[] y0 = new int[outHeight], y1 = new int[outHeight];
		float[] wy = new float[outHeight];
		linearTaps(height, outHeight, y0, y1, wy);
		float[] out = new float[outWidth * outHeight];
		for (int oy = 0; oy < outHeight; oy++) {
			float b = wy[oy], a = 1f - b;
			int r0 = y0[oy] * width, r1 = y1[oy] * width;
			for (int ox = 0; ox < outWidth; ox++) {
				float d = wx[ox], c = 1f - d;
				out[oy * outWidth + ox] = a * (c * plane[r0 + x0[ox]] + d * plane[r0 + x1[ox]])
					+ b * (c * plane[r1 + x0[ox]] + d * plane[r1 + x1[ox]]);
			}
		}
		return out;
	}

	private static void linearTaps(int inSize, int outSize, int[] i0, int[] i1, float[] frac) {
		float scale = (float) inSize / outSize;
		for (int o = 0; o < outSize; o++) {
			float src = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
			int lo = (int) src;
			i0[o] = lo;
			i1[o] = lo < inSize - 1 ? lo + 1 : lo;
			frac[o] = src - lo;
		}
	}

	private static void checkSizes(float[] plane, int width, int height, int outWidth, int outHeight) {
		if (width < 1 || height < 1 || outWidth < 1 || outHeight < 1)
			throw new IllegalArgumentException("Sizes must be positive, got " + width + " x " + height + " -> " + outWidth + " x " + outHeight);
		if (plane.length != (long) width * height)
			throw new IllegalArgumentException("Plane has " + plane.length + " values, expected " + width + " x " + height);
	}
}
