package io.github.sam2fiji.core.predictor.sam1;

import java.util.ArrayList;
import java.util.List;

import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * A prompt in the SAM 1 decoder's terms: points in model input coordinates with labels (1 object,
 * 0 background, 2 and 3 box corners, -1 padding), and an optional low-res mask input.
 *
 * @param coords x, y pairs in model pixels
 * @param labels one per point
 * @param maskInput low-res logits fed back to the decoder, or null
 * @param ambiguous whether SAM would ask for several masks (one click, no box, no mask input)
 */
record DecoderPrompt(float[] coords, float[] labels, float[] maskInput, boolean ambiguous) {

	DecoderPrompt {
		if (coords.length != 2 * labels.length || labels.length == 0) throw new IllegalArgumentException("Need one x, y pair per label, at least one point");
	}

	int pointCount() {
		return labels.length;
	}

	/** The same points without a mask input. */
	DecoderPrompt withoutMaskInput() {
		return new DecoderPrompt(coords, labels, null, ambiguous);
	}

	/**
	 * Points and/or a box in frame pixels, scaled into the model input; without a box SAM 1 exports
	 * expect a padding point (0, 0) with label -1, which is appended.
	 */
	static DecoderPrompt of(List<PointPrompt> points, BoxPrompt box, float[] maskInput, FrameGeometry g) {
		List<float[]> pts = new ArrayList<>();
		double s = g.scale();
		for (PointPrompt p : points) pts.add(new float[] { (float) (p.x() * s), (float) (p.y() * s), p.positive() ? 1 : 0 });
		if (box != null) {
			pts.add(new float[] { (float) (box.x0() * s), (float) (box.y0() * s), 2 });
			pts.add(new float[] { (float) (box.x1() * s), (float) (box.y1() * s), 3 });
		}
		else pts.add(new float[] { 0, 0, -1 });
		float[] coords = new float[2 * pts.size()], labels = new float[pts.size()];
		for (int i = 0; i < pts.size(); i++) {
			coords[2 * i] = pts.get(i)[0];
			coords[2 * i + 1] = pts.get(i)[1];
			labels[i] = pts.get(i)[2];
		}
		boolean ambiguous = points.size() == 1 && box == null && maskInput == null;
		return new DecoderPrompt(coords, labels, maskInput, ambiguous);
	}
}
