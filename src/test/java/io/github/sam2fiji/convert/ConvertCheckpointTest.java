package io.github.sam2fiji.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

import ai.onnxruntime.OrtException;
import io.github.sam2fiji.cli.GraphSelfCheck;
import io.github.sam2fiji.cli.PackageComparison;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.progress.CancellationToken;

/**
 * Checkpoints written by torch.save (test-data/checkpoints/make.py) converted in Java through the
 * tiny architecture's template (test-data/sam2-tiny/template, whose own weights were made distinct
 * and dropped): the package's graphs give the outputs of the exporter's package of the same weights
 * (test-data/sam2-tiny/model) and of the official PyTorch code (the exporter's self-check cases).
 */
class ConvertCheckpointTest {

	static final Path TEMPLATE = io.github.sam2fiji.testing.TinyTemplate.FOLDER;
	static final Path CHECKPOINTS = Path.of("test-data/checkpoints");
	static final Path EXPORTED = Path.of("test-data/sam2-tiny/model");
	static final Path SELFCHECK = Path.of("test-data/sam2-tiny/selfcheck");

	@TempDir
	Path tmp;

	static Path convert(Path checkpoint, Path target) {
		try (TorchCheckpoint c = TorchCheckpoint.open(checkpoint, CancellationToken.NEVER)) {
			CheckpointConverter.convert(c, ModelTemplate.open(TEMPLATE), target, CheckpointConverter.Options.named("converted"),
				(done, total, message) -> {}, CancellationToken.NEVER);
		}
		return target;
	}

	@Test
	void float32CheckpointGivesTheExportersGraphs() throws IOException, OrtException {
		Path converted = convert(CHECKPOINTS.resolve("sam2_tiny_seed0.pt"), tmp.resolve("pkg"));
		ModelPackage.open(converted); // every file against its sha256
		Map<String, Double> vsExporter = compareGraphs(converted, EXPORTED);
		System.out.println("converted float32 checkpoint vs exporter package, max abs diff per graph: " + vsExporter);
		for (Map.Entry<String, Double> e : vsExporter.entrySet()) assertTrue(e.getValue() <= 1e-6, e.toString());
		GraphSelfCheck.Report vsTorch = GraphSelfCheck.run(SELFCHECK, converted, 1);
		System.out.println("converted float32 checkpoint vs PyTorch: " + vsTorch.perGraph());
		assertTrue(vsTorch.passed());
		JsonObject manifest = ModelPackage.open(converted).manifest();
		assertEquals(ModelPackage.sha256(CHECKPOINTS.resolve("sam2_tiny_seed0.pt")),
			manifest.getAsJsonObject("source").get("checkpoint_sha256").getAsString());
		assertTrue(manifest.getAsJsonObject("architecture").get("add_all_frames_to_correct_as_cond").getAsBoolean());
	}

	/**
	 * bfloat16 and float16 storages widen to float32 exactly: every tensor equals the float32
	 * checkpoint's rounded to that type (round to nearest even), so the only difference in the
	 * graphs' outputs is the rounding of the weights: measured 0.9 %, held to at most 2 % of each output's largest value.
	 */
	@Test
	void halfPrecisionCheckpointsWidenExactly() throws IOException, OrtException {
		try (TorchCheckpoint f32 = TorchCheckpoint.open(CHECKPOINTS.resolve("sam2_tiny_seed0.pt"), CancellationToken.NEVER);
			TorchCheckpoint bf16 = TorchCheckpoint.open(CHECKPOINTS.resolve("sam2_tiny_seed0_bf16.pt"), CancellationToken.NEVER);
			TorchCheckpoint f16 = TorchCheckpoint.open(CHECKPOINTS.resolve("sam2_tiny_seed0_fp16_bare.pt"), CancellationToken.NEVER)) {
			assertEquals(f32.tensors().keySet(), bf16.tensors().keySet());
			assertEquals(f32.tensors().keySet(), f16.tensors().keySet());
			for (String key : f32.tensors().keySet()) {
				float[] exact = f32.floats(key), b = bf16.floats(key), h = f16.floats(key);
				for (int i = 0; i < exact.length; i++) {
					assertEquals(toBf16(exact[i]), b[i], 0, key + "[" + i + "] bf16");
					assertEquals(toHalf(exact[i]), h[i], 0, key + "[" + i + "] f16");
				}
			}
		}
		Path converted = convert(CHECKPOINTS.resolve("sam2_tiny_seed0_bf16.pt"), tmp.resolve("bf16"));
		Map<String, Double> relative = compareGraphsRelative(converted, EXPORTED);
		System.out.println("converted bfloat16 checkpoint vs float32 exporter package, max abs diff / max |value| per graph: " + relative);
		for (Map.Entry<String, Double> e : relative.entrySet()) assertTrue(e.getValue() <= 0.02, e.toString());
	}

	/** float32 rounded to bfloat16 (nearest, ties to even), widened back. */
	static float toBf16(float x) {
		int bits = Float.floatToRawIntBits(x);
		bits += 0x7fff + ((bits >>> 16) & 1);
		return Float.intBitsToFloat(bits & 0xffff0000);
	}

	/** float32 rounded to float16 (nearest, ties to even; subnormals included) and back, in double arithmetic. */
	static float toHalf(float x) {
		assertTrue(Math.abs(x) < 65504, "outside float16's range: " + x);
		int exponent = Math.max(Math.getExponent(x), -14); // below 2^-14 float16 is subnormal, quantum 2^-24
		double quantum = Math.scalb(1.0, exponent - 10);
		return (float) (Math.rint(x / quantum) * quantum);
	}

	@Test
	void theHalfToFloatWideningIsExactOnEveryValue() {
		for (int h = 0; h < 0x10000; h++) {
			float f = TorchCheckpoint.halfToFloat(h);
			int e = (h >>> 10) & 0x1f;
			if (e == 0x1f) {
				assertTrue((h & 0x3ff) == 0 ? Float.isInfinite(f) : Float.isNaN(f));
				continue;
			}
			double magnitude = e == 0 ? (h & 0x3ff) * Math.pow(2, -24) : (1 + (h & 0x3ff) / 1024.0) * Math.pow(2, e - 15);
			assertEquals((h & 0x8000) != 0 ? -magnitude : magnitude, f, 0, Integer.toHexString(h));
		}
	}

	/** The graphs of two packages run on the self-check inputs: max abs difference per graph. */
	static Map<String, Double> compareGraphs(Path a, Path b) throws IOException, OrtException {
		Map<String, Double> out = new LinkedHashMap<>();
		PackageComparison.compare(SELFCHECK, a, b, 1).forEach((graph, d) -> out.put(graph, d.maxAbs()));
		return out;
	}

	/** As {@link #compareGraphs}, each difference over the largest |value| of b's output. */
	static Map<String, Double> compareGraphsRelative(Path a, Path b) throws IOException, OrtException {
		Map<String, Double> out = new LinkedHashMap<>();
		PackageComparison.compare(SELFCHECK, a, b, 1).forEach((graph, d) -> out.put(graph, d.maxRelative()));
		return out;
	}
}
