package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/** The split rule of {@link Divisions} on hand-made results: which two-part masks are daughters. */
class DivisionsTest {

	private static final int W = 200, H = 60;

	/** Filled rectangles, each {x, y, width, height}, in one mask. */
	private static BinaryMask rects(int[]... rs) {
		byte[] bits = new byte[W * H];
		for (int[] r : rs)
			for (int y = r[1]; y < r[1] + r[3]; y++)
				for (int x = r[0]; x < r[0] + r[2]; x++) bits[y * W + x] = 1;
		return BinaryMask.of(W, H, bits);
	}

	/** Object 1 one part on frames 0 and 1, then {@code split} on frames 2 and 3. */
	private static List<FrameResult> oneThenSplit(BinaryMask whole, BinaryMask split) {
		List<FrameResult> results = new ArrayList<>();
		for (int f = 0; f < 4; f++) results.add(new FrameResult(f, List.of(new ObjectResult(1, f, f < 2 ? whole : split, 5f, 0.9f, true))));
		return results;
	}

	@Test
	void twoPartsSideBySideAreADivisionOnTheirFirstFrame() {
		BinaryMask whole = rects(new int[] { 20, 20, 30, 20 });
		BinaryMask split = rects(new int[] { 16, 20, 16, 20 }, new int[] { 36, 20, 16, 20 });
		Optional<Divisions.Division> d = Divisions.firstSplit(oneThenSplit(whole, split), Set.of(1), Map.of(), Set.of(), 16);
		assertTrue(d.isPresent());
		assertEquals(1, d.get().mother());
		assertEquals(2, d.get().frame());
		assertEquals(320, d.get().first().area());
		assertEquals(320, d.get().second().area());
	}

	@Test
	void twoPartsFarApartAreAMaskThatSpreadNotADivision() {
		BinaryMask whole = rects(new int[] { 20, 20, 30, 20 });
		// the same two parts, the second 130 pixels away: 4.1 diameters of their joint disc (32 px)
		BinaryMask spread = rects(new int[] { 16, 20, 16, 20 }, new int[] { 150, 20, 16, 20 });
		assertTrue(Divisions.firstSplit(oneThenSplit(whole, spread), Set.of(1), Map.of(), Set.of(), 16).isEmpty());
	}

	@Test
	void twoPartsWithAnotherObjectBetweenThemWereCutNotDivided() {
		BinaryMask whole = rects(new int[] { 16, 20, 36, 20 });
		BinaryMask split = rects(new int[] { 16, 20, 16, 20 }, new int[] { 36, 20, 16, 20 });
		BinaryMask across = rects(new int[] { 32, 10, 4, 40 }); // a neighbour's mask over the 4-pixel gap
		List<FrameResult> results = new ArrayList<>();
		for (int f = 0; f < 4; f++) {
			ObjectResult cell = new ObjectResult(1, f, f < 2 ? whole : split, 5f, 0.9f, true);
			results.add(new FrameResult(f, f < 2 ? List.of(cell) : List.of(cell, new ObjectResult(2, f, across, 5f, 0.9f, true))));
		}
		assertTrue(Divisions.firstSplit(results, Set.of(1), Map.of(), Set.of(), 16).isEmpty());
		assertTrue(Divisions.cutByNeighbour(results.get(2), 1, rects(new int[] { 16, 20, 16, 20 }), rects(new int[] { 36, 20, 16, 20 })));
		// the same gap with only a sliver of the neighbour in it: background parts them, a division
		List<FrameResult> sliver = new ArrayList<>();
		for (int f = 0; f < 4; f++) {
			ObjectResult cell = new ObjectResult(1, f, f < 2 ? whole : split, 5f, 0.9f, true);
			sliver.add(new FrameResult(f, f < 2 ? List.of(cell) : List.of(cell, new ObjectResult(2, f, rects(new int[] { 32, 10, 4, 14 }), 5f, 0.9f, true))));
		}
		assertTrue(Divisions.firstSplit(sliver, Set.of(1), Map.of(), Set.of(), 16).isPresent());
	}

	@Test
	void sideBySideIsMeasuredInDiametersOfTheJointArea() {
		BinaryMask a = rects(new int[] { 0, 0, 10, 10 });
		// joint area 200: a disc of 16.0 pixels; 1.5 diameters = 23.9 pixels between centroids
		assertTrue(Divisions.sideBySide(a, rects(new int[] { 23, 0, 10, 10 })));
		assertFalse(Divisions.sideBySide(a, rects(new int[] { 25, 0, 10, 10 })));
	}
}
