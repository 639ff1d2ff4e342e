package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.sam2fiji.npy.NpyArray;
import io.github.sam2fiji.core.runtime.OnnxRuntime;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * Runs exported graphs in ONNX Runtime on saved inputs and compares them with the outputs PyTorch
 * computed (the exporter's self-check, docs/model-format.md). The folder holds {@code cases.json}:
 * {@code {"package": DIR, "tolerance": 1e-4, "relative_tolerance": 1e-5, "cases": [{"name", "graph",
 * "inputs": {name: file.npy}, "outputs": {name: file.npy}}]}}; "package" is absolute or relative to
 * the folder. An output passes when every value is within {@code tolerance + relative_tolerance x
 * max |expected value|} of that output: float32 rounding grows with the magnitudes a graph computes
 * with, so outputs of large values (object scores near 660) pass when they agree to float precision
 * and fail when they do not, while an output of small values keeps the absolute bar.
 *
 * <pre>java -cp ... io.github.sam2fiji.cli.GraphSelfCheck FOLDER [--threads N] [--package DIR] [--results FILE]</pre>
 *
 * Prints the max abs difference per case and how much of the tolerance it uses; exit code 0 when
 * all are within the tolerance, 1 when one is not, 2 on an error.
 */
public final class GraphSelfCheck {

	/**
	 * The result of one case: the max abs difference per output, the largest share of its tolerance
	 * any value uses (at most 1 to pass), and the run time.
	 */
	public record CaseResult(String name, String graph, Map<String, Double> outputs, double maxAbsDiff, double toleranceUsed, long millis) {
	}

	/** All cases of a folder, and the tolerance they were held to: {@code absolute + relative x max |expected|} per output. */
	public record Report(List<CaseResult> cases, double tolerance, double relativeTolerance) {
		public boolean passed() {
			return cases.stream().allMatch(c -> c.toleranceUsed() <= 1);
		}

		/** Max abs difference per graph file over its cases. */
		public Map<String, Double> perGraph() {
			Map<String, Double> m = new LinkedHashMap<>();
			for (CaseResult c : cases) m.merge(c.graph(), c.maxAbsDiff(), Math::max);
			return m;
		}
	}

	/** How far two arrays are apart: the max abs difference, and that over the tolerance (absolute + relative x max |expected|). */
	public record Agreement(double maxAbsDiff, double toleranceUsed) {
	}

	private GraphSelfCheck() {
	}

	/** Runs every case of {@code folder}; {@code packageOverride} may be null. */
	public static Report run(Path folder, Path packageOverride, int threads) throws IOException, OrtException {
		JsonObject spec = JsonParser.parseString(Files.readString(folder.resolve("cases.json"))).getAsJsonObject();
		Path pkg = packageOverride != null ? packageOverride : folder.resolve(spec.get("package").getAsString()).normalize();
		double tolerance = spec.has("tolerance") ? spec.get("tolerance").getAsDouble() : 1e-4;
		double relative = spec.has("relative_tolerance") ? spec.get("relative_tolerance").getAsDouble() : 0;
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, threads));
		Map<String, OrtSession> sessions = new HashMap<>();
		List<CaseResult> results = new ArrayList<>();
		try {
			for (JsonElement element : spec.getAsJsonArray("cases")) {
				JsonObject c = element.getAsJsonObject();
				String graph = c.get("graph").getAsString();
				OrtSession session = sessions.get(graph);
				if (session == null) {
					session = runtime.open(pkg.resolve(graph));
					sessions.put(graph, session);
				}
				results.add(runCase(runtime, session, folder, c, tolerance, relative));
			}
		}
		finally {
			for (OrtSession s : sessions.values()) s.close();
		}
		return new Report(results, tolerance, relative);
	}

	private static CaseResult runCase(OnnxRuntime runtime, OrtSession session, Path folder, JsonObject c, double tolerance, double relative)
		throws IOException, OrtException {
		String name = c.get("name").getAsString();
		Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
		try {
			for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("inputs").entrySet())
				inputs.put(e.getKey(), NpyArray.read(folder.resolve(e.getValue().getAsString())).toTensor(runtime.environment()));
			long start = System.nanoTime();
			Map<String, Double> diffs = new LinkedHashMap<>();
			double worst = 0, used = 0;
			try (OrtSession.Result result = session.run(inputs)) {
				long millis = (System.nanoTime() - start) / 1_000_000;
				for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("outputs").entrySet()) {
					NpyArray expected = NpyArray.read(folder.resolve(e.getValue().getAsString()));
					OnnxValue value = result.get(e.getKey()).orElseThrow(() -> new IllegalStateException("Graph has no output '" + e.getKey() + "'"));
					NpyArray actual = NpyArray.fromTensor((OnnxTensor) value);
					Agreement a = agreement(expected, actual, tolerance, relative, name + "/" + e.getKey());
					diffs.put(e.getKey(), a.maxAbsDiff());
					worst = Math.max(worst, a.maxAbsDiff());
					used = Math.max(used, a.toleranceUsed());
				}
				return new CaseResult(name, c.get("graph").getAsString(), diffs, worst, used, millis);
			}
		}
		finally {
			for (OnnxTensor t : inputs.values()) t.close();
		}
	}

	/**
	 * Max abs difference of two arrays of the same shape, and the share of the tolerance
	 * {@code absolute + relative x max |expected|} it uses; NaN anywhere counts as infinite.
	 */
	public static Agreement agreement(NpyArray expected, NpyArray actual, double absolute, double relative, String what) {
		if (!Arrays.equals(expected.shape(), actual.shape()))
			throw new IllegalStateException(what + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
		double[] a = expected.asDoubles(), b = actual.asDoubles();
		double worst = 0, scale = 0;
		for (int i = 0; i < a.length; i++) {
			double d = Math.abs(a[i] - b[i]);
			if (Double.isNaN(d)) return new Agreement(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
			worst = Math.max(worst, d);
			scale = Math.max(scale, Math.abs(a[i]));
		}
		double allowed = absolute + relative * scale;
		return new Agreement(worst, allowed > 0 ? worst / allowed : worst > 0 ? Double.POSITIVE_INFINITY : 0);
	}

	public static void main(String[] args) {
		if (args.length == 0 || args[0].startsWith("-")) {
			System.err.println("usage: GraphSelfCheck FOLDER [--threads N] [--package DIR] [--results FILE]");
			System.exit(2);
		}
		Path folder = Path.of(args[0]);
		int threads = 2;
		Path pkg = null, resultsFile = null;
		for (int i = 1; i < args.length; i++) {
			switch (args[i]) {
				case "--threads" -> threads = Integer.parseInt(args[++i]);
				case "--package" -> pkg = Path.of(args[++i]);
				case "--results" -> resultsFile = Path.of(args[++i]);
				default -> {
					System.err.println("Unknown option " + args[i]);
					System.exit(2);
				}
			}
		}
		try {
			Report report = run(folder, pkg, threads);
			for (CaseResult c : report.cases()) {
				System.out.printf("%-34s %-22s max abs diff %.3g, %.0f %% of the tolerance  (%d ms)  %s%n", c.name(), c.graph(), c.maxAbsDiff(),
					100 * c.toleranceUsed(), c.millis(), c.toleranceUsed() <= 1 ? "ok" : "FAILED > " + report.tolerance() + " + " + report.relativeTolerance() + " x max |expected|");
			}
			for (Map.Entry<String, Double> e : report.perGraph().entrySet())
				System.out.printf("graph %-22s max abs diff %.3g%n", e.getKey(), e.getValue());
			if (resultsFile != null)
				Files.writeString(resultsFile, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(report));
			System.exit(report.passed() ? 0 : 1);
		}
		catch (IOException | OrtException | RuntimeException e) {
			System.err.println("Self-check failed to run: " + e.getMessage());
			System.exit(2);
		}
	}
}
