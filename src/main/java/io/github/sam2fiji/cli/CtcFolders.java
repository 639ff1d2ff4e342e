package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.Opener;
import ij.process.ImageProcessor;

import io.github.sam2fiji.eval.CtcScores;
import io.github.sam2fiji.eval.CtcValidity;
import io.github.sam2fiji.eval.FrameMatch;
import io.github.sam2fiji.eval.TrackFiles;
import io.github.sam2fiji.eval.TrackRecord;

/**
 * Reads Cell Tracking Challenge folders with ImageJ's TIFF reader (which reads the challenge's LZW
 * files) and scores a result against ground truth, one frame in memory at a time.
 * <p>
 * Ground truth: {@code GT/TRA/man_track.txt}, {@code GT/TRA/man_trackTTT.tif} (markers, every frame)
 * and {@code GT/SEG/man_segTTT.tif} (full masks, some frames, possibly some objects only). Result: a
 * folder with {@code res_track.txt} and {@code maskTTT.tif}, or one label stack TIFF (one slice per
 * frame, or a hyperstack with one time point per frame) whose tracks are derived from its labels.
 */
final class CtcFolders {

	private static final Pattern TRA_FILE = Pattern.compile("man_track(\\d+)\\.tif");
	private static final Pattern SEG_FILE = Pattern.compile("man_seg(\\d+)\\.tif");
	private static final Pattern RES_FILE = Pattern.compile("mask(\\d+)\\.tif");

	private CtcFolders() {}

	/** A result: one labels array per frame, read on demand. */
	private interface ResultFrames {
		int[] frame(int t) throws IOException;
	}

	/** Scores, or the reason the result is not a valid CTC result (then it is not scored, as in the official evaluation). */
	record Outcome(Optional<String> invalid, CtcScores scores) {}

	static Outcome score(Path groundTruth, Path result) throws IOException {
		Path tra = groundTruth.resolve("TRA");
		Path trackFile = tra.resolve("man_track.txt");
		if (!Files.isRegularFile(trackFile))
			throw new IllegalArgumentException("Not a CTC ground-truth folder: " + trackFile + " not found");
		List<TrackRecord> referenceTracks = TrackFiles.parse(Files.readString(trackFile), trackFile.toString());
		TreeMap<Integer, Path> markers = numbered(tra, TRA_FILE);
		if (markers.isEmpty()) throw new IllegalArgumentException("No man_trackTTT.tif files in " + tra);
		int frames = markers.lastKey() + 1;
		if (markers.size() != frames)
			throw new IllegalArgumentException(tra + " has " + markers.size() + " marker files but frame numbers up to " + markers.lastKey() + ": frames are missing");
		TreeMap<Integer, Path> segmentation = Files.isDirectory(groundTruth.resolve("SEG")) ? numbered(groundTruth.resolve("SEG"), SEG_FILE) : new TreeMap<>();

		ResultFrames res;
		List<TrackRecord> resultTracks = null;
		IntFunction<String> maskName = t -> "frame " + t;
		if (Files.isDirectory(result)) {
			TreeMap<Integer, Path> masks = numbered(result, RES_FILE);
			for (int t = 0; t < frames; t++)
				if (!masks.containsKey(t)) throw new IllegalArgumentException(result + " has no mask file for frame " + t + " (expected mask" + String.format("%03d", t) + ".tif)");
			maskName = t -> masks.get(t).getFileName().toString();
			Path resTrack = result.resolve("res_track.txt");
			if (Files.isRegularFile(resTrack)) {
				try {
					resultTracks = TrackFiles.parse(Files.readString(resTrack), resTrack.toString());
				}
				catch (IllegalArgumentException e) { // a negative parent, an end before the begin: the official validator's refusals too
					return new Outcome(Optional.of(e.getMessage()), null);
				}
			}
			res = new ResultFrames() {
				@Override
				public int[] frame(int t) throws IOException {
					return labels(open(masks.get(t)), masks.get(t));
				}
			};
		}
		else res = labelStack(result, frames);

		List<FrameMatch> tracking = new ArrayList<>();
		List<FrameMatch> segmented = new ArrayList<>();
		List<int[]> resultLabels = new ArrayList<>();
		for (int t = 0; t < frames; t++) {
			int[] resultFrame = res.frame(t);
			int[] markerFrame = labels(open(markers.get(t)), markers.get(t));
			tracking.add(FrameMatch.of(markerFrame, check(resultFrame, markerFrame, t)));
			if (segmentation.containsKey(t)) {
				int[] segFrame = labels(open(segmentation.get(t)), segmentation.get(t));
				segmented.add(FrameMatch.of(segFrame, check(resultFrame, segFrame, t)));
			}
			resultLabels.add(FrameMatch.labelsIn(resultFrame));
		}
		if (resultTracks == null) resultTracks = TrackFiles.fromLabels(resultLabels); // a label stack: its IDs are its tracks
		else {
			Optional<String> invalid = CtcValidity.problem(resultTracks, resultLabels, maskName);
			if (invalid.isPresent()) return new Outcome(invalid, null);
		}
		return new Outcome(Optional.empty(), CtcScores.of(referenceTracks, resultTracks, tracking, segmented));
	}

