package io.github.sam2fiji.core.runtime;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The machine's best matrix-product rate through ONNX Runtime (benchmark helper): large square fp32
 * products through a one-MatMul graph (test-data/roofline/matmul.onnx) opened with the same session
 * options as the model's graphs (threads, optimisation, allocator), best of several runs per size.
 * The roofline of a graph is its FLOPs at this rate.
 */
public final class GemmRate {

	private final Map<Integer, Double> bySize = new LinkedHashMap<>();

	private GemmRate() {}

	/** Times n x n @ n x n for each size, {@code repeats} times after one warm-up run. */
	public static GemmRate measure(RuntimeOptions options, Path matmulGraph, int repeats, int... sizes) throws OrtException {
		GemmRate rate = new GemmRate();
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, options.threads()));
		Random random = new Random(7);
		try (OrtSession session = runtime.open(matmulGraph)) {
			for (int n : sizes) {
				float[] a = new float[n * n], b = new float[n * n];
				for (int i = 0; i < a.length; i++) {
					a[i] = (float) random.nextGaussian();
					b[i] = (float) random.nextGaussian();
				}
				try (OnnxTensor ta = OnnxTensor.createTensor(runtime.environment(), FloatBuffer.wrap(a), new long[] { n, n });
					OnnxTensor tb = OnnxTensor.createTensor(runtime.environment(), FloatBuffer.wrap(b), new long[] { n, n })) {
					double best = Double.MAX_VALUE;
					for (int r = 0; r <= repeats; r++) {
						long start = System.nanoTime();
						try (OrtSession.Result out = session.run(Map.of("a", ta, "b", tb))) {
							double s = (System.nanoTime() - start) / 1e9;
							if (r > 0) best = Math.min(best, s);
						}
					}
					rate.bySize.put(n, 2.0 * n * n * n / best);
				}
			}
		}
		return rate;
	}

	/** The best rate over the sizes, FLOP/s. */
	public double flopsPerSecond() {
		return bySize.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
	}

	/** FLOP/s at each size. */
	public Map<Integer, Double> bySize() {
		return bySize;
	}
}
