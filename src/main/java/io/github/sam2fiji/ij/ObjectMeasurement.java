package io.github.sam2fiji.ij;

/**
 * One object on one plane of the label image, measured from the written labels (after overlaps
 * were resolved), with the model's scores.
 *
 * @param objectId label value
 * @param z 1-based z slice of the plane
 * @param t 1-based time point of the plane
 * @param area pixels carrying the label
 * @param centroidX mean x of those pixels' centres (pixels), NaN when the area is 0
 * @param centroidY mean y, as {@code centroidX}
 * @param objectScore the model's object-presence score
 * @param iou the model's predicted IoU
 * @param present whether the model judged the object present
 * @param lostToOthers pixels the model gave this object that another object got (overlaps resolved
 *          by the tracker or when the labels were painted): an overlap fight
 * @param stability SAM's stability score of the model's mask, NaN where it gave none (absent, held)
 */
public record ObjectMeasurement(int objectId, int z, int t, int area, double centroidX, double centroidY, float objectScore, float iou, boolean present, int lostToOthers,
	float stability) {

	/** A measurement without a stability score. */
	public ObjectMeasurement(int objectId, int z, int t, int area, double centroidX, double centroidY, float objectScore, float iou, boolean present, int lostToOthers) {
		this(objectId, z, t, area, centroidX, centroidY, objectScore, iou, present, lostToOthers, Float.NaN);
	}

	/** A measurement without an overlap fight nor a stability score. */
	public ObjectMeasurement(int objectId, int z, int t, int area, double centroidX, double centroidY, float objectScore, float iou, boolean present) {
		this(objectId, z, t, area, centroidX, centroidY, objectScore, iou, present, 0);
	}

	/** This measurement, said of the input's plane (z, t): Segment's one-plane label image is of that plane. */
	public ObjectMeasurement onPlane(int z, int t) {
		return new ObjectMeasurement(objectId, z, t, area, centroidX, centroidY, objectScore, iou, present, lostToOthers, stability);
	}
}
