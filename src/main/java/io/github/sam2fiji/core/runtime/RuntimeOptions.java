package io.github.sam2fiji.core.runtime;

import java.nio.file.Path;

/**
 * How ONNX Runtime sessions are made.
 *
 * @param useGpu try CUDA first (needs the onnxruntime_gpu build and a CUDA device); CPU otherwise
 * @param threads intra-op threads for CPU work; 0 lets ONNX Runtime choose (one per core)
 * @param profileDirectory null, or a folder where each graph's session writes ONNX Runtime's
 *        profile (GRAPH_date.json, every node run with its shapes and time) when it is closed:
 *        for benchmarks and speed diagnosis, never changes a result
 * @param graphCache null, or the folder of ONNX Runtime's saved optimised graphs ({@link OptimizedGraphCache}):
 *        CPU graphs open faster from the second time on, with the same outputs
 */
public record RuntimeOptions(boolean useGpu, int threads, Path profileDirectory, Path graphCache) {

	public RuntimeOptions {
		if (threads < 0) throw new IllegalArgumentException("Thread count must be 0 (automatic) or more, got " + threads);
	}

	/** No profile, no graph cache. */
	public RuntimeOptions(boolean useGpu, int threads) {
		this(useGpu, threads, null, null);
	}

	/** GPU if present, a thread per core, the default graph cache ({@link OptimizedGraphCache#defaultFolder()}). */
	public static RuntimeOptions defaults() {
		return new RuntimeOptions(true, 0, null, OptimizedGraphCache.defaultFolder());
	}

	/** The same options with ONNX Runtime's profiler writing to {@code directory}. */
	public RuntimeOptions withProfiling(Path directory) {
		return new RuntimeOptions(useGpu, threads, directory, graphCache);
	}

	/** The same options with the optimised graphs cached in {@code folder} (null: no cache). */
	public RuntimeOptions withGraphCache(Path folder) {
		return new RuntimeOptions(useGpu, threads, profileDirectory, folder);
	}
}
