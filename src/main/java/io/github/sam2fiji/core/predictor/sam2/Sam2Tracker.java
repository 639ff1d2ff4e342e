package io.github.sam2fiji.core.predictor.sam2;

import io.github.sam2fiji.core.image.FramePreprocessor;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.image.PercentileNormalization;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.runtime.OnnxRuntime;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.ImageFeatures;

/**
 * A SAM 2 package (kind "sam2", docs/model-format.md) run through ONNX Runtime: image mode and
 * video tracking with memory, as the official SAM2VideoPredictor does it (docs/sam2-runtime.md).
 */
public final class Sam2Tracker implements Tracker {

	private final Sam2Model model;
	private final Sam2FrameStep step;
	private final OnnxRuntime runtime;
	private final PercentileNormalization normalization;
	/** "SAM 2.1 hiera-t" from the package's source config; the log line says which family runs. */
	private final String family;

	public Sam2Tracker(ModelPackage model, RuntimeOptions options) {
		this(model, options, PercentileNormalization.DEFAULT);
	}

	/** @param normalization how frames of more than 8 bits are mapped to 0..1 before the model's own preprocessing */
	public Sam2Tracker(ModelPackage model, RuntimeOptions options, PercentileNormalization normalization) {
		this.runtime = new OnnxRuntime(options);
		this.model = new Sam2Model(model, runtime);
		this.step = new Sam2FrameStep(this.model);
		this.normalization = normalization;
		this.family = family(model);
	}

	/** "SAM 2.1 hiera-t" for config sam2.1_hiera_t, "SAM 2 hiera-b+" for sam2_hiera_b+, else "SAM 2 (CONFIG)". */
	static String family(ModelPackage model) {
		com.google.gson.JsonObject source = model.manifest().getAsJsonObject("source");
		String config = source != null && source.has("config") && source.get("config").isJsonPrimitive() ? source.get("config").getAsString() : "";
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("sam(2(?:\\.1)?)_hiera_(t|s|b\\+|l)").matcher(config);
		if (m.matches()) return "SAM " + m.group(1) + " hiera-" + m.group(2);
		return config.isEmpty() ? "SAM 2" : "SAM 2 (" + config + ")";
	}

	/**
	 * A session with the package's settings unless {@code options} override them: overlaps
	 * ({@code non_overlap_masks}) and the correction policy ({@code add_all_frames_to_correct_as_cond}:
	 * true, what scripts/export_sam2.py writes by default, makes a prompt on an already tracked frame a
	 * conditioning frame, so re-propagation keeps the correction; false is the official default, where
	 * the next propagation recomputes that frame without it).
	 */
	@Override
	public TrackingSession newSession(FrameSource frames, SessionOptions options) {
		if (frames.frameCount() < 1) throw new IllegalArgumentException("The sequence has no frames");
		return new Sam2Session(model, step, features(frames, options.imageCacheBytes()), true, options);
	}

	/** A session on image features shared with the caller's other sessions and searches on the sequence. */
	@Override
	public TrackingSession newSession(FrameEncodings<?> encodings, SessionOptions options) {
		return new Sam2Session(model, step, encodings.checkedFor(this), false, options);
	}

	/** Image mode: the frame in hand's features are kept (the generator searches one frame at a time). */
	@Override
	public ClickCandidates clickCandidates(FrameSource frames) {
		return clickCandidates(features(frames, 0));
	}

	@Override
	public ClickCandidates clickCandidates(FrameEncodings<?> encodings) {
		if (encodings.frames().frameCount() < 1) throw new IllegalArgumentException("The sequence has no frames");
		return new Sam2ClickCandidates(model, step, encodings.checkedFor(this));
	}

	/** The frames' image features (backbone levels and positional encodings) as this model computes them; 2 frames at least kept. */
	@Override
	public FrameEncodings<?> encodings(FrameSource frames, long budgetBytes) {
		return features(frames, budgetBytes);
	}

	private FrameEncodings<ImageFeatures> features(FrameSource frames, long budgetBytes) {
		Sam2Settings s = model.settings;
		FramePreprocessor preprocessor = new FramePreprocessor(s.imageSize(), s.mean(), s.std(), normalization);
		return new FrameEncodings<>(this, frames, budgetBytes, Sam2Session.FEATURE_CACHE_FRAMES, ImageFeatures::bytes,
			f -> model.encodeImage(preprocessor.apply(frames.readForModel(f), frames.bitDepth())));
	}

	/** The model's input side S (frames are resized to S x S). */
	public int imageSize() {
		return model.settings.imageSize();
	}

	/** Graph name -> {total nanoseconds, calls} since the tracker was opened (diagnostics, benchmark). */
	java.util.Map<String, long[]> graphTimings() {
		return model.timings();
	}

	/** Tells {@code listener} of every graph call (benchmark diagnostics). */
	void setGraphCallListener(Sam2Model.GraphCallListener listener) {
		model.setCallListener(listener);
	}

	@Override
	public String describe() {
		return model.name() + " (" + family + ", video memory, " + imageSize() + " px) on " + runtime.describe();
	}

	@Override
	public void close() {
		model.close();
	}
}
