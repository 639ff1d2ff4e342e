package io.github.sam2fiji.ij;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;
import io.github.sam2fiji.core.io.AtomicOutputs;
import io.github.sam2fiji.export.CtcExporter;

/** Hands a finished result to ImageJ: ROIs into the ROI Manager, a results table, a CTC export. */
public final class OutputPublisher {

	private OutputPublisher() {}

	/**
	 * Adds one ROI per object and plane to the ROI Manager (the hidden one in batch-mode macros).
	 * Headless there is no ROI Manager (it is a window): the ROIs go into the label image's overlay
	 * instead, which TIFF files keep.
	 */
	public static List<Roi> addRois(HyperstackTracking.Result result) {
		List<Roi> rois = LabelRois.of(result.labels(), result.measurements(), result.prompts().names());
		LabelRois.markDoubtful(rois, result.doubts());
		RoiManager manager = RoiManager.getInstance();
		if (manager == null && Interpreter.isBatchMode()) manager = Interpreter.getBatchModeRoiManager();
		if (manager == null && !GraphicsEnvironment.isHeadless()) manager = new RoiManager();
		if (manager != null) {
			for (Roi roi : rois) manager.addRoi(roi);
		}
		else {
			Overlay overlay = new Overlay();
			for (Roi roi : rois) overlay.add(roi);
			result.labels().setOverlay(overlay);
		}
		return rois;
	}

	/**
	 * Shows the result on the input: each object's outline in its colour on every plane, in the
	 * input's overlay (pixels untouched; Image > Overlay > Hide Overlay hides it). Outlines of an
	 * earlier run are replaced, the user's own overlay ROIs kept.
	 */
	public static Overlay overlayOutlines(ImagePlus input, HyperstackTracking.Result result) {
		Overlay overlay = new Overlay();
		Overlay before = input.getOverlay();
		if (before != null)
			for (Roi roi : before.toArray())
				if (!"true".equals(roi.getProperty(LabelRois.OUTPUT_PROPERTY))) overlay.add(roi);
		for (Roi roi : LabelRois.of(result.labels(), result.measurements(), result.prompts().names(), input))
			overlay.add(roi);
		input.setOverlay(overlay);
		return overlay;
	}

	/** The widest montage made, in pixels: larger ones are scaled down to it (92 frames of 1024 px would be 10,240 px). */
	static final int MONTAGE_MAX_WIDTH = 4096;

	/**
	 * Every tracked plane of the input's {@code channel} in grey with the objects' outlines and IDs,
	 * tiled into one RGB image to check a whole run at a glance ("&lt;input&gt;-montage"), scaled down
	 * to at most {@value #MONTAGE_MAX_WIDTH} pixels wide.
	 */
	public static ImagePlus montage(ImagePlus input, int channel, HyperstackTracking.Result result) {
		ImagePlus labels = result.labels();
		ij.ImageStack planes = new ij.ImageStack(input.getWidth(), input.getHeight());
		for (int i = 1; i <= labels.getStackSize(); i++) {
			int[] czt = labels.convertIndexToPosition(i);
			planes.addSlice(input.getStack().getProcessor(input.getStackIndex(channel, czt[1], czt[2])));
		}
		int columns = (int) Math.ceil(Math.sqrt(planes.getSize()));
		ImagePlus montage = io.github.sam2fiji.export.OverlayMontage.render(new ImagePlus(input.getTitle(), planes), labels, columns);
		if (montage.getWidth() > MONTAGE_MAX_WIDTH) {
			double scale = (double) MONTAGE_MAX_WIDTH / montage.getWidth();
			montage.setProcessor(montage.getProcessor().resize(MONTAGE_MAX_WIDTH, (int) Math.round(montage.getHeight() * scale), true));
		}
		montage.setTitle(LabelImageWriter.uniqueTitle(input.getTitle(), "montage"));
		return montage;
	}

	/**
	 * Fills ImageJ's "Results" table (replacing its rows, as Analyze Particles does), so that macros
	 * read it with nResults and getResult; shown unless headless.
	 */
	public static ResultsTable showTable(HyperstackTracking.Result result) {
		ResultsTable table = ResultsTable.getResultsTable();
		table.reset();
		ResultsTables.fill(table, result.measurements(), result.prompts().names(), result.labels().getCalibration(), result.doubts());
		if (!GraphicsEnvironment.isHeadless()) table.show("Results");
		return table;
	}

	/** A TrackMate file of the result (TrackMateExporter), naming the input image TrackMate then opens with it. */
	public static void exportTrackMate(ImagePlus input, HyperstackTracking.Result result, Path file) throws IOException {
		io.github.sam2fiji.export.TrackMateExporter.write(input, result.labels(), result.measurements(), result.prompts().names(), result.parents(), file);
	}

	public static void exportCtc(HyperstackTracking.Result result, Path folder) throws IOException {
		// written beside and renamed: never half a result, never an old result's files mixed in. A
		// folder holding anything but an earlier CTC result (maskTTT.tif, res_track.txt) is refused,
		// so no file of the user's is deleted.
		boolean earlierResult;
		try (java.util.stream.Stream<Path> files = java.nio.file.Files.isDirectory(folder) ? java.nio.file.Files.list(folder) : java.util.stream.Stream.empty()) {
			earlierResult = files.allMatch(f -> f.getFileName().toString().matches("mask\\d+\\.tif|res_track\\.txt"));
		}
		if (!earlierResult)
			throw new IllegalArgumentException("Cell Tracking Challenge folder " + folder + " holds other files than a CTC result: choose an empty or new folder");
		AtomicOutputs.writeFolder(folder, true, temp -> CtcExporter.write(result.labels(), result.parents(), temp));
	}
}
