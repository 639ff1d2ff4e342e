package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * What a mask looks like to the model: the mean of the image encoder's embedding vectors under
 * the mask (weighted by the share of each embedding cell the mask covers), and the same for a ring
 * of background around it. SAM 1 decoders given the previous mask as mask input often copy it onto
 * empty background when the object has moved away; the copy's embedding is that of the background
 * around it, not that of the object.
 */
final class Appearance {

	/** Channels of the SAM 1 image embedding. */
	static final int CHANNELS = 256;

	/** Width of the background ring around a mask, in embedding cells. */
	static final int RING = 2;

	private Appearance() {}

	/**
	 * A frame's image embedding as a grid of {@link #CHANNELS}-vectors, with the frame's geometry.
	 *
	 * @param embedding [256, grid, grid] flattened
	 * @param grid side of the embedding grid
	 * @param lowResSize side of the decoder's low-res logits (a multiple of grid)
	 */
	record View(float[] embedding, int grid, int lowResSize, FrameGeometry geometry) {

		/** The view of an embedding, or null when it is not laid out as a SAM 1 embedding [256, g, g]. */
		static View of(float[] embedding, int lowResSize, FrameGeometry geometry) {
			int g = Appearance.grid(embedding, lowResSize);
			return g < 0 ? null : new View(embedding, g, lowResSize, geometry);
		}

		/**
		 * Cosine similarity of the mean embedding under a mask (low-res logits &gt; 0) and the mean
		 * embedding of the background ring around it; NaN when the mask or its ring covers no cell.
		 * Near 1: to the model the mask looks like its surroundings (no object there).
		 */
		double surroundSimilarity(float[] lowRes) {
			float[] c = coverage(lowRes, lowResSize, grid);
			float[] in = mean(embedding, c, grid), around = mean(embedding, ring(c, grid, geometry), grid);
			return in == null || around == null ? Double.NaN : cosine(in, around);
		}

		/** Mean embedding under a mask (low-res logits &gt; 0); null when it covers no cell. */
		float[] look(float[] lowRes) {
			return mean(embedding, coverage(lowRes, lowResSize, grid), grid);
		}

		/**
		 * The frame point at the centre of the embedding cell most similar (cosine) to {@code look}
		 * among the cells whose centres lie in the frame rectangle [x0, x1) x [y0, y1); null when none does.
		 */
		PointPrompt mostSimilar(float[] look, double x0, double y0, double x1, double y1) {
			double cellSide = geometry.longestSide() / (double) grid / geometry.scale(); // frame pixels per embedding cell
			int plane = grid * grid, best = -1;
			double bestSim = Double.NEGATIVE_INFINITY;
			float[] v = new float[CHANNELS];
			for (int gy = 0; gy < grid; gy++)
				for (int gx = 0; gx < grid; gx++) {
					double cx = (gx + 0.5) * cellSide, cy = (gy + 0.5) * cellSide;
					if (cx < x0 || cx >= x1 || cy < y0 || cy >= y1 || cx >= geometry.width() || cy >= geometry.height()) continue;
					int i = gy * grid + gx;
					for (int ch = 0; ch < CHANNELS; ch++) v[ch] = embedding[ch * plane + i];
					double sim = cosine(v, look);
					if (sim > bestSim) {
						bestSim = sim;
						best = i;
					}
				}
			return best < 0 ? null : new PointPrompt((best % grid + 0.5) * cellSide, (best / grid + 0.5) * cellSide, true);
		}
	}

	/** Side of the embedding grid, or -1 when the embedding is not [256, g, g] with g dividing the low-res size. */
	static int grid(float[] embedding, int lowResSize) {
		int cells = embedding.length / CHANNELS;
		int g = (int) Math.round(Math.sqrt(cells));
		return cells * CHANNELS == embedding.length && g * g == cells && g > 0 && lowResSize % g == 0 ? g : -1;
	}

	/** Share of each embedding cell (g x g) covered by the positive low-res logits. */
	static float[] coverage(float[] lowRes, int lowResSize, int g) {
		int k = lowResSize / g;
		float[] c = new float[g * g];
		for (int y = 0; y < lowResSize; y++)
			for (int x = 0; x < lowResSize; x++)
				if (lowRes[y * lowResSize + x] > 0) c[(y / k) * g + x / k]++;
		for (int i = 0; i < c.length; i++) c[i] /= k * k;
		return c;
	}

	/** Weighted mean embedding vector; null when all weights are 0. */
	static float[] mean(float[] embedding, float[] weights, int g) {
		// Only the weighted cells are visited: a cell's mask covers a few dozen of the 4096.
		int[] cells = new int[weights.length];
		int n = 0;
		double total = 0;
		for (int i = 0; i < weights.length; i++)
			if (weights[i] > 0) {
				cells[n++] = i;
				total += weights[i];
			}
		if (n == 0) return null;
		float[] v = new float[CHANNELS];
		int plane = g * g;
		for (int ch = 0; ch < CHANNELS; ch++) {
			double s = 0;
			for (int j = 0; j < n; j++) s += weights[cells[j]] * embedding[ch * plane + cells[j]];
			v[ch] = (float) (s / total);
		}
		return v;
	}

	/**
	 * Weights of the background ring: embedding cells within {@link #RING} cells of the mask, inside
	 * the frame's part of the grid, weighted by the share the mask does not cover.
	 */
	static float[] ring(float[] coverage, int g, FrameGeometry geometry) {
		int gw = Math.max(1, Math.min(g, (int) Math.round(geometry.resizedWidth() * (double) g / geometry.longestSide())));
		int gh = Math.max(1, Math.min(g, (int) Math.round(geometry.resizedHeight() * (double) g / geometry.longestSide())));
		float[] w = new float[g * g];
		for (int y = 0; y < gh; y++)
			for (int x = 0; x < gw; x++) {
				if (coverage[y * g + x] >= 1) continue;
				boolean near = false;
				for (int dy = -RING; dy <= RING && !near; dy++)
					for (int dx = -RING; dx <= RING && !near; dx++) {
						int yy = y + dy, xx = x + dx;
						near = yy >= 0 && xx >= 0 && yy < g && xx < g && coverage[yy * g + xx] >= 0.5f;
					}
				if (near) w[y * g + x] = 1 - coverage[y * g + x];
			}
		return w;
	}

	static double cosine(float[] a, float[] b) {
		double ab = 0, aa = 0, bb = 0;
		for (int i = 0; i < a.length; i++) {
			ab += a[i] * b[i];
			aa += a[i] * a[i];
			bb += b[i] * b[i];
		}
		return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
	}
}
