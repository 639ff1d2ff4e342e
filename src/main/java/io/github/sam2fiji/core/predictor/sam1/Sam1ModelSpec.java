package io.github.sam2fiji.core.predictor.sam1;

import java.nio.file.Path;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.model.ModelPackage;

/**
 * What a "sam1" model package says about its graphs and preprocessing (docs/model-format.md,
 * section "SAM 1 interface packages").
 *
 * @param encoder image encoder graph
 * @param encoderInput its input name ([1,3,L,L] float)
 * @param encoderOutput its output name (image embeddings [1,256,64,64])
 * @param decoder prompt/mask decoder graph with the SAM 1 export interface
 * @param longestSide L: the frame's longest side is resized to this, the rest padded bottom/right
 * @param pixelMean per-channel mean in 0-255 units
 * @param pixelStd per-channel standard deviation in 0-255 units
 * @param lowResSize side of the decoder's low-res mask logits (256)
 * @param allMasksOutput decoder output with all candidate low-res masks, or null for a single-mask decoder
 * @param allIousOutput decoder output with all candidates' predicted IoUs, or null
 */
public record Sam1ModelSpec(Path encoder, String encoderInput, String encoderOutput, Path decoder, int longestSide,
		float[] pixelMean, float[] pixelStd, int lowResSize, String allMasksOutput, String allIousOutput) {

	/** Stock SAM 1 decoder output names (the in-graph choice of one candidate). */
	public static final String LOW_RES_MASKS = "low_res_masks";
	public static final String IOU_PREDICTIONS = "iou_predictions";

	public static Sam1ModelSpec of(ModelPackage model) {
		if (!"sam1".equals(model.kind()))
			throw new ModelFormatException("Model " + model.name() + " is of kind '" + model.kind() + "', not 'sam1'");
		JsonObject m = model.manifest();
		try {
			JsonObject pre = m.getAsJsonObject("preprocessing");
			JsonObject graphs = m.getAsJsonObject("graphs");
			JsonObject enc = graphs.getAsJsonObject("encoder");
			JsonObject dec = graphs.getAsJsonObject("decoder");
			JsonElement all = dec.get("all_candidates");
			String allMasks = null, allIous = null;
			if (all != null && all.isJsonObject()) {
				allMasks = all.getAsJsonObject().get("masks").getAsString();
				allIous = all.getAsJsonObject().get("iou_predictions").getAsString();
			}
			return new Sam1ModelSpec(model.file(enc.get("file").getAsString()), enc.get("input").getAsString(), enc.get("output").getAsString(),
					model.file(dec.get("file").getAsString()), pre.get("longest_side").getAsInt(), floats(pre.getAsJsonArray("pixel_mean")),
					positive(floats(pre.getAsJsonArray("pixel_std")), model.name()), dec.has("low_res_mask_size") ? dec.get("low_res_mask_size").getAsInt() : 256, allMasks, allIous);
		}
		catch (RuntimeException e) {
			if (e instanceof ModelFormatException) throw e;
			throw new ModelFormatException("Model " + model.name() + ": model.json lacks or garbles a sam1 field (preprocessing, graphs.encoder, graphs.decoder): " + e, e);
		}
	}

	/** Standard deviations divide the pixels: 0 would turn every frame into infinities. */
	private static float[] positive(float[] std, String model) {
		for (float v : std)
			if (!(v > 0) || !Float.isFinite(v)) throw new ModelFormatException("Model " + model + ": preprocessing.pixel_std must be positive numbers, got " + java.util.Arrays.toString(std));
		return std;
	}

	private static float[] floats(JsonArray a) {
		if (a.size() != 3) throw new ModelFormatException("Expected 3 values per channel, got " + a);
		float[] f = new float[3];
		for (int i = 0; i < 3; i++) f[i] = a.get(i).getAsFloat();
		return f;
	}

	/** Whether the decoder outputs all candidates (so this plugin chooses among them). */
	public boolean exposesAllCandidates() {
		return allMasksOutput != null && allIousOutput != null;
	}
}
