package io.github.sam2fiji.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/** Inputs in reused direct buffers give the same outputs as ONNX Runtime's own copies, call after call. */
class InputTensorsTest {

	private static final Path GRAPH = Path.of("test-data/sam2-tiny/model/mask_downsample.onnx");

	@Test
	void reusedBufferGivesTheSameOutputsAsFreshCopies() throws Exception {
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, 1));
		OrtEnvironment env = runtime.environment();
		InputTensors inputs = new InputTensors(env);
		try (OrtSession session = runtime.open(GRAPH)) {
			int side = 128; // the tiny package's image_size (test-data/sam2-tiny/model/model.json)
			long[] shape = { 1, 1, side, side };
			int n = side * side;
			Random random = new Random(3);
			long held = -1;
			for (int call = 0; call < 3; call++) {
				float[] mask = new float[n];
				for (int i = 0; i < n; i++) mask[i] = random.nextFloat() < 0.3 ? 1 : 0;
				float[] expected, actual;
				try (OnnxTensor copy = OnnxTensor.createTensor(env, FloatBuffer.wrap(mask), shape);
						OrtSession.Result r = session.run(Map.of("mask", copy))) {
					expected = OrtTensors.floats((OnnxTensor) r.get(0));
				}
				try (OnnxTensor reused = inputs.floats("mask", mask, shape);
						OrtSession.Result r = session.run(Map.of("mask", reused))) {
					actual = OrtTensors.floats((OnnxTensor) r.get(0));
				}
				assertArrayEquals(expected, actual, "call " + call);
				// one buffer for the key, the size of one input, however many calls
				if (held >= 0) assertEquals(held, inputs.bytesHeld());
				held = inputs.bytesHeld();
				assertEquals(4L * n, held);
			}
		}
	}

	@Test
	void bufferGrowsForALargerInputAndIsReusedForSmallerOnes() throws Exception {
		InputTensors inputs = new InputTensors(OrtEnvironment.getEnvironment());
		try (OnnxTensor t = inputs.floats("x", new float[] { 1, 2 }, 2)) {
			assertArrayEquals(new float[] { 1, 2 }, OrtTensors.floats(t));
		}
		try (OnnxTensor t = inputs.floats("x", new float[] { 3, 4, 5, 6 }, 2, 2)) {
			assertArrayEquals(new float[] { 3, 4, 5, 6 }, OrtTensors.floats(t));
		}
		assertEquals(16, inputs.bytesHeld());
		try (OnnxTensor t = inputs.ints("y", new int[] { 7 }, 1); OnnxTensor u = inputs.floats("x", new float[] { 8 }, 1)) {
			assertArrayEquals(new int[] { 7 }, t.getIntBuffer().array());
			// a smaller input in the grown buffer: the tensor sees only its own values
			assertEquals(1, u.getInfo().getShape()[0]);
			assertArrayEquals(new float[] { 8 }, OrtTensors.floats(u));
		}
		assertEquals(20, inputs.bytesHeld());
	}

	@Test
	void wrongValueCountNamesTheInput() {
		InputTensors inputs = new InputTensors(OrtEnvironment.getEnvironment());
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> inputs.floats("memory_pos", new float[5], 2, 3));
		assertTrue(e.getMessage().contains("'memory_pos' of shape [2, 3] needs 6 values, got 5"), e.getMessage());
	}
}
