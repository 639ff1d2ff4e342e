package io.github.sam2fiji.core.predictor.sam2;

import java.nio.file.Path;

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
		if (!r.bool("directly_add_no_mem_embed"))
			throw new ModelFormatException(where + ": directly_add_no_mem_embed = false is not supported by this runtime (all official SAM 2 / 2.1 configs use true)");
		if (!r.bool("use_mask_input_as_output_without_sam"))
			throw new ModelFormatException(where + ": use_mask_input_as_output_without_sam = false is not supported by this runtime (all official SAM 2 / 2.1 configs use true)");
		if (!r.bool("use_obj_ptrs_in_encoder") || !r.bool("pred_obj_scores"))
			throw new ModelFormatException(where + ": packages without object pointers or object scores are not supported (all official SAM 2 / 2.1 configs have them)");
		if (s.featureSize * 16 != s.imageSize || s.lowResMaskSize != 4 * s.featureSize)
			throw new ModelFormatException(where + ": inconsistent sizes (image " + imageSize + ", features " + featureSize + ", low-res masks " + s.lowResMaskSize + ")");
		return s;
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
