package io.github.sam2fiji.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import io.github.sam2fiji.core.runtime.OnnxRuntime;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * The committed tiny package (test-data/sam2-tiny, made by make.sh there) is a valid package whose
 * manifest matches its files: every graph's declared inputs and outputs are the ONNX graph's, and
 * every tensor file holds exactly its declared shape.
 */
class Sam2TinyPackageTest {

	static final Path TINY = Path.of("test-data/sam2-tiny/model");

	@Test
	void opensAndVerifiesChecksums() {
		ModelPackage p = ModelPackage.open(TINY);
		assertEquals("sam2", p.kind());
		assertEquals("sam2-tiny-random-seed0", p.name());
		JsonObject arch = p.manifest().getAsJsonObject("architecture");
		assertEquals(128, arch.get("image_size").getAsInt());
		assertEquals(8, arch.get("feature_size").getAsInt());
		assertEquals(arch.get("hidden_dim").getAsInt() / arch.get("mem_dim").getAsInt(), arch.get("pointer_tokens_per_frame").getAsInt());
	}

	@Test
	void graphsDeclareTheirRealInputsAndOutputs() throws OrtException {
		ModelPackage p = ModelPackage.open(TINY, false);
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, 1));
		JsonObject graphs = p.manifest().getAsJsonObject("graphs");
		assertEquals(5, graphs.size());
		for (Map.Entry<String, JsonElement> g : graphs.entrySet()) {
			JsonObject spec = g.getValue().getAsJsonObject();
			try (OrtSession session = runtime.open(p.file(spec.get("file").getAsString()))) {
				assertSameIo(g.getKey(), spec.getAsJsonObject("inputs"), session.getInputInfo(), true);
				assertSameIo(g.getKey(), spec.getAsJsonObject("outputs"), session.getOutputInfo(), false);
			}
		}
	}

	/**
	 * Inputs must match exactly (-1 is how ONNX Runtime reports a dynamic dimension); for outputs,
	 * ONNX shape inference may leave a fixed dimension unknown (-1), which the self-check covers.
	 */
	private static void assertSameIo(String graph, JsonObject declared, Map<String, NodeInfo> actual, boolean exact) {
		assertEquals(declared.keySet(), actual.keySet(), graph);
		for (Map.Entry<String, JsonElement> e : declared.entrySet()) {
			TensorInfo info = (TensorInfo) actual.get(e.getKey()).getInfo();
			var shape = e.getValue().getAsJsonObject().getAsJsonArray("shape");
			long[] real = info.getShape();
			assertEquals(shape.size(), real.length, graph + "/" + e.getKey());
			for (int i = 0; i < real.length; i++) {
				JsonElement d = shape.get(i);
				long want = d.getAsJsonPrimitive().isString() ? -1 : d.getAsLong();
				if (!exact && real[i] == -1) continue;
				assertEquals(want, real[i], graph + "/" + e.getKey() + " dim " + i);
			}
		}
	}

	@Test
	void tensorFilesHoldTheirDeclaredShapes() throws IOException {
		ModelPackage p = ModelPackage.open(TINY, false);
		JsonObject tensors = p.manifest().getAsJsonObject("tensors");
		assertTrue(tensors.has("no_mem_embed") && tensors.has("maskmem_tpos_enc") && tensors.has("no_obj_ptr"));
		for (Map.Entry<String, JsonElement> t : tensors.entrySet()) {
			JsonObject spec = t.getValue().getAsJsonObject();
			long count = 1;
			for (JsonElement d : spec.getAsJsonArray("shape")) count *= d.getAsLong();
			assertEquals(4 * count, Files.size(p.file(spec.get("file").getAsString())), t.getKey());
		}
		JsonObject arch = p.manifest().getAsJsonObject("architecture");
		assertEquals(arch.get("num_maskmem").getAsLong() * arch.get("mem_dim").getAsLong() * 4,
				Files.size(p.file("tensors/maskmem_tpos_enc.f32")));
	}
}
