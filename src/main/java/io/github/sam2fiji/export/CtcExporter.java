package io.github.sam2fiji.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

/**
 * Writes a label image in the Cell Tracking Challenge result format: one uncompressed 16-bit
 * TIFF per time point, {@code maskTTT.tif} (all z slices of that time point; three digits, more
 * when there are over 1000 time points), and {@code res_track.txt} with one line "L B E P" per
 * label: label, first and last time point where it has pixels (0-based), parent 0 (SAM 2 does not
 * divide objects). A label that is absent for some time points in between keeps its ID across
 * the gap.
 */
public final class CtcExporter {

	private CtcExporter() {}

	/** Number of digits in the file names for {@code timePoints} time points. */
	public static int digits(int timePoints) {
		return Math.max(3, String.valueOf(timePoints - 1).length());
	}

	/** Writes {@code labels} (1 channel, z slices, t time points) into {@code folder}, creating it. */
	public static void write(ImagePlus labels, Path folder) throws IOException {
		if (labels.getBitDepth() != 16 || labels.getNChannels() != 1)
			throw new IllegalArgumentException("CTC export needs a 16-bit single-channel label image, " + labels.getTitle() + " is " + labels.getBitDepth() + "-bit with " + labels.getNChannels() + " channels");
		Files.createDirectories(folder);
		int nz = labels.getNSlices(), nt = labels.getNFrames(), digits = digits(nt);
		Map<Integer, int[]> spans = new TreeMap<>();
		for (int t = 1; t <= nt; t++) {
			ImageStack timePoint = new ImageStack(labels.getWidth(), labels.getHeight());
			for (int z = 1; z <= nz; z++) {
				ImageProcessor plane = labels.getStack().getProcessor(labels.getStackIndex(1, z, t));
				timePoint.addSlice(plane.duplicate());
				short[] pixels = (short[]) plane.getPixels();
				for (short p : pixels) {
					int id = p & 0xffff;
					if (id == 0) continue;
					int[] span = spans.computeIfAbsent(id, k -> new int[] { Integer.MAX_VALUE, -1 });
					span[0] = Math.min(span[0], t - 1);
					span[1] = Math.max(span[1], t - 1);
				}
			}
			ImagePlus out = new ImagePlus("mask", timePoint);
			out.setCalibration(labels.getCalibration().copy());
			Path file = folder.resolve(String.format("mask%0" + digits + "d.tif", t - 1));
			FileSaver saver = new FileSaver(out);
			boolean ok = nz > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString());
			if (!ok) throw new IOException("Cannot write " + file);
		}
		List<String> lines = new ArrayList<>();
		for (Map.Entry<Integer, int[]> e : spans.entrySet())
			lines.add(e.getKey() + " " + e.getValue()[0] + " " + e.getValue()[1] + " 0");
		Files.write(folder.resolve("res_track.txt"), lines);
	}
}
