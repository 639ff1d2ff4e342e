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
		assertTrue(runtime.describe().startsWith("CPU, 1 thread (CUDA not available: this installation has the CPU runtime only; for an NVIDIA GPU use the SAM2-Fiji-GPU update site"), runtime.describe());
	}

	@Test
	void cpuOnlyWhenGpuNotWanted() throws Exception {
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, 2));
		try (OrtSession session = runtime.open(GRAPH)) {
			assertEquals("CPU", runtime.provider());
		}
		assertEquals("CPU, 2 threads", runtime.describe());
	}

	@Test
	void bothRuntimeJarsInstalledAreNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
		Path cpu = runtimeJar(dir.resolve("onnxruntime-1.20.0.jar"));
		Path gpu = runtimeJar(dir.resolve("onnxruntime_gpu-1.20.0.jar"));
		try (java.net.URLClassLoader one = new java.net.URLClassLoader(new java.net.URL[] { cpu.toUri().toURL() }, null);
			java.net.URLClassLoader both = new java.net.URLClassLoader(new java.net.URL[] { cpu.toUri().toURL(), gpu.toUri().toURL() }, null)) {
			assertEquals(java.util.List.of("onnxruntime-1.20.0.jar"), OnnxRuntime.runtimeJars(one));
			assertEquals(java.util.List.of("onnxruntime-1.20.0.jar", "onnxruntime_gpu-1.20.0.jar"), OnnxRuntime.runtimeJars(both));
		}
		try (java.net.URLClassLoader parent = new java.net.URLClassLoader(new java.net.URL[] { cpu.toUri().toURL() }, null);
			java.net.URLClassLoader child = new java.net.URLClassLoader(new java.net.URL[] { cpu.toUri().toURL() }, parent)) {
			assertEquals(java.util.List.of("onnxruntime-1.20.0.jar"), OnnxRuntime.runtimeJars(child), "one jar listed by a loader and its parent is one jar");
		}
		assertEquals(1, OnnxRuntime.runtimeJars(OnnxRuntime.class.getClassLoader()).size(), "this build's class path has one runtime");
	}

	private static Path runtimeJar(Path jar) throws java.io.IOException {
		try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(jar))) {
			out.putNextEntry(new java.util.zip.ZipEntry("ai/onnxruntime/OrtEnvironment.class"));
			out.write(new byte[] { (byte) 0xCA, (byte) 0xFE });
			out.closeEntry();
		}
		return jar;
	}
}
