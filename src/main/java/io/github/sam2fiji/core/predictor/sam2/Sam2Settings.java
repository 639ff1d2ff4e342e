package io.github.sam2fiji.core.predictor.sam2;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.model.ModelFormatException;

/**
 * The numbers and switches of a SAM 2 package's {@code architecture} and {@code preprocessing}
 * (docs/model-format.md) that the runtime needs between the graphs.
 */
record Sam2Settings(
	int imageSize, int featureSize, int lowResMaskSize, int hiddenDim, int memDim,
	int numMaskmem, int maxObjectPointers, int maxCondFrames, int memoryStride,
	boolean directlyAddNoMemEmbed, boolean binarizeMaskFromPoints,
	boolean maskInputAsOutput, float maskAsOutputScale, float maskAsOutputBias,
	boolean multimaskInSam, int multimaskMinPoints, int multimaskMaxPoints, boolean multimaskForTracking,
	boolean multimaskTokenForPointer,
	boolean dynamicMultimask, float stabilityDelta, float stabilityThreshold,
	boolean onlyPastPointers, boolean signedPointerPositions,
	int fillHoleArea, boolean nonOverlapMasks, boolean addAllCorrectedFramesAsConditioning,
	float[] mean, float[] std) {

	static Sam2Settings read(JsonObject manifest, Path where) {
		if (!manifest.has("architecture") || !manifest.get("architecture").isJsonObject())
			throw new ModelFormatException(where + " has no \"architecture\" section: not a SAM 2 package written by scripts/export_sam2.py");
		JsonObject a = manifest.getAsJsonObject("architecture");
		JsonObject p = manifest.has("preprocessing") ? manifest.getAsJsonObject("preprocessing") : new JsonObject();
		Reader r = new Reader(a, where);
		int imageSize = r.integer("image_size");
		int featureSize = r.integer("feature_size");
		Sam2Settings s = new Sam2Settings(imageSize, featureSize, r.integer("low_res_mask_size"), r.integer("hidden_dim"), r.integer("mem_dim"),
			r.integer("num_maskmem"), r.integer("max_obj_ptrs_in_encoder"), r.integer("max_cond_frames_in_attn"),
			r.integer("memory_temporal_stride_for_eval"),
			r.bool("directly_add_no_mem_embed"), r.bool("binarize_mask_from_pts_for_mem_enc"),
			r.bool("use_mask_input_as_output_without_sam"), r.number("mask_as_output_scale"), r.number("mask_as_output_bias"),
			r.bool("multimask_output_in_sam"), r.integer("multimask_min_pt_num"), r.integer("multimask_max_pt_num"),
			r.bool("multimask_output_for_tracking"), r.bool("use_multimask_token_for_obj_ptr"),
			r.bool("dynamic_multimask_via_stability"), r.number("dynamic_multimask_stability_delta"),
			r.number("dynamic_multimask_stability_thresh"),
			r.bool("only_obj_ptrs_in_the_past_for_eval"), r.bool("use_signed_tpos_enc_to_obj_ptrs"),
			r.integer("fill_hole_area"), r.bool("non_overlap_masks"), r.bool("add_all_frames_to_correct_as_cond"),
			triple(p, "mean", new float[] { 0.485f, 0.456f, 0.406f }, where),
			triple(p, "std", new float[] { 0.229f, 0.224f, 0.225f }, where));
		for (String key : a.keySet())
			if (!READ.contains(key) && !IN_GRAPHS.contains(key) && !REQUIRED.containsKey(key))
				throw new ModelFormatException(where + ": architecture." + key + " is a setting this runtime does not know, so it cannot honour it "
					+ "(a package from a newer exporter? update the plugin)");
		for (Map.Entry<String, Object> required : REQUIRED.entrySet()) {
			JsonElement value = r.get(required.getKey());
			boolean same = required.getValue() instanceof Boolean b ? value.getAsBoolean() == b : value.getAsDouble() == ((Number) required.getValue()).doubleValue();
			if (!same)
				throw new ModelFormatException(where + ": architecture." + required.getKey() + " = " + value + " is not supported by this runtime, only "
					+ required.getValue() + " (" + WHY_REQUIRED.get(required.getKey()) + ")");
		}
		if (s.featureSize * 16 != s.imageSize || s.lowResMaskSize != 4 * s.featureSize)
			throw new ModelFormatException(where + ": inconsistent sizes (image " + imageSize + ", features " + featureSize + ", low-res masks " + s.lowResMaskSize + ")");
		return s;
	}

	/** Architecture keys the runtime reads and follows (the fields of this record). */
	private static final Set<String> READ = Set.of("image_size", "feature_size", "low_res_mask_size", "hidden_dim", "mem_dim", "num_maskmem",
		"max_obj_ptrs_in_encoder", "max_cond_frames_in_attn", "memory_temporal_stride_for_eval", "binarize_mask_from_pts_for_mem_enc",
		"mask_as_output_scale", "mask_as_output_bias", "multimask_output_in_sam", "multimask_min_pt_num", "multimask_max_pt_num",
		"multimask_output_for_tracking", "use_multimask_token_for_obj_ptr", "dynamic_multimask_via_stability", "dynamic_multimask_stability_delta",
		"dynamic_multimask_stability_thresh", "only_obj_ptrs_in_the_past_for_eval", "use_signed_tpos_enc_to_obj_ptrs", "fill_hole_area",
		"non_overlap_masks", "add_all_frames_to_correct_as_cond");

	/**
	 * Architecture keys the exporter bakes into the graphs (whatever their value, the graphs follow
	 * them), recorded for information; the sizes among them are checked against the graphs when they open.
	 */
	private static final Set<String> IN_GRAPHS = Set.of("backbone_stride", "high_res_feature_channels", "high_res_feature_sizes",
		"pointer_tokens_per_frame", "num_mask_tokens", "sigmoid_scale_for_mem_enc", "sigmoid_bias_for_mem_enc", "iou_prediction_use_sigmoid",
		"add_tpos_enc_to_obj_ptrs", "proj_tpos_enc_in_obj_ptrs", "no_obj_embed_spatial");

	/** Architecture keys with the only value this runtime implements (every official SAM 2 / 2.1 config has it). */
	private static final Map<String, Object> REQUIRED = new LinkedHashMap<>();
	private static final Map<String, String> WHY_REQUIRED = new LinkedHashMap<>();

	static {
		required("directly_add_no_mem_embed", true, "all official SAM 2 / 2.1 configs use true");
		required("use_mask_input_as_output_without_sam", true, "all official SAM 2 / 2.1 configs use true");
		required("use_obj_ptrs_in_encoder", true, "all official configs have object pointers");
		required("pred_obj_scores", true, "all official configs have object scores");
		required("fixed_no_obj_ptr", true, "an absent object's pointer is the learned no_obj_ptr in all official configs");
		required("soft_no_obj_ptr", false, "all official configs use the hard presence gate");
		required("non_overlap_masks_for_mem_enc", false, "the official default: overlaps are resolved in the outputs only");
		required("no_obj_score", MaskLogits.NO_OBJECT_SCORE, "the official constant");
		required("clear_non_cond_mem_around_input", false, "the official predictor this runtime follows (2b90b9f) fails with true: it calls "
			+ "_clear_obj_non_cond_mem_around_input, which does not exist, so there is no reference behaviour to reproduce");
	}

	private static void required(String key, Object value, String why) {
		REQUIRED.put(key, value);
		WHY_REQUIRED.put(key, why);
	}

	MemorySelection memorySelection() {
		return new MemorySelection(numMaskmem, memoryStride, maxCondFrames, maxObjectPointers, onlyPastPointers, signedPointerPositions);
	}

	/** _use_multimask: multimask output for this many prompt points (box corners count, padding not). */
	boolean multimask(boolean initialConditioningFrame, int points) {
		return multimaskInSam && (initialConditioningFrame || multimaskForTracking) && multimaskMinPoints <= points && points <= multimaskMaxPoints;
	}

	private static float[] triple(JsonObject o, String key, float[] fallback, Path where) {
		if (!o.has(key)) return fallback;
		JsonArray arr = o.getAsJsonArray(key);
		if (arr.size() != 3) throw new ModelFormatException(where + ": preprocessing." + key + " needs 3 values");
		float[] v = new float[3];
		for (int i = 0; i < 3; i++) v[i] = arr.get(i).getAsFloat();
		for (float x : v)
			if (!Float.isFinite(x) || (key.equals("std") && !(x > 0)))
				throw new ModelFormatException(where + ": preprocessing." + key + " must be " + (key.equals("std") ? "positive " : "") + "numbers, got " + java.util.Arrays.toString(v));
		return v;
	}

	private record Reader(JsonObject o, Path where) {
		JsonElement get(String key) {
			JsonElement e = o.get(key);
			if (e == null || e.isJsonNull()) throw new ModelFormatException(where + ": architecture lacks \"" + key + "\" (re-export the model with a current scripts/export_sam2.py)");
			return e;
		}

		int integer(String key) {
			return get(key).getAsInt();
		}

		float number(String key) {
			return get(key).getAsFloat();
		}

		boolean bool(String key) {
			return get(key).getAsBoolean();
		}
	}
}
