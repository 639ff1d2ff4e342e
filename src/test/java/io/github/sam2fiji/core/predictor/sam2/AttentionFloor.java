package io.github.sam2fiji.core.predictor.sam2;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.sam2fiji.core.runtime.OnnxRuntime;

/**
 * The memory-attention FLOP floor, measured with ONNX Runtime itself (benchmark helper, not a test).
 * <p>
 * FLOPs: the package's memory_attention graph with every MatMul/Gemm operand exposed as an output
 * (memory_attention_probe.onnx, written by scripts/attention_floor_graphs.py; a fused
 * MultiHeadAttention counts as its two products) runs at a few memory
 * counts N and pointer counts K; the operand shapes give each product's dimensions (batch, m, k, n)
 * and its FLOPs 2 b m k n. Every dimension is linear in N and K (keys are N h w + 4 K tokens), so
 * three probes fix them for any (N, K) and a fourth checks the extrapolation exactly. Element-wise
 * work (softmax, layer norms, RoPE) is not counted: the floor is the matmul work.
 * <p>
 * Rate: each distinct product of one call at the largest (N, K) of the run is timed alone through a
 * one-node MatMul graph (matmul.onnx) opened with the same {@link OnnxRuntime} options (threads,
 * optimisation level, allocator) as the model; rate = total FLOPs / total time over the call's
 * products. Floor of a call = its FLOPs / rate.
 */
final class AttentionFloor {

	/** One matrix product of the graph as ONNX Runtime runs it: b independent [m x k] @ [k x n]. */
	record Product(String node, long b, long m, long k, long n) {
		double flops() {
			return 2.0 * b * m * k * n;
		}
	}

	/** A memory-attention call size: N memories and K object pointers. */
	record CallSize(int memories, int pointers) {}

	private final OnnxRuntime runtime;
	private final Sam2Settings settings;
	private final Path dir;
	/** Per product, dims at (1,1), d/dN, d/dK (each of b, m, k, n). */
	private final List<String> nodes = new ArrayList<>();
	private final List<long[][]> linear = new ArrayList<>();

	AttentionFloor(OnnxRuntime runtime, Sam2Settings settings, Path graphsDir) throws IOException, OrtException {
		this.runtime = runtime;
		this.settings = settings;
		this.dir = graphsDir;
		fit();
	}

	/** The products of one call with N memories and K pointers. */
	List<Product> products(int memories, int pointers) {
		List<Product> out = new ArrayList<>();
		for (int i = 0; i < nodes.size(); i++) {
			long[][] l = linear.get(i);
			long[] d = new long[4];
			for (int j = 0; j < 4; j++) d[j] = l[0][j] + l[1][j] * (memories - 1) + l[2][j] * (pointers - 1);
			out.add(new Product(nodes.get(i), d[0], d[1], d[2], d[3]));
		}
		return out;
	}

	double flops(int memories, int pointers) {
		return products(memories, pointers).stream().mapToDouble(Product::flops).sum();
	}

	/**
	 * FLOP shares of one call by the role of its products, to judge the savings that skip work:
	 * "layer0_self_attention" (the graph's products 1-6, q/k/v/scores/values/out of layer 0's
	 * self-attention: the same for every object of a frame), "memory_projections" (rows grow with N:
	 * the k/v projections of memory tokens, the same each time a memory is reused),
	 * "attention_over_memories" (k or n grows with N: scores and weighted values), "other".
	 */
	Map<String, Double> shares(int memories, int pointers) {
		List<Product> products = products(memories, pointers);
		double total = 0;
		Map<String, Double> out = new LinkedHashMap<>();
		for (String role : List.of("layer0_self_attention", "memory_projections", "attention_over_memories", "other")) out.put(role, 0.0);
		for (int i = 0; i < products.size(); i++) {
			long[][] l = linear.get(i);
			String role = i >= 1 && i <= 6 ? "layer0_self_attention"
				: l[1][0] != 0 || l[1][1] != 0 ? "memory_projections"
				: l[1][2] != 0 || l[1][3] != 0 ? "attention_over_memories" : "other";
			double f = products.get(i).flops();
			out.merge(role, f, Double::sum);
			total += f;
		}
		for (var e : out.entrySet()) e.setValue(e.getValue() / total);
		return out;
	}

