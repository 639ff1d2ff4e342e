package io.github.sam2fiji.core.predictor.sam1;

import java.util.ArrayList;
import java.util.List;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * Image mode of a SAM 1 interface model: the frame encoded once, each click decoded alone, as SAM's
 * automatic mask generator does (multimask output: the three whole/part/subpart candidates; a
 * single-mask decoder export gives its one mask).
 */
final class Sam1ClickCandidates implements ClickCandidates {

	private final FrameSource frames;
	private final FrameEncodings<float[]> embeddings;
	private final Sam1Model networks;
	private final int lowResSize;
	private final FrameGeometry geometry;

	Sam1ClickCandidates(FrameEncodings<float[]> embeddings, Sam1Model networks, Sam1Preprocessor preprocessor, int lowResSize) {
		this.frames = embeddings.frames();
		this.embeddings = embeddings;
		this.networks = networks;
		this.lowResSize = lowResSize;
		this.geometry = preprocessor.geometry(frames.width(), frames.height());
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, CancellationToken cancel) {
		return candidates(frame, clicks, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, cancel);
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, double minPredictedIou, double minStability, CancellationToken cancel) {
		frames.checkIndex(frame);
		float[] embedding = embeddings.get(frame);
		List<Candidate> out = new ArrayList<>();
		for (PointPrompt click : clicks) {
			cancel.throwIfCancelled();
			if (!click.positive()) throw new IllegalArgumentException("Image mode takes positive clicks, got " + click);
			MaskCandidates decoded = networks.decode(embedding, DecoderPrompt.of(List.of(click), null, null, geometry), geometry);
			// with all four outputs, token 0 is the single-mask answer: SAM's generator takes the three multimask ones
			int first = decoded.ious().length == 4 ? 1 : 0;
			for (int k = first; k < decoded.ious().length; k++) {
				float[] lowRes = decoded.logits()[k];
				float stability = (float) LowResMasks.stability(lowRes, lowResSize, geometry);
				if (!ClickCandidates.passes(decoded.ious()[k], stability, minPredictedIou, minStability)) continue;
				BinaryMask mask = BinaryMask.threshold(geometry.width(), geometry.height(), LowResMasks.toFrame(lowRes, lowResSize, geometry), 0);
				out.add(new Candidate(click, mask, decoded.ious()[k], stability, decoded.ious()[k]));
			}
		}
		return out;
	}
}
