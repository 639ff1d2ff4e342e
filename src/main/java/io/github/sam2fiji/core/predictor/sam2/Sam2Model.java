package io.github.sam2fiji.core.predictor.sam2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.google.gson.JsonObject;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.runtime.InputTensors;
import io.github.sam2fiji.core.runtime.OnnxRuntime;
import io.github.sam2fiji.core.runtime.OrtTensors;

/**
 * The five graphs and the small tensors of a SAM 2 package (docs/model-format.md), each graph
 * behind one plain Java method taking and returning flat float arrays (NCHW, C order). Holds the
 * ONNX Runtime sessions; not thread-safe, close it when done.
 */
final class Sam2Model implements AutoCloseable {

	/** Diagnostics hook around each graph call. */
	interface GraphCallListener {
		GraphCallListener NONE = new GraphCallListener() {};

		default void before(String graph) {}

		default void after(String graph) {}
	}

	/** One frame's image-encoder outputs; shared by all objects on that frame. */
	record ImageFeatures(float[] highRes0, float[] highRes1, float[] visionFeat, float[] visionPos) {
		long bytes() {
			return 4L * (highRes0.length + highRes1.length + visionFeat.length + visionPos.length);
		}
	}

	/** sam_heads.onnx outputs for B objects: masks [B,4,L,L], ious [B,4], pointers [B,4,C], scores [B]. */
	record HeadsOutput(float[] masks, float[] ious, float[] pointers, float[] objectScores) {}

	/** Prompt of one object for sam_heads.onnx: coordinates in model pixels, labels, optional L x L mask logits. */
	record HeadsPrompt(float[] coords, int[] labels, float[] maskInput) {
		int points() {
			return labels.length;
		}
	}

	final Sam2Settings settings;
	final float[] noMemEmbed;
	final float[] maskmemTposEnc;
	final float[] noObjPtr;
	/** Reused direct buffers for every graph input (see InputTensors: bounded native memory, no copy). */
	private final InputTensors inputs;
	private final OrtSession imageEncoder, heads, maskDownsample, memoryEncoder, memoryAttention;
	private final String name;
	/** Time spent in each graph and its call count, for diagnostics and the benchmark (scripts/bench). */
	private final Map<String, long[]> timings = new java.util.LinkedHashMap<>();
	/** Told of every graph call before and after it runs (the benchmark's per-graph resident memory); none by default. */
	private GraphCallListener callListener = GraphCallListener.NONE;

	Sam2Model(ModelPackage model, OnnxRuntime runtime) {
		if (!"sam2".equals(model.kind()))
			throw new ModelFormatException("Model " + model.name() + " is of kind '" + model.kind() + "', not a SAM 2 package");
		JsonObject manifest = model.manifest();
		Path where = model.folder().resolve(ModelPackage.MANIFEST);
		this.settings = Sam2Settings.read(manifest, where);
		this.name = model.name();
		this.inputs = new InputTensors(runtime.environment());
		int c = settings.hiddenDim(), m = settings.memDim();
		noMemEmbed = tensor(model, manifest, "no_mem_embed", c);
		maskmemTposEnc = tensor(model, manifest, "maskmem_tpos_enc", settings.numMaskmem() * m);
		noObjPtr = tensor(model, manifest, "no_obj_ptr", c);
		List<OrtSession> opened = new ArrayList<>();
		try {
			imageEncoder = open(model, manifest, runtime, "image_encoder", opened, List.of("image"),
				List.of("high_res_feat0", "high_res_feat1", "vision_feat", "vision_pos"));
			heads = open(model, manifest, runtime, "sam_heads", opened,
				List.of("pix_feat", "high_res_feat0", "high_res_feat1", "point_coords", "point_labels", "mask_input", "has_mask_input"),
				List.of("masks", "iou_predictions", "object_pointers", "object_score_logits"));
			maskDownsample = open(model, manifest, runtime, "mask_downsample", opened, List.of("mask"), List.of("mask_for_decoder"));
			memoryEncoder = open(model, manifest, runtime, "memory_encoder", opened,
				List.of("pix_feat", "mask_high_res", "object_score_logits", "binarize_mask"), List.of("maskmem_features", "maskmem_pos_enc"));
			memoryAttention = open(model, manifest, runtime, "memory_attention", opened,
				List.of("vision_feat", "vision_pos", "memory", "memory_pos", "object_pointers", "object_pointer_tpos"), List.of("pix_feat_with_mem"));
		}
		catch (RuntimeException e) {
			OrtTensors.closeQuietly(opened.toArray(OrtSession[]::new));
			throw e;
		}
	}

	String name() {
		return name;
	}