	private void fit() throws IOException, OrtException {
		OrtSession probe = runtime.open(dir.resolve("memory_attention_probe.onnx"));
		try {
			JsonArray matmuls = JsonParser.parseString(Files.readString(dir.resolve("probe.json"))).getAsJsonObject().getAsJsonArray("matmuls");
			List<Product> p11 = probe(probe, matmuls, 1, 1), p21 = probe(probe, matmuls, 2, 1), p12 = probe(probe, matmuls, 1, 2);
			for (int i = 0; i < p11.size(); i++) {
				long[] a = dims(p11.get(i)), n = dims(p21.get(i)), k = dims(p12.get(i));
				long[][] l = new long[3][4];
				for (int j = 0; j < 4; j++) {
					l[0][j] = a[j];
					l[1][j] = n[j] - a[j];
					l[2][j] = k[j] - a[j];
				}
				nodes.add(p11.get(i).node());
				if (i >= 1 && i <= 6 && (Arrays.stream(l[1]).anyMatch(v -> v != 0) || Arrays.stream(l[2]).anyMatch(v -> v != 0)))
					throw new IllegalStateException("Product " + i + " (" + p11.get(i).node() + ") should be layer 0's self-attention but depends on the memory or pointer count");
				linear.add(l);
			}
			// the extrapolation must reproduce a probe it was not fitted on
			List<Product> check = probe(probe, matmuls, 3, 5), predicted = products(3, 5);
			for (int i = 0; i < check.size(); i++)
				if (!Arrays.equals(dims(check.get(i)), dims(predicted.get(i))))
					throw new IllegalStateException("Matmul " + check.get(i) + " of memory attention is not linear in the memory and pointer counts: predicted " + predicted.get(i));
		}
		finally {
			probe.close();
		}
	}

	private static long[] dims(Product p) {
		return new long[] { p.b(), p.m(), p.k(), p.n() };
	}

	/** Runs the probe graph on random inputs and reads the operand shapes of every product. */
	private List<Product> probe(OrtSession probe, JsonArray matmuls, int memories, int pointers) throws OrtException {
		int c = settings.hiddenDim(), m = settings.memDim(), h = settings.featureSize();
		OrtEnvironment env = runtime.environment();
		Random random = new Random(1);
		Map<String, OnnxTensor> in = new HashMap<>();
		try {
			in.put("vision_feat", randomTensor(env, random, 1, c, h, h));
			in.put("vision_pos", randomTensor(env, random, 1, c, h, h));
			in.put("memory", randomTensor(env, random, 1, memories, m, h, h));
			in.put("memory_pos", randomTensor(env, random, 1, memories, m, h, h));
			in.put("object_pointers", randomTensor(env, random, 1, pointers, c));
			in.put("object_pointer_tpos", randomTensor(env, random, pointers));
			try (OrtSession.Result r = probe.run(in)) {
				List<Product> out = new ArrayList<>();
				for (var e : matmuls) {
					JsonObject mm = e.getAsJsonObject();
					long[] a = shape(r, mm.getAsJsonObject("a")), b = shape(r, mm.getAsJsonObject("b"));
					out.add(product(r, mm, a, b));
				}
				return out;
			}
		}
		finally {
			for (OnnxTensor t : in.values()) t.close();
		}
	}

	private static long[] shape(OrtSession.Result r, JsonObject operand) throws OrtException {
		if (operand.has("initializer")) {
			JsonArray s = operand.getAsJsonArray("shape");
			long[] d = new long[s.size()];
			for (int i = 0; i < d.length; i++) d[i] = s.get(i).getAsLong();
			return d;
		}
		String name = operand.get("output").getAsString();
		return ((TensorInfo) r.get(name).orElseThrow(() -> new IllegalStateException("probe output " + name + " missing")).getInfo()).getShape();
	}

	/**
	 * The product as ONNX Runtime computes it: Gemm [m,k]x[k,n] (transposes applied); MatMul with
	 * numpy broadcasting, a weight without batch dims folding the batch into m (one large GEMM).
	 */
	private static Product product(OrtSession.Result r, JsonObject mm, long[] a, long[] b) throws OrtException {
		String node = mm.get("node").getAsString();
		switch (mm.get("op").getAsString()) {
			case "AttentionScores": // fused attention, q [B, S, d] and k [B, T, d]: q k^T
				return new Product(node, a[0], a[1], a[2], b[1]);
			case "AttentionValues": { // softmax [B, S, T] times v [B, T, dv]
				long[] v = shape(r, mm.getAsJsonObject("v"));
				return new Product(node, a[0], a[1], b[1], v[2]);
			}
			default:
				break;
		}
		if (mm.get("op").getAsString().equals("Gemm")) {
			boolean ta = mm.get("trans_a").getAsInt() != 0, tb = mm.get("trans_b").getAsInt() != 0;
			return new Product(node, 1, ta ? a[1] : a[0], ta ? a[0] : a[1], tb ? b[0] : b[1]);
		}
		long m = a[a.length - 2], k = a[a.length - 1], n = b[b.length - 1];
		if (b[b.length - 2] != k) throw new IllegalStateException("MatMul " + node + " operands " + Arrays.toString(a) + " @ " + Arrays.toString(b) + " do not match");
		long batchA = 1, batch = 1;
		for (int i = 0; i < a.length - 2; i++) batchA *= a[i];
		if (b.length == 2) return new Product(node, 1, batchA * m, k, n);
		int rank = Math.max(a.length, b.length);
		for (int i = 0; i < rank - 2; i++) {
			int ia = i - (rank - a.length), ib = i - (rank - b.length);
			long da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
			batch *= Math.max(da, db);
		}
		return new Product(node, batch, m, k, n);
	}

