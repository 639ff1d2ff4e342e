package io.github.sam2fiji.ij;

import java.util.List;
import java.util.Map;

import ij.measure.Calibration;
import ij.measure.ResultsTable;

/** The per-object, per-plane results table: one row per object and plane of the label image. */
public final class ResultsTables {

	private ResultsTables() {}

	/**
	 * Columns: Object (label), Name, Z, T (1-based), Area and X, Y (centroid) in calibrated units,
	 * Area (pixels), Object score, IoU, Present (1/0).
	 */
	public static ResultsTable of(List<ObjectMeasurement> measurements, Map<Integer, String> names, Calibration calibration) {
		ResultsTable table = new ResultsTable();
		fill(table, measurements, names, calibration);
		return table;
	}

	/** Adds the rows to {@code table} (e.g. ImageJ's "Results" table, after a reset). */
	public static void fill(ResultsTable table, List<ObjectMeasurement> measurements, Map<Integer, String> names, Calibration calibration) {
		fill(table, measurements, names, calibration, Map.of());
	}

	/** As above, with a Doubt column: the object's doubts ({@link Doubts}), empty for objects without. */
	public static void fill(ResultsTable table, List<ObjectMeasurement> measurements, Map<Integer, String> names, Calibration calibration,
		Map<Integer, List<String>> doubts) {
		Calibration cal = calibration == null ? new Calibration() : calibration;
		for (ObjectMeasurement m : measurements) {
			table.incrementCounter();
			table.addValue("Object", m.objectId());
			table.addValue("Name", names.getOrDefault(m.objectId(), "object " + m.objectId()));
			table.addValue("Z", m.z());
			table.addValue("T", m.t());
			table.addValue("Area", m.area() * cal.pixelWidth * cal.pixelHeight);
			table.addValue("Area (pixels)", m.area());
			table.addValue("X", Double.isNaN(m.centroidX()) ? Double.NaN : cal.getX(m.centroidX()));
			table.addValue("Y", Double.isNaN(m.centroidY()) ? Double.NaN : cal.getY(m.centroidY(), 0));
			table.addValue("Object score", m.objectScore());
			table.addValue("IoU", m.iou());
			table.addValue("Stability", m.stability());
			table.addValue("Present", m.present() ? 1 : 0);
			table.addValue("Doubt", String.join("; ", doubts.getOrDefault(m.objectId(), List.of())));
		}
	}
}
