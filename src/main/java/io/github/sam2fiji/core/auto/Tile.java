package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.List;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;

/**
 * A rectangle of the frame searched on its own (SAM's crop mode, for objects small in a large
 * image): the model sees it enlarged to its input size, with a grid of its own. Tiles overlap, as
 * SAM's crops, so that an object cut by one tile's inner edge is whole in its neighbour.
 *
 * @param x0 left column in the frame
 * @param y0 top row in the frame
 */
public record Tile(int x0, int y0, int width, int height) {

	/** SAM's crop overlap: 512 / 1500 of the shorter side, times 2 / tiles per side. */
	static final double OVERLAP_RATIO = 512.0 / 1500;

	/** Masks reaching this close to a tile's inner edge are cut by it: left to the neighbour that holds them whole. */
	static final int EDGE_MARGIN = 2;

	/**
	 * {@code perSide} x {@code perSide} overlapping tiles covering a width x height frame, as
	 * SAM's generate_crop_boxes for one crop layer, row by row.
	 */
	static List<Tile> grid(int width, int height, int perSide) {
		if (perSide < 2) throw new IllegalArgumentException("tiles per side must be at least 2, got " + perSide);
		int overlap = (int) (OVERLAP_RATIO * Math.min(width, height) * (2.0 / perSide));
		int w = (int) Math.ceil((overlap * (perSide - 1) + width) / (double) perSide);
		int h = (int) Math.ceil((overlap * (perSide - 1) + height) / (double) perSide);
		List<Tile> tiles = new ArrayList<>();
		for (int j = 0; j < perSide; j++)
			for (int i = 0; i < perSide; i++) {
				int x = i * (w - overlap), y = j * (h - overlap);
				tiles.add(new Tile(x, y, Math.min(w, width - x), Math.min(h, height - y)));
			}
		return tiles;
	}

	/** The tile's part of every frame. */
	FrameSource crop(FrameSource frames) {
		Tile tile = this;
		return new FrameSource() {
			@Override
			public int frameCount() {
				return frames.frameCount();
			}

			@Override
			public int width() {
				return width;
			}

			@Override
			public int height() {
				return height;
			}

			@Override
			public int bitDepth() {
				return frames.bitDepth();
			}

			@Override
			public boolean isVolume() {
				return frames.isVolume();
			}

			@Override
			public Frame read(int index) {
				return tile.crop(frames.read(index));
			}
		};
	}

	Frame crop(Frame frame) {
		int c = frame.channels();
		float[] data = new float[c * width * height];
		for (int k = 0; k < c; k++)
			for (int y = 0; y < height; y++)
				System.arraycopy(frame.data(), (k * frame.height() + y0 + y) * frame.width() + x0, data, (k * height + y) * width, width);
		return new Frame(width, height, c, data);
	}

	/** The tile's part of a frame-size mask (null stays null). */
	BinaryMask crop(BinaryMask mask) {
		if (mask == null) return null;
		byte[] all = mask.toBytes(), part = new byte[width * height];
		for (int y = 0; y < height; y++) System.arraycopy(all, (y0 + y) * mask.width() + x0, part, y * width, width);
		return BinaryMask.of(width, height, part);
	}

	/** A mask of the tile placed in a frame of the given size. */
	BinaryMask toFrame(BinaryMask mask, int frameWidth, int frameHeight) {
		byte[] part = mask.toBytes(), all = new byte[frameWidth * frameHeight];
		for (int y = 0; y < height; y++) System.arraycopy(part, y * width, all, (y0 + y) * frameWidth + x0, width);
		return BinaryMask.of(frameWidth, frameHeight, all);
	}

	/** Whether a mask of the tile reaches an edge of the tile that is not an edge of the frame. */
	boolean cutByInnerEdge(BinaryMask mask, int frameWidth, int frameHeight) {
		int[] b = mask.bounds();
		if (b == null) return false;
		return (x0 > 0 && b[0] <= EDGE_MARGIN) || (y0 > 0 && b[1] <= EDGE_MARGIN) || (x0 + width < frameWidth && b[2] >= width - 1 - EDGE_MARGIN)
			|| (y0 + height < frameHeight && b[3] >= height - 1 - EDGE_MARGIN);
	}
}
