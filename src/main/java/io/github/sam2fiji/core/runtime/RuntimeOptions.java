package io.github.sam2fiji.core.runtime;

/**
 * How ONNX Runtime sessions are made.
 *
 * @param useGpu try CUDA first (needs the onnxruntime_gpu build and a CUDA device); CPU otherwise
 * @param threads intra-op threads for CPU work; 0 lets ONNX Runtime choose (one per core)
 */
public record RuntimeOptions(boolean useGpu, int threads) {

	public RuntimeOptions {
		if (threads < 0) throw new IllegalArgumentException("Thread count must be 0 (automatic) or more, got " + threads);
	}

	public static RuntimeOptions defaults() {
		return new RuntimeOptions(true, 0);
	}
}
