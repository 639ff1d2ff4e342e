package io.github.sam2fiji.core.predictor.sam1;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.runtime.InputTensors;
import io.github.sam2fiji.core.runtime.OnnxRuntime;
import io.github.sam2fiji.core.runtime.OrtTensors;

/** The two ONNX graphs of a SAM 1 interface model: image encoder and prompt/mask decoder. */
final class Sam1Networks implements Sam1Model, AutoCloseable {

	/** The decoder inputs {@link #decode} feeds: the SAM 1 export interface (docs/model-format.md). */
	private static final List<String> DECODER_INPUTS = List.of("image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size");

	private final Sam1ModelSpec spec;
	/** Reused direct buffers for the inputs (see InputTensors). */
	private final InputTensors inputs;
	private final OrtSession encoder;
	private final OrtSession decoder;
	private final Set<String> decoderOutputs;

	/** @param model the package the spec was read from: graphs are loaded from bytes checked against its manifest */
	Sam1Networks(Sam1ModelSpec spec, OnnxRuntime runtime, ModelPackage model) {
		this.spec = spec;
		this.inputs = new InputTensors(runtime.environment());
		this.encoder = runtime.open(spec.encoder().toString(), model.readVerified(spec.encoder()));
		try {
			this.decoder = runtime.open(spec.decoder().toString(), model.readVerified(spec.decoder()));
		}
		catch (RuntimeException e) {
			OrtTensors.closeQuietly(encoder);
			throw e;
		}
		// Asking only for the low-res outputs lets ONNX Runtime skip the stock graph's full-size upsampling.
		decoderOutputs = spec.exposesAllCandidates() ? Set.of(spec.allMasksOutput(), spec.allIousOutput())
				: Set.of(Sam1ModelSpec.LOW_RES_MASKS, Sam1ModelSpec.IOU_PREDICTIONS);
		try {
			// Checked now, so a package naming the wrong graph or tensors fails when it opens, not on the first frame.
			check(encoder, spec.encoder(), "encoder", List.of(spec.encoderInput()), List.of(spec.encoderOutput()));
			check(decoder, spec.decoder(), "decoder", DECODER_INPUTS, decoderOutputs.stream().sorted().toList());
		}
		catch (RuntimeException e) {
			OrtTensors.closeQuietly(encoder, decoder);
			throw e;
		}
	}

	private static void check(OrtSession session, Path file, String graph, List<String> inputs, List<String> outputs) {
		Set<String> hasInputs, hasOutputs;
		try {
			hasInputs = session.getInputNames();
			hasOutputs = session.getOutputNames();
		}
		catch (RuntimeException e) {
			throw new ModelFormatException("Cannot read the inputs and outputs of " + file + ": " + e.getMessage(), e);
		}
		if (!hasInputs.containsAll(inputs) || !hasOutputs.containsAll(outputs))
			throw new ModelFormatException("Graph " + file + " is not a SAM 1 " + graph + " as model.json describes it: it has inputs " + new TreeSet<>(hasInputs)
				+ " and outputs " + new TreeSet<>(hasOutputs) + ", expected " + inputs + " and " + outputs
				+ " (graphs." + graph + " in model.json). Fix the names there, or re-make the package (scripts/make_sam1_package.py).");
	}

	/** Image embeddings [1,256,64,64] of a preprocessed [3,L,L] input, flattened. */
	@Override
	public float[] encode(float[] input) {
		int side = spec.longestSide();
		try (OnnxTensor t = inputs.floats("encoder/" + spec.encoderInput(), input, 1, 3, side, side);
				OrtSession.Result r = encoder.run(Map.of(spec.encoderInput(), t))) {
			return OrtTensors.floats((OnnxTensor) r.get(spec.encoderOutput()).orElseThrow(() -> new IllegalStateException("Encoder gave no output " + spec.encoderOutput())));
		}
		catch (OrtException e) {
			throw new IllegalStateException("Image encoder failed: " + e.getMessage(), e);
		}
	}

	long[] embeddingShape() {
		// The SAM 1 image encoder's fixed output: 256 channels on a 64 x 64 grid for L = 1024.
		int grid = spec.longestSide() / 16;
		return new long[] { 1, 256, grid, grid };
	}

	@Override
	public MaskCandidates decode(float[] embedding, DecoderPrompt prompt, FrameGeometry g) {
		int size = spec.lowResSize();
		int n = prompt.pointCount();
		float[] mask = prompt.maskInput() != null ? prompt.maskInput() : new float[size * size];
		Map<String, OnnxTensor> in = new HashMap<>();
		try {
			in.put("image_embeddings", inputs.floats("decoder/image_embeddings", embedding, embeddingShape()));
			in.put("point_coords", inputs.floats("decoder/point_coords", prompt.coords(), 1, n, 2));
			in.put("point_labels", inputs.floats("decoder/point_labels", prompt.labels(), 1, n));
			in.put("mask_input", inputs.floats("decoder/mask_input", mask, 1, 1, size, size));
			in.put("has_mask_input", inputs.floats("decoder/has_mask_input", new float[] { prompt.maskInput() != null ? 1 : 0 }, 1));
			in.put("orig_im_size", inputs.floats("decoder/orig_im_size", new float[] { g.height(), g.width() }, 2));
			try (OrtSession.Result r = decoder.run(in, decoderOutputs)) {
				String masksName = spec.exposesAllCandidates() ? spec.allMasksOutput() : Sam1ModelSpec.LOW_RES_MASKS;
				String iousName = spec.exposesAllCandidates() ? spec.allIousOutput() : Sam1ModelSpec.IOU_PREDICTIONS;
				float[] masks = OrtTensors.floats((OnnxTensor) r.get(masksName).orElseThrow());
				float[] ious = OrtTensors.floats((OnnxTensor) r.get(iousName).orElseThrow());
				int count = ious.length;
				if (masks.length != count * size * size)
					throw new IllegalStateException("Decoder output " + masksName + " has " + masks.length + " values, expected " + count + " x " + size + " x " + size);
				float[][] logits = new float[count][size * size];
				for (int k = 0; k < count; k++) System.arraycopy(masks, k * size * size, logits[k], 0, size * size);
				return new MaskCandidates(logits, ious, size);
			}
		}
		catch (OrtException e) {
			throw new IllegalStateException("Mask decoder failed: " + e.getMessage(), e);
		}
		finally {
			in.values().forEach(OnnxTensor::close);
		}
	}

	@Override
	public void close() {
		OrtTensors.closeQuietly(encoder, decoder);
	}
}
