package io.github.sam2fiji.ij;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;
import io.github.sam2fiji.export.CtcExporter;

/** Hands a finished result to ImageJ: ROIs into the ROI Manager, a results table, a CTC export. */
public final class OutputPublisher {

	private OutputPublisher() {}

	/** Adds one ROI per object and plane to the ROI Manager (the hidden one in batch-mode macros). */
	public static List<Roi> addRois(HyperstackTracking.Result result) {
		List<Roi> rois = LabelRois.of(result.labels(), result.measurements(), result.prompts().names());
		RoiManager manager = RoiManager.getInstance();
		if (manager == null && Interpreter.isBatchMode()) manager = Interpreter.getBatchModeRoiManager();
		if (manager == null) manager = java.awt.GraphicsEnvironment.isHeadless() ? new RoiManager(true) : new RoiManager();
		for (Roi roi : rois) manager.addRoi(roi);
		return rois;
	}

	/** The results table, titled after the label image; shown unless headless. */
	public static ResultsTable showTable(HyperstackTracking.Result result) {
		ResultsTable table = ResultsTables.of(result.measurements(), result.prompts().names(), result.labels().getCalibration());
		if (!java.awt.GraphicsEnvironment.isHeadless()) table.show(result.labels().getTitle() + "-results");
		return table;
	}

	public static void exportCtc(HyperstackTracking.Result result, Path folder) throws IOException {
		CtcExporter.write(result.labels(), folder);
	}
}