	private static int[] check(int[] result, int[] reference, int t) {
		if (result.length != reference.length)
			throw new IllegalArgumentException("Frame " + t + ": the result has " + result.length + " pixels, the ground truth " + reference.length);
		return result;
	}

	private static ResultFrames labelStack(Path file, int frames) {
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException("Result not found: " + file + " (give a CTC result folder or a label stack TIFF)");
		ImagePlus stack = open(file);
		int perFrame;
		if (stack.getNFrames() == frames) perFrame = stack.getNSlices() * stack.getNChannels();
		else if (stack.getStackSize() == frames) perFrame = 1;
		else
			throw new IllegalArgumentException(file + " has " + stack.getStackSize() + " images (" + stack.getNFrames() + " time points); the ground truth has " + frames + " frames");
		return new ResultFrames() {
			@Override
			public int[] frame(int t) {
				return labels(stack, file, t * perFrame + 1, perFrame);
			}
		};
	}

	private static TreeMap<Integer, Path> numbered(Path folder, Pattern name) throws IOException {
		TreeMap<Integer, Path> files = new TreeMap<>();
		try (Stream<Path> list = Files.list(folder)) {
			for (Path p : (Iterable<Path>) list::iterator) {
				Matcher m = name.matcher(p.getFileName().toString());
				if (m.matches()) files.put(Integer.parseInt(m.group(1)), p);
			}
		}
		return files;
	}

	private static ImagePlus open(Path file) {
		try {
			InputStacks.checkComplete(file); // ImageJ reads a truncated TIFF as if complete (the rest zero)
		}
		catch (IOException e) {
			throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
		}
		ImagePlus imp = new Opener().openImage(file.toString());
		if (imp == null) throw new IllegalArgumentException("Cannot read " + file + " as a TIFF image");
		return imp;
	}

	/** All slices of {@code imp} (a 2D frame, or a 3D one), as labels. */
	private static int[] labels(ImagePlus imp, Path file) {
		return labels(imp, file, 1, imp.getStackSize());
	}

	private static int[] labels(ImagePlus imp, Path file, int firstSlice, int slices) {
		ImageStack stack = imp.getStack();
		int plane = imp.getWidth() * imp.getHeight();
		int[] out = new int[plane * slices];
		for (int s = 0; s < slices; s++) {
			ImageProcessor ip = stack.getProcessor(firstSlice + s);
			for (int i = 0; i < plane; i++) {
				float v = ip.getf(i);
				if (v < 0 || v != Math.rint(v)) throw new IllegalArgumentException(file + " holds " + v + ", not a label (labels are non-negative integers)");
				out[s * plane + i] = (int) v;
			}
		}
		return out;
	}
}
