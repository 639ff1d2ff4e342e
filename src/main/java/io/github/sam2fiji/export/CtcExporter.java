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
 * track: label, first and last time point (0-based), parent. A CTC track must be present on every
 * time point from B to E, so an object that is absent for some time points and comes back ends its
 * track at the gap: the return is a new track, with a new label (above every label of the image)
 * and the old track as its parent, as the challenge's format and validator require. The label
 * image itself keeps the object's one ID.
 */
public final class CtcExporter {

	private static final int MAX_LABEL = 0xffff;

	private CtcExporter() {}

	/** Number of digits in the file names for {@code timePoints} time points. */
	public static int digits(int timePoints) {
		return Math.max(3, String.valueOf(timePoints - 1).length());
	}

	/** Writes {@code labels} (1 channel, z slices, t time points) into {@code folder}, creating it. */
	public static void write(ImagePlus labels, Path folder) throws IOException {
		if (labels.getBitDepth() != 16 || labels.getNChannels() != 1)
			throw new IllegalArgumentException("CTC export needs a 16-bit single-channel label image, " + labels.getTitle() + " is " + labels.getBitDepth() + "-bit with " + labels.getNChannels() + " channels");
		int nz = labels.getNSlices(), nt = labels.getNFrames(), digits = digits(nt);
		Tracks tracks = Tracks.of(labels);
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

	/** The CTC tracks of a label image: each object's runs of consecutive time points, the later ones as new labels with a parent. */
	private static final class Tracks {

		/** Per object ID, its CTC label at each time point (0 where absent). */
		private final Map<Integer, int[]> labelAt = new TreeMap<>();
		/** The res_track.txt lines by label: "L B E P". */
		private final Map<Integer, String> lines = new TreeMap<>();

		static Tracks of(ImagePlus labels) throws IOException {
			int nz = labels.getNSlices(), nt = labels.getNFrames();
			Map<Integer, boolean[]> present = new TreeMap<>();
			int maxId = 0;
			for (int t = 1; t <= nt; t++)
				for (int z = 1; z <= nz; z++)
					for (short p : (short[]) labels.getStack().getProcessor(labels.getStackIndex(1, z, t)).getPixels()) {
						int id = p & 0xffff;
						if (id == 0) continue;
						present.computeIfAbsent(id, k -> new boolean[nt])[t - 1] = true;
						maxId = Math.max(maxId, id);
					}
			Tracks tracks = new Tracks();
			int next = maxId + 1;
			for (Map.Entry<Integer, boolean[]> e : present.entrySet()) {
				boolean[] at = e.getValue();
				int[] label = new int[nt];
				int parent = 0;
				for (int t = 0; t < nt; t++) {
					if (!at[t] || (t > 0 && at[t - 1])) continue;
					int end = t;
					while (end + 1 < nt && at[end + 1]) end++;
					int track = parent == 0 ? e.getKey() : next++;
					if (track > MAX_LABEL)
						throw new IOException("The CTC result needs more than " + MAX_LABEL + " labels (objects that leave and return start new tracks); "
							+ "16-bit masks cannot hold them");
					for (int u = t; u <= end; u++) label[u] = track;
					tracks.lines.put(track, track + " " + t + " " + end + " " + parent);
					parent = track;
				}
				tracks.labelAt.put(e.getKey(), label);
			}
			return tracks;
		}

		int label(int id, int t) {
			return labelAt.get(id)[t];
		}

		List<String> lines() {
			return new ArrayList<>(lines.values());
		}
	}
}
