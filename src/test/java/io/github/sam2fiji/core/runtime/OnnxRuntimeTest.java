package io.github.sam2fiji.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/** The provider choice is reported to users: CPU when CUDA is not to be had, with the reason. */
class OnnxRuntimeTest {

	private static final Path GRAPH = Path.of("test-data/sam2-tiny/model/mask_downsample.onnx");

	@Test
	void cpuBuildFallsBackToCpuAndSaysWhy() throws Exception {
		assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this runtime has CUDA");
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(true, 1));
		assertNull(runtime.provider());
		try (OrtSession session = runtime.open(GRAPH)) {
			assertTrue(session.getNumInputs() > 0);
		}
		assertEquals("CPU", runtime.provider());
		assertTrue(runtime.describe().startsWith("CPU, 1 thread (CUDA not available: this build has the CPU runtime only"), runtime.describe());
	}

	@Test
	void cpuOnlyWhenGpuNotWanted() throws Exception {
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, 2));
		try (OrtSession session = runtime.open(GRAPH)) {
			assertEquals("CPU", runtime.provider());
		}
		assertEquals("CPU, 2 threads", runtime.describe());
	}
}