	/** Timing of the products of one call at {@code size}: FLOPs, seconds (sum of per-product medians), rate. */
	record Rate(CallSize size, double flops, double seconds, Map<String, double[]> byShape) {
		double gflopsPerSecond() {
			return flops / seconds / 1e9;
		}
	}

	/**
	 * Times each distinct product of a call (after a warm-up), the fastest of {@code repeats} runs:
	 * the floor is what ONNX Runtime can reach, and on a shared machine the slower runs measure the
	 * other jobs.
	 */
	Rate measureRate(CallSize size, int repeats) throws OrtException {
		Map<List<Long>, Integer> counts = new LinkedHashMap<>();
		for (Product p : products(size.memories(), size.pointers())) counts.merge(List.of(p.b(), p.m(), p.k(), p.n()), 1, Integer::sum);
		OrtEnvironment env = runtime.environment();
		Random random = new Random(2);
		double flops = 0, seconds = 0;
		Map<String, double[]> byShape = new LinkedHashMap<>();
		try (OrtSession matmul = runtime.open(dir.resolve("matmul.onnx"))) {
			for (var e : counts.entrySet()) {
				List<Long> d = e.getKey();
				long b = d.get(0), m = d.get(1), k = d.get(2), n = d.get(3);
				double[] times = new double[repeats];
				try (OnnxTensor a = randomTensor(env, random, b, m, k); OnnxTensor bt = randomTensor(env, random, b, k, n)) {
					Map<String, OnnxTensor> in = Map.of("a", a, "b", bt);
					matmul.run(in).close();
					for (int r = 0; r < repeats; r++) {
						long start = System.nanoTime();
						matmul.run(in).close();
						times[r] = (System.nanoTime() - start) / 1e9;
					}
				}
				double best = Arrays.stream(times).min().getAsDouble(), f = 2.0 * b * m * k * n;
				flops += f * e.getValue();
				seconds += best * e.getValue();
				byShape.put(String.format(Locale.ROOT, "%dx[%dx%d]@[%dx%d]", b, m, k, k, n), new double[] { e.getValue(), best, f / best / 1e9 });
			}
		}
		return new Rate(size, flops, seconds, byShape);
	}

	/**
	 * The package's memory_attention graph itself at {@code size}, fastest of {@code repeats} runs
	 * after a warm-up, timed next to the matmuls so that both see the same machine load.
	 */
	double timeAttention(Path memoryAttentionGraph, CallSize size, int repeats) throws OrtException {
		int c = settings.hiddenDim(), m = settings.memDim(), h = settings.featureSize();
		OrtEnvironment env = runtime.environment();
		Random random = new Random(3);
		Map<String, OnnxTensor> in = new HashMap<>();
		try (OrtSession attention = runtime.open(memoryAttentionGraph)) {
			in.put("vision_feat", randomTensor(env, random, 1, c, h, h));
			in.put("vision_pos", randomTensor(env, random, 1, c, h, h));
			in.put("memory", randomTensor(env, random, 1, size.memories(), m, h, h));
			in.put("memory_pos", randomTensor(env, random, 1, size.memories(), m, h, h));
			in.put("object_pointers", randomTensor(env, random, 1, size.pointers(), c));
			in.put("object_pointer_tpos", randomTensor(env, random, size.pointers()));
			attention.run(in).close();
			double best = Double.POSITIVE_INFINITY;
			for (int r = 0; r < repeats; r++) {
				long start = System.nanoTime();
				attention.run(in).close();
				best = Math.min(best, (System.nanoTime() - start) / 1e9);
			}
			return best;
		}
		finally {
			for (OnnxTensor t : in.values()) t.close();
		}
	}

	private static OnnxTensor randomTensor(OrtEnvironment env, Random random, long... shape) throws OrtException {
		long count = 1;
		for (long d : shape) count *= d;
		float[] data = new float[Math.toIntExact(count)];
		for (int i = 0; i < data.length; i++) data[i] = random.nextFloat() - 0.5f;
		return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
	}
}
