package io.github.sam2fiji.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.TensorInfo;

/**
 * The optimised-graph cache: a graph opened from its saved optimised form gives bit for bit the
 * outputs of the graph optimised at open time; a damaged entry is rebuilt, never run; a folder that
 * cannot be written leaves the graph opened as without a cache; the key changes with everything the
 * saved form depends on.
 */
class OptimizedGraphCacheTest {

	/** The tiny SAM 2 package's image encoder: convolutions (patch embedding, neck), attention, LayerNorm, GELU. */
	private static final Path GRAPH = Path.of("test-data/sam2-tiny/model/image_encoder.onnx");

	private final OrtEnvironment env = OrtEnvironment.getEnvironment();

	private static SessionOptions options() throws OrtException {
		SessionOptions so = new SessionOptions();
		so.setIntraOpNumThreads(1);
		return so;
	}

	@Test
	void theSavedFormGivesTheSameOutputsBitForBit(@TempDir Path tmp) throws Exception {
		byte[] graph = Files.readAllBytes(GRAPH);
		List<float[]> reference;
		try (SessionOptions so = options()) {
			so.setOptimizationLevel(OptLevel.ALL_OPT);
			try (OrtSession plain = env.createSession(graph, so)) {
				reference = outputs(plain);
			}
		}
		OptimizedGraphCache cache = new OptimizedGraphCache(tmp.resolve("cache"));
		try (OrtSession first = cache.open(env, graph, OptimizedGraphCacheTest::options)) {
			assertSame(reference, outputs(first), "optimised at open time, form saved");
		}
		assertEquals(0, cache.hits());
		assertEquals(1, cache.saves());
		String key = cache.key(graph, env.getVersion());
		Path entry = tmp.resolve("cache").resolve(key + ".onnx");
		assertTrue(Files.size(entry) > 0);
		assertEquals(List.of(key + ".onnx", key + ".sha256"), listing(tmp.resolve("cache")), "the entry and its digest, no temporary file left");
		try (OrtSession second = cache.open(env, graph, OptimizedGraphCacheTest::options)) {
			assertSame(reference, outputs(second), "opened from the saved form");
		}
		assertEquals(1, cache.hits());
		assertEquals(1, cache.saves());
		assertEquals(String.format(java.util.Locale.ROOT, "1 graph, %.0f MB", Files.size(entry) / 1e6), OptimizedGraphCache.usage(tmp.resolve("cache")));
		assertEquals("empty", OptimizedGraphCache.usage(tmp.resolve("none")));

		// a damaged entry is not run: its digest fails, it is rebuilt
		byte[] damaged = Files.readAllBytes(entry);
		damaged[damaged.length / 2] ^= 0x5a;
		Files.write(entry, damaged);
		try (OrtSession rebuilt = cache.open(env, graph, OptimizedGraphCacheTest::options)) {
			assertSame(reference, outputs(rebuilt), "rebuilt");
		}
		assertEquals(1, cache.hits());
		assertEquals(2, cache.saves());
		try (OrtSession again = cache.open(env, graph, OptimizedGraphCacheTest::options)) {
			assertSame(reference, outputs(again), "from the rebuilt form");
		}
		assertEquals(2, cache.hits());
	}

	@Test
	void aFolderThatCannotBeWrittenOpensTheGraphAsWithoutACache(@TempDir Path tmp) throws Exception {
		byte[] graph = Files.readAllBytes(GRAPH);
		Path notAFolder = Files.writeString(tmp.resolve("file"), "x");
		OptimizedGraphCache cache = new OptimizedGraphCache(notAFolder.resolve("cache"));
		List<float[]> reference;
		try (SessionOptions so = options()) {
			so.setOptimizationLevel(OptLevel.ALL_OPT);
			try (OrtSession plain = env.createSession(graph, so)) {
				reference = outputs(plain);
			}
		}
		try (OrtSession s = cache.open(env, graph, OptimizedGraphCacheTest::options)) {
			assertSame(reference, outputs(s), "no cache");
		}
		assertEquals(0, cache.saves());
		assertEquals(List.of("file"), listing(tmp));
	}