	/** Opens a graph and checks that it has the inputs and outputs docs/model-format.md gives it. */
	private static OrtSession open(ModelPackage model, JsonObject manifest, OnnxRuntime runtime, String graph, List<OrtSession> opened,
		List<String> inputs, List<String> outputs) {
		JsonObject graphs = manifest.has("graphs") ? manifest.getAsJsonObject("graphs") : null;
		if (graphs == null || !graphs.has(graph))
			throw new ModelFormatException("Model " + model.name() + " lacks the graph '" + graph + "' in model.json \"graphs\"");
		String file = graphs.getAsJsonObject(graph).get("file").getAsString();
		OrtSession session = runtime.open(model.file(file).toString(), model.readVerified(model.file(file)));
		opened.add(session);
		if (!session.getInputNames().containsAll(inputs) || !session.getOutputNames().containsAll(outputs))
			throw new ModelFormatException("Graph " + file + " of model " + model.name() + " is not a SAM 2 '" + graph + "' graph: it has inputs "
				+ session.getInputNames() + " and outputs " + session.getOutputNames() + ", expected " + inputs + " and " + outputs);
		return session;
	}

	private static float[] tensor(ModelPackage model, JsonObject manifest, String tensor, int expectedLength) {
		JsonObject tensors = manifest.has("tensors") ? manifest.getAsJsonObject("tensors") : null;
		if (tensors == null || !tensors.has(tensor))
			throw new ModelFormatException("Model " + model.name() + " lacks the tensor '" + tensor + "' in model.json \"tensors\"");
		Path file = model.file(tensors.getAsJsonObject(tensor).get("file").getAsString());
		byte[] bytes = model.readVerified(file);
		if (bytes.length != 4L * expectedLength)
			throw new ModelFormatException("Tensor file " + file + " has " + bytes.length + " bytes, expected " + 4L * expectedLength + " (" + expectedLength + " float32 values)");
		float[] values = new float[expectedLength];
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
		return values;
	}

	/** image_encoder.onnx on one preprocessed 3 x S x S frame. */
	ImageFeatures encodeImage(float[] image) {
		int s = settings.imageSize();
		Map<String, OnnxTensor> in = new HashMap<>();
		try {
			in.put("image", inputs.floats("image_encoder/image", image, 1, 3, s, s));
			try (OrtSession.Result r = timed("image_encoder", imageEncoder, in)) {
				return new ImageFeatures(out(r, "high_res_feat0"), out(r, "high_res_feat1"), out(r, "vision_feat"), out(r, "vision_pos"));
			}
		}
		catch (OrtException e) {
			throw new IllegalStateException("Image encoder of " + name + " failed: " + e.getMessage(), e);
		}
		finally {
			close(in);
		}
	}

	/**
	 * sam_heads.onnx for {@code prompts.size()} objects on one frame. {@code pixFeat} holds B x C x h x h
	 * memory-conditioned features. Prompts are padded to the same point count with label -1.
	 */
	HeadsOutput heads(float[] pixFeat, ImageFeatures features, List<HeadsPrompt> prompts) {
		int b = prompts.size(), c = settings.hiddenDim(), h = settings.featureSize(), l = settings.lowResMaskSize();
		int p = 1;
		for (HeadsPrompt prompt : prompts) p = Math.max(p, prompt.points());
		float[] coords = new float[b * p * 2];
		int[] labels = new int[b * p];
		java.util.Arrays.fill(labels, -1);
		float[] masks = new float[b * l * l];
		float[] hasMask = new float[b];
		for (int o = 0; o < b; o++) {
			HeadsPrompt prompt = prompts.get(o);
			System.arraycopy(prompt.coords(), 0, coords, o * p * 2, prompt.coords().length);
			System.arraycopy(prompt.labels(), 0, labels, o * p, prompt.labels().length);
			if (prompt.maskInput() != null) {
				System.arraycopy(prompt.maskInput(), 0, masks, o * l * l, l * l);
				hasMask[o] = 1;
			}
		}
		Map<String, OnnxTensor> in = new HashMap<>();
		try {
			in.put("pix_feat", inputs.floats("sam_heads/pix_feat", pixFeat, b, c, h, h));
			in.put("high_res_feat0", inputs.floats("sam_heads/high_res_feat0", features.highRes0(), 1, c / 8, 4 * h, 4 * h));
			in.put("high_res_feat1", inputs.floats("sam_heads/high_res_feat1", features.highRes1(), 1, c / 4, 2 * h, 2 * h));
			in.put("point_coords", inputs.floats("sam_heads/point_coords", coords, b, p, 2));
			in.put("point_labels", inputs.ints("sam_heads/point_labels", labels, b, p));
			in.put("mask_input", inputs.floats("sam_heads/mask_input", masks, b, 1, l, l));
			in.put("has_mask_input", inputs.floats("sam_heads/has_mask_input", hasMask, b));
			try (OrtSession.Result r = timed("sam_heads", heads, in)) {
				return new HeadsOutput(out(r, "masks"), out(r, "iou_predictions"), out(r, "object_pointers"), out(r, "object_score_logits"));
			}
		}
		catch (OrtException e) {
			throw new IllegalStateException("SAM heads of " + name + " failed: " + e.getMessage(), e);
		}
		finally {
			close(in);
		}
	}

