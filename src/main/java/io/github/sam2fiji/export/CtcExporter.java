package io.github.sam2fiji.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

/**
 * Writes a label image in the Cell Tracking Challenge result format: one uncompressed 16-bit
 * TIFF per time point, {@code maskTTT.tif} (all z slices of that time point; three digits, more
 * when there are over 1000 time points), and {@code res_track.txt} with one line "L B E P" per
 * track: label, first and last time point (0-based), parent. A CTC track must be present on every
 * time point from B to E, so an object that is absent for some time points and comes back ends its
 * track at the gap: the return is a new track, with a new label (above every label of the image)
 * and the old track as its parent, as the challenge's format and validator require. The label
 * image itself keeps the object's one ID ({@link CtcTracks}).
 */
public final class CtcExporter {

	private CtcExporter() {}

	/** Number of digits in the file names for {@code timePoints} time points. */
	public static int digits(int timePoints) {
		return Math.max(3, String.valueOf(timePoints - 1).length());
	}

	/** Writes {@code labels} (1 channel, z slices, t time points) into {@code folder}, creating it. */
	public static void write(ImagePlus labels, Path folder) throws IOException {
		write(labels, Map.of(), folder);
	}

	/** As {@link #write(ImagePlus, Path)}, with divisions: daughter object ID to mother object ID. */
	public static void write(ImagePlus labels, Map<Integer, Integer> parents, Path folder) throws IOException {
		if (labels.getBitDepth() != 16 || labels.getNChannels() != 1)
			throw new IllegalArgumentException("CTC export needs a 16-bit single-channel label image, " + labels.getTitle() + " is " + labels.getBitDepth() + "-bit with " + labels.getNChannels() + " channels");
		int nz = labels.getNSlices(), nt = labels.getNFrames(), digits = digits(nt);
		CtcTracks tracks = CtcTracks.of(labels, parents);
		Files.createDirectories(folder);
		for (int t = 1; t <= nt; t++) {
			ImageStack timePoint = new ImageStack(labels.getWidth(), labels.getHeight());
			for (int z = 1; z <= nz; z++) {
				ImageProcessor plane = labels.getStack().getProcessor(labels.getStackIndex(1, z, t)).duplicate();
				short[] pixels = (short[]) plane.getPixels();
				for (int i = 0; i < pixels.length; i++) {
					int id = pixels[i] & 0xffff;
					if (id != 0) pixels[i] = (short) tracks.label(id, t - 1);
				}
				timePoint.addSlice(plane);
			}
			ImagePlus out = new ImagePlus("mask", timePoint);
			out.setCalibration(labels.getCalibration().copy());
			Path file = folder.resolve(String.format("mask%0" + digits + "d.tif", t - 1));
			FileSaver saver = new FileSaver(out);
			boolean ok = nz > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString());
			if (!ok) throw new IOException("Cannot write " + file);
		}
		Files.write(folder.resolve("res_track.txt"), tracks.lines());
	}
}
