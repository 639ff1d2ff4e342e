package io.github.sam2fiji.core.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each graph of a run against the machine's matmul rate (benchmark helper): per graph, calls,
 * seconds per call, GFLOP per call (counted from ONNX Runtime's profile at the call's shapes,
 * {@link GraphProfile}), achieved GFLOP/s and its share of the best GEMM rate ({@link GemmRate});
 * and where each graph's time goes by operator type, so that time in work that counts no FLOPs
 * (layout copies, normalisation, softmax) shows.
 */
public final class Roofline {

	private Roofline() {}

	/** One JSON object: "gemm" (best rate and per size) and "graphs". */
	public static String json(Map<String, GraphProfile> profiles, GemmRate rate) {
		StringBuilder out = new StringBuilder("{\"gemm\": {\"best_gflops_per_second\": ").append(f(rate.flopsPerSecond() / 1e9)).append(", \"by_size\": {");
		String sep = "";
		for (var e : rate.bySize().entrySet()) {
			out.append(sep).append('"').append(e.getKey()).append("\": ").append(f(e.getValue() / 1e9));
			sep = ", ";
		}
		out.append("}}, \"graphs\": {");
		sep = "";
		for (GraphProfile p : profiles.values()) {
			double seconds = p.secondsPerRun(), flops = p.flopsPerRun();
			out.append(sep).append('"').append(p.graph()).append("\": {\"calls\": ").append(p.runs().size())
				.append(", \"seconds_per_call\": ").append(String.format(Locale.ROOT, "%.5f", seconds))
				.append(", \"gflop_per_call\": ").append(String.format(Locale.ROOT, "%.4f", flops / 1e9))
				.append(", \"gflops_per_second\": ").append(f(seconds > 0 ? flops / seconds / 1e9 : 0))
				.append(", \"of_best_gemm\": ").append(String.format(Locale.ROOT, "%.4f", seconds > 0 ? flops / seconds / rate.flopsPerSecond() : 0))
				.append(", \"operators\": {");
			sep = "";
			Map<String, double[]> byOperator = p.secondsByOperator();
			double total = byOperator.values().stream().mapToDouble(v -> v[0]).sum();
			List<Map.Entry<String, double[]>> ops = new ArrayList<>(byOperator.entrySet());
			ops.sort((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]));
			for (var op : ops) {
				double[] v = op.getValue();
				out.append(sep).append('"').append(op.getKey()).append("\": {\"time_share\": ").append(String.format(Locale.ROOT, "%.4f", total > 0 ? v[0] / total : 0))
					.append(", \"gflops_per_second\": ").append(f(v[0] > 0 ? v[1] / v[0] / 1e9 : 0)).append('}');
				sep = ", ";
			}
			out.append("}}");
			sep = ", ";
		}
		return out.append("}}").toString();
	}

	private static String f(double v) {
		return String.format(Locale.ROOT, "%.2f", v);
	}
}