	/** mask_downsample.onnx on one binary S x S mask: L x L mask prompt for sam_heads. */
	float[] maskDownsample(float[] mask) {
		int s = settings.imageSize();
		Map<String, OnnxTensor> in = new HashMap<>();
		try {
			in.put("mask", inputs.floats("mask_downsample/mask", mask, 1, 1, s, s));
			try (OrtSession.Result r = timed("mask_downsample", maskDownsample, in)) {
				return out(r, "mask_for_decoder");
			}
		}
		catch (OrtException e) {
			throw new IllegalStateException("Mask downsampling of " + name + " failed: " + e.getMessage(), e);
		}
		finally {
			close(in);
		}
	}

	/**
	 * memory_encoder.onnx for one object: raw vision features, S x S mask logits, object score,
	 * binarise flag. Returns maskmem_features (M x h x h) and maskmem_pos_enc (M x h x h).
	 */
	float[][] encodeMemory(float[] visionFeat, float[] maskHighRes, float objectScore, boolean binarize) {
		int s = settings.imageSize(), c = settings.hiddenDim(), h = settings.featureSize();
		Map<String, OnnxTensor> in = new HashMap<>();
		try {
			in.put("pix_feat", inputs.floats("memory_encoder/pix_feat", visionFeat, 1, c, h, h));
			in.put("mask_high_res", inputs.floats("memory_encoder/mask_high_res", maskHighRes, 1, 1, s, s));
			in.put("object_score_logits", inputs.floats("memory_encoder/object_score_logits", new float[] { objectScore }, 1, 1));
			in.put("binarize_mask", inputs.floats("memory_encoder/binarize_mask", new float[] { binarize ? 1 : 0 }, 1));
			try (OrtSession.Result r = timed("memory_encoder", memoryEncoder, in)) {
				return new float[][] { out(r, "maskmem_features"), out(r, "maskmem_pos_enc") };
			}
		}
		catch (OrtException e) {
			throw new IllegalStateException("Memory encoder of " + name + " failed: " + e.getMessage(), e);
		}
		finally {
			close(in);
		}
	}

	/**
	 * memory_attention.onnx for one object: N memories (N x M x h x h features and positions, the
	 * temporal encoding already added to the positions, each written by its writer straight into
	 * the graph's input: 15 MB per object and frame at 1024 that need no heap array), K pointers
	 * (K x C) with their scaled temporal offsets. Returns C x h x h conditioned features.
	 */
	float[] attend(ImageFeatures features, int memories, Consumer<FloatBuffer> memory, Consumer<FloatBuffer> memoryPos, int pointers, float[] objectPointers,
		float[] pointerTpos) {
		int c = settings.hiddenDim(), h = settings.featureSize(), m = settings.memDim();
		Map<String, OnnxTensor> in = new HashMap<>();
		try {
			in.put("vision_feat", inputs.floats("memory_attention/vision_feat", features.visionFeat(), 1, c, h, h));
			in.put("vision_pos", inputs.floats("memory_attention/vision_pos", features.visionPos(), 1, c, h, h));
			in.put("memory", inputs.floats("memory_attention/memory", memory, 1, memories, m, h, h));
			in.put("memory_pos", inputs.floats("memory_attention/memory_pos", memoryPos, 1, memories, m, h, h));
			in.put("object_pointers", inputs.floats("memory_attention/object_pointers", objectPointers, 1, pointers, c));
			in.put("object_pointer_tpos", inputs.floats("memory_attention/object_pointer_tpos", pointerTpos, pointers));
			try (OrtSession.Result r = timed("memory_attention", memoryAttention, in)) {
				return out(r, "pix_feat_with_mem");
			}
		}
		catch (OrtException e) {
			throw new IllegalStateException("Memory attention of " + name + " failed: " + e.getMessage(), e);
		}
		finally {
			close(in);
		}
	}

	private OrtSession.Result timed(String graph, OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
		callListener.before(graph);
		long start = System.nanoTime();
		OrtSession.Result r = session.run(inputs);
		long end = System.nanoTime();
		callListener.after(graph);
		long[] t = timings.computeIfAbsent(graph, g -> new long[2]);
		t[0] += end - start;
		t[1]++;
		return r;
	}

	void setCallListener(GraphCallListener listener) {
		callListener = listener;
	}

	/** Graph name -> {total nanoseconds, calls} since the model was opened (a copy). */
	Map<String, long[]> timings() {
		Map<String, long[]> copy = new java.util.LinkedHashMap<>();
		timings.forEach((k, v) -> copy.put(k, v.clone()));
		return copy;
	}

	private static float[] out(OrtSession.Result result, String name) throws OrtException {
		return OrtTensors.floats((OnnxTensor) result.get(name).orElseThrow(() -> new ModelFormatException("Graph output '" + name + "' missing")));
	}

	private static void close(Map<String, OnnxTensor> tensors) {
		for (OnnxTensor t : tensors.values()) t.close();
	}

	@Override
	public void close() {
		OrtTensors.closeQuietly(imageEncoder, heads, maskDownsample, memoryEncoder, memoryAttention);
	}
}
