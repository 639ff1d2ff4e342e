package io.github.sam2fiji.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.sam2fiji.eval.CtcValidity;
import io.github.sam2fiji.eval.FrameMatch;
import io.github.sam2fiji.eval.TrackFiles;

/** Checks of a written CTC result folder (res_track.txt and maskTTT.tif) for tests. */
public final class CtcResults {

	private CtcResults() {}

	/** Why the folder's result breaks the challenge's validity rules, or empty when it is valid. */
	public static Optional<String> problem(Path folder, int frames) throws IOException {
		List<int[]> labelsPerFrame = new ArrayList<>();
		for (int t = 0; t < frames; t++) {
			String name = String.format("mask%03d.tif", t);
			short[] px = (short[]) ij.IJ.openImage(folder.resolve(name).toString()).getProcessor().getPixels();
			int[] ints = new int[px.length];
			for (int i = 0; i < px.length; i++) ints[i] = px[i] & 0xffff;
			labelsPerFrame.add(FrameMatch.labelsIn(ints));
		}
		String tracks = String.join("\n", Files.readAllLines(folder.resolve("res_track.txt")));
		return CtcValidity.problem(TrackFiles.parse(tracks, "res_track.txt"), labelsPerFrame, t -> String.format("mask%03d.tif", t));
	}
}
