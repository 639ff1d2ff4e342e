package io.github.sam2fiji.core.runtime;

import java.nio.FloatBuffer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** Small helpers over ONNX Runtime values shared by the model wrappers. */
public final class OrtTensors {

	private OrtTensors() {}

	/** A copy of a float32 tensor's values, row-major. */
	public static float[] floats(OnnxTensor tensor) {
		FloatBuffer b = tensor.getFloatBuffer();
		// getFloatBuffer() already returns a fresh heap copy: take its array instead of copying twice
		// (less garbage per frame, which is what grows the JVM's committed heap with many objects).
		if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) return b.array();
		float[] values = new float[b.remaining()];
		b.get(values);
		return values;
	}

	/** Closes sessions (nulls skipped), e.g. after a failed open, where the original error is the one to report. */
	public static void closeQuietly(OrtSession... sessions) {
		for (OrtSession s : sessions) {
			if (s == null) continue;
			try {
				s.close();
			}
			catch (OrtException ignored) {
				// closing after a failure or on shutdown: nothing more to report
			}
		}
	}
}
