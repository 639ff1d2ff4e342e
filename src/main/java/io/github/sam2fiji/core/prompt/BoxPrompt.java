package io.github.sam2fiji.core.prompt;

/** A box in frame pixel coordinates, corners (x0, y0) top-left and (x1, y1) bottom-right. */
public record BoxPrompt(double x0, double y0, double x1, double y1) {

	public BoxPrompt {
		if (!(Double.isFinite(x0) && Double.isFinite(y0) && Double.isFinite(x1) && Double.isFinite(y1)))
			throw new IllegalArgumentException("Box coordinates must be finite");
		if (x1 <= x0 || y1 <= y0)
			throw new IllegalArgumentException("Box must have positive width and height, got (" + x0 + ", " + y0 + ")-(" + x1 + ", " + y1 + ")");
	}
}
