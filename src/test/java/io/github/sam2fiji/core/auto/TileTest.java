package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;

/** Crop mode's tiles: SAM's crop boxes, cropping frames and masks, placing masks back, inner-edge cuts. */
class TileTest {

	/** Boxes as SAM's generate_crop_boxes gives them (x0, y0, x1, y1), checked once with the official code (sam2/utils/amg.py, overlap 512 / 1500). */
	private static Set<Tile> sam(int[][] boxes) {
		Set<Tile> tiles = new HashSet<>();
		for (int[] b : boxes) tiles.add(new Tile(b[0], b[1], b[2] - b[0], b[3] - b[1]));
		return tiles;
	}

	@Test
	void tilesAreSamsCropBoxes() {
		assertEquals(sam(new int[][] { { 0, 0, 172, 172 }, { 0, 85, 172, 256 }, { 85, 0, 256, 172 }, { 85, 85, 256, 256 } }), new HashSet<>(Tile.grid(256, 256, 2)));
		assertEquals(sam(new int[][] { { 0, 0, 638, 558 }, { 0, 275, 638, 832 }, { 355, 0, 992, 558 }, { 355, 275, 992, 832 } }), new HashSet<>(Tile.grid(992, 832, 2)));
		Set<Tile> four = new HashSet<>(Tile.grid(992, 832, 4));
		assertEquals(16, four.size());
		assertTrue(four.containsAll(sam(new int[][] { { 0, 0, 354, 314 }, { 213, 173, 567, 487 }, { 639, 519, 992, 832 }, { 426, 346, 780, 660 } })));
	}

	@Test
	void cropAndPlaceBack() {
		int w = 10, h = 8;
		float[] data = new float[w * h];
		for (int i = 0; i < data.length; i++) data[i] = i;
		Tile tile = new Tile(3, 2, 5, 4);
		Frame part = tile.crop(new Frame(w, h, 1, data));
		assertEquals(5, part.width());
		assertEquals(4, part.height());
		assertEquals(2 * w + 3, part.get(0, 0, 0));
		assertEquals(5 * w + 7, part.get(0, 4, 3));

		byte[] bits = new byte[w * h];
		bits[3 * w + 4] = 1;
		bits[5 * w + 7] = 1;
		bits[0] = 1; // outside the tile
		BinaryMask cropped = tile.crop(BinaryMask.of(w, h, bits));
		assertEquals(2, cropped.area());
		assertTrue(cropped.get(1, 1));
		assertTrue(cropped.get(4, 3));
		BinaryMask back = tile.toFrame(cropped, w, h);
		assertEquals(2, back.area());
		assertTrue(back.get(4, 3));
		assertTrue(back.get(7, 5));
		assertEquals(null, tile.crop((BinaryMask) null));
	}

	@Test
	void aMaskReachingAnInnerEdgeIsCutButAFrameEdgeIsNot() {
		// the top-left tile of a 256 x 256 frame: its right and bottom edges are inner ones
		Tile tile = Tile.grid(256, 256, 2).get(0);
		assertEquals(new Tile(0, 0, 172, 172), tile);
		assertTrue(tile.cutByInnerEdge(square(tile, 150, 20, 21), 256, 256), "reaches x = 170, the right edge's margin");
		assertTrue(tile.cutByInnerEdge(square(tile, 20, 160, 12), 256, 256), "reaches the bottom edge");
		assertFalse(tile.cutByInnerEdge(square(tile, 0, 0, 20), 256, 256), "the frame's own corner");
		assertFalse(tile.cutByInnerEdge(square(tile, 100, 100, 60), 256, 256), "ends 10 pixels before the edge");
		assertFalse(tile.cutByInnerEdge(BinaryMask.empty(172, 172), 256, 256));
	}

	private static BinaryMask square(Tile tile, int x0, int y0, int side) {
		byte[] bits = new byte[tile.width() * tile.height()];
		for (int y = y0; y < y0 + side; y++)
			for (int x = x0; x < x0 + side; x++) bits[y * tile.width() + x] = 1;
		return BinaryMask.of(tile.width(), tile.height(), bits);
	}

	@Test
	void fewerThanTwoTilesPerSideIsRefused() {
		assertEquals("tiles per side must be at least 2, got 1",
			org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Tile.grid(100, 100, 1)).getMessage());
		List<Tile> tiles = Tile.grid(100, 40, 3);
		assertEquals(9, tiles.size());
		for (Tile t : tiles) assertTrue(t.x0() + t.width() <= 100 && t.y0() + t.height() <= 40, t.toString());
	}
}
