package io.github.sam2fiji.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;

/**
 * The roofline's FLOP counter on a graph with one of each kind of counted work
 * (test-data/roofline/flop_probe.onnx, made by make_graphs.py there), profiled by ONNX Runtime
 * as the benchmark profiles a model: every node's FLOPs from the profile's shapes against the
 * formulas at the graph's shapes.
 */
class GraphProfileTest {

	private static final Path PROBE = Path.of("test-data/roofline/flop_probe.onnx");

	@Test
	void countsTheFlopsOfEveryKindOfWorkFromTheProfile(@TempDir Path profiles) throws Exception {
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, 1).withProfiling(profiles));
		float[] x = new float[8 * 32 * 32];
		Random random = new Random(1);
		for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
		try (OrtSession session = runtime.open(PROBE);
			OnnxTensor input = OnnxTensor.createTensor(runtime.environment(), FloatBuffer.wrap(x), new long[] { 1, 8, 32, 32 })) {
			for (int run = 0; run < 2; run++)
				session.run(Map.of("x", input)).close();
		}
		Map<String, GraphProfile> all = GraphProfile.readAll(profiles);
		assertEquals(java.util.Set.of("flop_probe"), all.keySet(), "one profile, named after the graph, written when the session closed");
		GraphProfile profile = all.get("flop_probe");
		assertEquals(2, profile.runs().size());

		double conv = 2.0 * 16 * 32 * 32 * (8 * 3 * 3); // 8 -> 16 channels, 3x3, 32 x 32 out (the Relu runs inside it)
		double depthwise = 2.0 * 16 * 16 * 16 * (1 * 3 * 3); // groups = channels, stride 2
		double projections = 3 * 2.0 * 256 * 16 * 32; // q, k, v: 256 tokens, 16 -> 32
		double attention = 2.0 * 256 * 256 * 32 * 2; // q k^T and weights v (2 heads of 16 = 32 wide)
		double scores = 2.0 * 256 * 256 * 32; // q @ k^T through a Transpose (FusedMatMul)
		double up = 2.0 * (16 * 16 * 16) * (4 * 2 * 2); // ConvTranspose 16 -> 4, 2x2 stride 2
		double fc = 2.0 * 4096 * 10;
		double expected = conv + depthwise + projections + attention + scores + up + fc;
		for (GraphProfile.Run run : profile.runs())
			assertEquals(expected, run.flops(), 0.5, "FLOPs of one run");
		assertEquals(expected, profile.flopsPerRun(), 0.5);

		Map<String, double[]> byOperator = profile.secondsByOperator();
		assertFalse(byOperator.containsKey("Relu") || byOperator.containsKey("Transpose"),
			"ONNX Runtime ran the optimised graph (Relu inside the Conv, the Transposes inside FusedMatMul): " + byOperator.keySet());
		assertTrue(byOperator.containsKey("FusedMatMul"), "MatMul of a transposed operand ran fused and was counted: " + byOperator.keySet());
		assertEquals(2 * attention, byOperator.get("MultiHeadAttention")[1], 0.5);
		assertEquals(2 * up, byOperator.get("ConvTranspose")[1], 0.5);
		assertTrue(profile.secondsPerRun() > 0);
	}

	@Test
	void gemmRateIsTheBestOfItsSizes() throws Exception {
		GemmRate rate = GemmRate.measure(new RuntimeOptions(false, 1), Path.of("test-data/roofline/matmul.onnx"), 1, 64, 128);
		assertEquals(java.util.Set.of(64, 128), rate.bySize().keySet());
		assertEquals(rate.bySize().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), rate.flopsPerSecond());
		assertTrue(rate.flopsPerSecond() > 1e6, "a real rate: " + rate.flopsPerSecond());
		assertTrue(Files.exists(Path.of("test-data/roofline/make_graphs.py")));
	}
}
