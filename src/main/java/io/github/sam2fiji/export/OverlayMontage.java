package io.github.sam2fiji.export;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.ImageStatistics;

/**
 * A picture a person can check tracking on: every frame of a sequence in grey with each label's
 * outline drawn in its own colour and its ID written at its centre, tiled into one RGB montage
 * (frame numbers in the corners). Reads nothing but its two inputs and never modifies them.
 */
public final class OverlayMontage {

	private OverlayMontage() {}

	/**
	 * @param image the sequence (one channel; the stack's planes are the frames)
	 * @param labels a label stack of the same size and plane count (0 = background)
	 * @param columns frames per montage row
	 */
	public static ImagePlus render(ImagePlus image, ImagePlus labels, int columns) {
		int w = image.getWidth(), h = image.getHeight(), n = image.getStackSize();
		if (labels.getWidth() != w || labels.getHeight() != h || labels.getStackSize() != n)
			throw new IllegalArgumentException("Labels are " + labels.getWidth() + " x " + labels.getHeight() + " x " + labels.getStackSize()
					+ ", the image is " + w + " x " + h + " x " + n + ": they must match");
		if (columns < 1) throw new IllegalArgumentException("Columns must be at least 1, got " + columns);
		int cols = Math.min(columns, n), rows = (n + cols - 1) / cols;
		ColorProcessor montage = new ColorProcessor(cols * w, rows * h);
		montage.setColor(Color.BLACK);
		montage.fill();
		ImageStack frames = image.getStack(), labelStack = labels.getStack();
		for (int t = 0; t < n; t++) {
			ColorProcessor tile = overlay(frames.getProcessor(t + 1), labelStack.getProcessor(t + 1));
			tile.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
			tile.setColor(Color.WHITE);
			tile.drawString("t=" + t, 3, 14);
			montage.insert(tile, (t % cols) * w, (t / cols) * h);
		}
		return new ImagePlus("overlay of " + image.getTitle(), montage);
	}

	/** One frame: grey (1st-99.8th percentile stretch), outlines and IDs. */
	static ColorProcessor overlay(ImageProcessor grey, ImageProcessor labels) {
		int w = grey.getWidth(), h = grey.getHeight();
		ImageProcessor stretched = grey.convertToFloat();
		ImageStatistics stats = stretched.getStatistics();
		double lo = stats.min, hi = stats.max;
		stretched.setMinAndMax(lo, lo + (hi - lo) * 0.8);
		ColorProcessor rgb = stretched.convertToByteProcessor(true).convertToColorProcessor();
		int maxLabel = 0;
		for (int i = 0; i < w * h; i++) maxLabel = Math.max(maxLabel, (int) labels.getf(i));
		double[] sx = new double[maxLabel + 1], sy = new double[maxLabel + 1];
		int[] count = new int[maxLabel + 1];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int l = (int) labels.getf(x, y);
				if (l == 0) continue;
				sx[l] += x;
				sy[l] += y;
				count[l]++;
				boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || (int) labels.getf(x - 1, y) != l || (int) labels.getf(x + 1, y) != l
						|| (int) labels.getf(x, y - 1) != l || (int) labels.getf(x, y + 1) != l;
				if (edge) rgb.set(x, y, colour(l).getRGB() & 0xffffff);
			}
		rgb.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
		rgb.setAntialiasedText(true);
		for (int l = 1; l <= maxLabel; l++) {
			if (count[l] == 0) continue;
			String id = Integer.toString(l);
			int cx = (int) Math.round(sx[l] / count[l]), cy = (int) Math.round(sy[l] / count[l]);
			int tx = cx - rgb.getStringWidth(id) / 2, ty = cy + 6;
			rgb.setColor(Color.BLACK); // a shadow keeps the ID readable on bright cells
			rgb.drawString(id, tx + 1, ty + 1);
			rgb.setColor(colour(l));
			rgb.drawString(id, tx, ty);
		}
		return rgb;
	}

	/** Distinct, bright colours for neighbouring IDs (golden-ratio hue steps). */
	static Color colour(int label) {
		float hue = (float) ((label * 0.618033988749895) % 1.0);
		return Color.getHSBColor(hue, 0.85f, 1f);
	}

	/** {@code OverlayMontage IMAGE.tif LABELS.tif OUT.png [COLUMNS]}: writes the montage as PNG. */
	public static void main(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		if (args.length < 3) {
			System.err.println("usage: OverlayMontage IMAGE.tif LABELS.tif OUT.png [COLUMNS]");
			System.exit(2);
		}
		ImagePlus image = open(args[0]), labels = open(args[1]);
		ImagePlus montage = render(image, labels, args.length > 3 ? Integer.parseInt(args[3]) : 5);
		Path out = Path.of(args[2]);
		if (out.getParent() != null) Files.createDirectories(out.getParent());
		// ImageIO rather than IJ.saveAs: the latter starts ImageJ menus, which fails without a display.
		if (!ImageIO.write(montage.getBufferedImage(), "png", out.toFile())) throw new IOException("No PNG writer for " + out);
		System.err.println("overlay: " + out);
	}

	private static ImagePlus open(String path) {
		ImagePlus imp = IJ.openImage(path);
		if (imp == null) throw new IllegalArgumentException(path + ": cannot be read as an image");
		return imp;
	}
}
