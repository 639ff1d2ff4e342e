package io.github.sam2fiji.core.predictor.sam2;

import java.util.ArrayList;
import java.util.List;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.image.Resampling;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.ImageFeatures;

/**
 * Image mode of a SAM 2 model: the frame encoded once, the clicks decoded without memory in batches
 * through the SAM heads ({@link Sam2FrameStep#clickCandidates}), each candidate's low-res logits
 * resized to the frame as the video predictor does.
 */
final class Sam2ClickCandidates implements ClickCandidates {

	/** Clicks per SAM heads run. */
	private static final int BATCH = 16;
	/** SAM's stability offset: the mask at logit +1 over the mask at logit -1. */
	private static final float STABILITY_OFFSET = 1f;

	private final Sam2Model model;
	private final Sam2FrameStep step;
	private final FrameSource frames;
	private final FrameEncodings<ImageFeatures> encodings;

	Sam2ClickCandidates(Sam2Model model, Sam2FrameStep step, FrameEncodings<ImageFeatures> encodings) {
		this.model = model;
		this.step = step;
		this.frames = encodings.frames();
		this.encodings = encodings;
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, CancellationToken cancel) {
		return candidates(frame, clicks, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, cancel);
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, double minPredictedIou, double minStability, CancellationToken cancel) {
		frames.checkIndex(frame);
		ImageFeatures features = encodings.get(frame);
		int w = frames.width(), h = frames.height(), l = model.settings.lowResMaskSize();
		float size = model.settings.imageSize();
		List<Candidate> out = new ArrayList<>();
		for (int from = 0; from < clicks.size(); from += BATCH) {
			cancel.throwIfCancelled();
			List<PointPrompt> batch = clicks.subList(from, Math.min(clicks.size(), from + BATCH));
			List<ObjectTrack.Points> points = new ArrayList<>();
			for (PointPrompt p : batch) {
				if (!p.positive()) throw new IllegalArgumentException("Image mode takes positive clicks, got " + p);
				// model pixels, as the session maps clicks
				points.add(new ObjectTrack.Points(new float[] { (float) p.x() / w * size, (float) p.y() / h * size }, new int[] { 1 }));
			}
			for (Sam2FrameStep.ClickCandidate c : step.clickCandidates(features, points)) {
				float stability = MaskLogits.stability(c.lowRes(), STABILITY_OFFSET);
				if (!ClickCandidates.passes(c.iou(), stability, minPredictedIou, minStability)) continue;
				BinaryMask mask = BinaryMask.threshold(w, h, Resampling.bilinear(c.lowRes(), l, l, w, h), 0f);
				out.add(new Candidate(batch.get(c.click()), mask, c.iou(), stability, c.objectScore()));
			}
		}
		return out;
	}
}
