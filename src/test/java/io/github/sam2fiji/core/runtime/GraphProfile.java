package io.github.sam2fiji.core.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * One graph's ONNX Runtime profile (a session opened with {@link RuntimeOptions#withProfiling}):
 * each run of the graph with every node ONNX Runtime executed, its operator, input and output
 * shapes and time, and the FLOPs of the node counted from those shapes (benchmark helper).
 * <p>
 * The graph is counted as ONNX Runtime runs it, after its optimisations (fused Conv+activation,
 * MatMul of a transposed operand, fused attention): the FLOPs of an operator do not change with
 * fusion, so the count is that of the exported graph at the call's shapes. Counted: multiply-adds
 * of matrix products and convolutions (2 per multiply-add) and attention's two products; element-wise
 * work (softmax, normalisation, activations, copies) counts 0 FLOPs: it is what keeps a graph below
 * the matmul rate, and shows as time in {@link #secondsByOperator}.
 */
public final class GraphProfile {

	/** One node run: operator type, input and output shapes, microseconds. */
	public record NodeRun(String node, String operator, List<long[]> inputs, List<long[]> outputs, long micros) {

		/** FLOPs of this node run (0 for element-wise operators and unknown ones). */
		public double flops() {
			switch (operator) {
				case "MatMul":
				case "FusedMatMul": {
					// [.., M, K] @ [.., K, N]: 2 K per output element; K from A's last two dims
					// (either order, so a transposed A counts the same; a pre-packed weight B is not
					// in the profile and not needed)
					long[] a = inputs.get(0), out = outputs.get(0);
					long k = a.length == 1 ? a[0] : a[a.length - 1] * a[a.length - 2] / (out.length == 1 ? 1 : out[out.length - 2]);
					return 2.0 * elements(out) * k;
				}
				case "Gemm": { // A [M, K] or [K, M] (the weight may be pre-packed, left out)
					long[] a = inputs.get(0), out = outputs.get(0);
					return 2.0 * elements(out) * (elements(a) / out[0]);
				}
				case "Conv":
				case "FusedConv":
				case "NhwcFusedConv": {
					// weight [Cout, Cin / group, kernel...]: each output element is that many multiply-adds
					if (inputs.size() < 2) throw new IllegalStateException(operator + " " + node + ": no weight shape in the profile, its FLOPs cannot be counted");
					long[] w = inputs.get(1);
					return 2.0 * elements(outputs.get(0)) * elements(w) / w[0];
				}
				case "ConvTranspose": {
					// ONNX Runtime pre-packs the weight and leaves it out of the profile: the kernel is
					// read from the sizes as kernel = stride (out = in x stride, SAM's 2x upscaling,
					// no padding); each input element scatters Cout x kernel multiply-adds (no groups)
					long[] in = inputs.get(0), out = outputs.get(0);
					long kernel = 1;
					for (int d = 2; d < in.length; d++) {
						if (out[d] % in[d] != 0) throw new IllegalStateException("ConvTranspose " + node + ": output " + java.util.Arrays.toString(out)
							+ " is not a whole multiple of input " + java.util.Arrays.toString(in) + ", its FLOPs cannot be counted from the profile");
						kernel *= out[d] / in[d];
					}
					return 2.0 * elements(in) * out[1] * kernel;
				}
				case "MultiHeadAttention": {
					// q [B, S, D]; k, v [B, L, D] or [B, heads, L, d]: q k^T and softmax(.) v
					long[] q = inputs.get(0), k = inputs.get(1), v = inputs.get(2);
					long tokens = k.length == 4 ? k[2] : k[1];
					long valueWidth = v.length == 4 ? v[1] * v[3] : v[2];
					return 2.0 * q[0] * q[1] * tokens * (q[2] + valueWidth);
				}
				default:
					return 0;
			}
		}
	}

	/** One run of the graph: its wall time and its nodes. */
	public record Run(long micros, List<NodeRun> nodes) {

		public double flops() {
			return nodes.stream().mapToDouble(NodeRun::flops).sum();
		}
	}

	private final String graph;
	private final List<Run> runs;

	private GraphProfile(String graph, List<Run> runs) {
		this.graph = graph;
		this.runs = runs;
	}

	/** The graph's name: the profile file's prefix (image_encoder_2026-...json: image_encoder). */
	public String graph() {
		return graph;
	}

	public List<Run> runs() {
		return runs;
	}

	/** Reads a profile ONNX Runtime wrote when its session closed. */
	public static GraphProfile read(Path file) throws IOException {
		JsonArray events = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
		List<long[]> runSpans = new ArrayList<>();
		List<JsonObject> nodes = new ArrayList<>();
		for (JsonElement e : events) {
			JsonObject event = e.getAsJsonObject();
			String category = event.has("cat") ? event.get("cat").getAsString() : "";
			String name = event.get("name").getAsString();
			if (category.equals("Session") && name.equals("model_run"))
				runSpans.add(new long[] { event.get("ts").getAsLong(), event.get("dur").getAsLong() });
			else if (category.equals("Node") && name.endsWith("_kernel_time")) nodes.add(event);
		}
		runSpans.sort((a, b) -> Long.compare(a[0], b[0]));
		List<List<NodeRun>> byRun = new ArrayList<>();
		for (int i = 0; i < runSpans.size(); i++) byRun.add(new ArrayList<>());
		for (JsonObject node : nodes) {
			long ts = node.get("ts").getAsLong();
			int run = lastStartingAtOrBefore(runSpans, ts);
			if (run < 0) throw new IOException(file + ": node " + node.get("name").getAsString() + " ran outside every model_run");
			JsonObject args = node.getAsJsonObject("args");
			String name = node.get("name").getAsString();
			byRun.get(run).add(new NodeRun(name.substring(0, name.length() - "_kernel_time".length()), args.get("op_name").getAsString(),
				shapes(args.getAsJsonArray("input_type_shape")), shapes(args.getAsJsonArray("output_type_shape")), node.get("dur").getAsLong()));
		}
		List<Run> runs = new ArrayList<>();
		for (int i = 0; i < runSpans.size(); i++) runs.add(new Run(runSpans.get(i)[1], byRun.get(i)));
		String fileName = file.getFileName().toString();
		int date = fileName.lastIndexOf('_', fileName.lastIndexOf('_') - 1);
		return new GraphProfile(date > 0 ? fileName.substring(0, date) : fileName, runs);
	}

	/** The profiles in a folder (one per graph session), by graph name. */
	public static Map<String, GraphProfile> readAll(Path directory) throws IOException {
		Map<String, GraphProfile> out = new TreeMap<>();
		try (var files = Files.list(directory)) {
			for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
				GraphProfile p = read(f);
				GraphProfile before = out.putIfAbsent(p.graph(), p);
				if (before != null) {
					// a graph opened twice (two sessions): one profile of all its runs
					List<Run> all = new ArrayList<>(before.runs);
					all.addAll(p.runs);
					out.put(p.graph(), new GraphProfile(p.graph(), all));
				}
			}
		}
		return out;
	}

	/** Mean FLOPs per run. */
	public double flopsPerRun() {
		return runs.stream().mapToDouble(Run::flops).average().orElse(0);
	}

	/** Mean seconds per run, as ONNX Runtime timed it (model_run). */
	public double secondsPerRun() {
		return runs.stream().mapToLong(Run::micros).average().orElse(0) / 1e6;
	}

	/** Seconds spent in each operator type over all runs, with its FLOPs: {seconds, flops}. */
	public Map<String, double[]> secondsByOperator() {
		Map<String, double[]> out = new TreeMap<>();
		for (Run run : runs)
			for (NodeRun n : run.nodes()) {
				double[] s = out.computeIfAbsent(n.operator(), k -> new double[2]);
				s[0] += n.micros() / 1e6;
				s[1] += n.flops();
			}
		return out;
	}

	private static int lastStartingAtOrBefore(List<long[]> spans, long ts) {
		int found = -1;
		for (int i = 0; i < spans.size() && spans.get(i)[0] <= ts; i++)
			if (ts <= spans.get(i)[0] + spans.get(i)[1]) found = i;
		return found;
	}

	private static List<long[]> shapes(JsonArray typed) {
		List<long[]> out = new ArrayList<>();
		if (typed == null) return out;
		for (JsonElement e : typed) {
			// {"float": [1, 3, 1024, 1024]}: one entry, the element type as key
			JsonArray dims = e.getAsJsonObject().entrySet().iterator().next().getValue().getAsJsonArray();
			long[] d = new long[dims.size()];
			for (int i = 0; i < d.length; i++) d[i] = dims.get(i).getAsLong();
			out.add(d);
		}
		return out;
	}

	static long elements(long[] shape) {
		long n = 1;
		for (long d : shape) n *= d;
		return n;
	}
}