	@Test
	void aBrokenGraphFailsAsWithoutACacheAndLeavesNothing(@TempDir Path tmp) throws Exception {
		OptimizedGraphCache cache = new OptimizedGraphCache(tmp);
		org.junit.jupiter.api.Assertions.assertThrows(OrtException.class, () -> cache.open(env, "not a graph".getBytes(), OptimizedGraphCacheTest::options));
		assertEquals(List.of(), listing(tmp));
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, 1).withGraphCache(tmp));
		org.junit.jupiter.api.Assertions.assertThrows(io.github.sam2fiji.core.model.ModelFormatException.class, () -> runtime.open("bad.onnx", "not a graph".getBytes()));
	}

	@Test
	void theRuntimeOpensCpuGraphsThroughTheCacheAndSaysSo(@TempDir Path tmp) throws Exception {
		byte[] graph = Files.readAllBytes(GRAPH);
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, 1).withGraphCache(tmp));
		try (OrtSession s = runtime.open("image_encoder.onnx", graph)) {
			assertEquals(2, listing(tmp).size(), "entry and digest written");
		}
		assertTrue(runtime.describe().contains("optimised graphs cached in " + tmp), runtime.describe());
		OnnxRuntime without = new OnnxRuntime(new RuntimeOptions(false, 1));
		try (OrtSession s = without.open("image_encoder.onnx", graph)) {
			assertTrue(!without.describe().contains("cached"), without.describe());
		}
	}

	@Test
	void theKeyChangesWithTheGraphTheRuntimeAndTheCpu(@TempDir Path tmp) {
		byte[] graph = {1, 2, 3}, other = {1, 2, 4};
		OptimizedGraphCache here = new OptimizedGraphCache(tmp, "x86_64\nflags: avx2"), elsewhere = new OptimizedGraphCache(tmp, "x86_64\nflags: avx2 avx512f");
		String key = here.key(graph, "1.20.0");
		assertEquals(key, new OptimizedGraphCache(tmp, "x86_64\nflags: avx2").key(graph, "1.20.0"));
		assertNotEquals(key, here.key(other, "1.20.0"));
		assertNotEquals(key, here.key(graph, "1.21.0"));
		assertNotEquals(key, elsewhere.key(graph, "1.20.0"));
		assertTrue(OptimizedGraphCache.machineIdentity().contains(System.getProperty("os.arch")));
		if (Files.isReadable(Path.of("/proc/cpuinfo")) && System.getProperty("os.arch").contains("64") && !System.getProperty("os.arch").startsWith("aarch"))
			assertTrue(OptimizedGraphCache.machineIdentity().contains("flags"), "x86 Linux: the instruction-set flags are in the key");
	}

	@Test
	void theDefaultFolderComesFromTheEnvironment() {
		assertEquals(Path.of("/home/u/.sam2fiji/graph-cache"), OptimizedGraphCache.defaultFolder(Map.of(), "/home/u"));
		assertEquals(Path.of("/scratch/g"), OptimizedGraphCache.defaultFolder(Map.of(OptimizedGraphCache.FOLDER_VARIABLE, "/scratch/g"), "/home/u"));
		assertNull(OptimizedGraphCache.defaultFolder(Map.of(OptimizedGraphCache.FOLDER_VARIABLE, "OFF"), "/home/u"));
	}

	/** Every output of one run on seeded random inputs (the graph's static shapes). */
	private List<float[]> outputs(OrtSession session) throws OrtException {
		Random random = new Random(7);
		Map<String, OnnxTensor> inputs = new HashMap<>();
		try {
			for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
				long[] shape = ((TensorInfo) in.getValue().getInfo()).getShape();
				int n = 1;
				for (long d : shape) n *= (int) d;
				float[] v = new float[n];
				for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
				inputs.put(in.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape));
			}
			List<float[]> outs = new ArrayList<>();
			try (OrtSession.Result result = session.run(inputs)) {
				for (Map.Entry<String, OnnxValue> out : result) {
					FloatBuffer b = ((OnnxTensor) out.getValue()).getFloatBuffer();
					float[] v = new float[b.remaining()];
					b.get(v);
					outs.add(v);
				}
			}
			return outs;
		}
		finally {
			inputs.values().forEach(OnnxTensor::close);
		}
	}

	private static void assertSame(List<float[]> expected, List<float[]> actual, String what) {
		assertEquals(expected.size(), actual.size(), what);
		for (int i = 0; i < expected.size(); i++) {
			int[] a = new int[expected.get(i).length], b = new int[actual.get(i).length];
			for (int k = 0; k < a.length; k++) a[k] = Float.floatToRawIntBits(expected.get(i)[k]);
			for (int k = 0; k < b.length; k++) b[k] = Float.floatToRawIntBits(actual.get(i)[k]);
			assertArrayEquals(a, b, what + ": output " + i + " bit for bit");
		}
	}

	private static List<String> listing(Path folder) throws java.io.IOException {
		try (var s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}
}
