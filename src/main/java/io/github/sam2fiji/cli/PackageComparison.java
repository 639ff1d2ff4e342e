package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.sam2fiji.core.runtime.OnnxRuntime;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.npy.NpyArray;

/**
 * The graphs of two model packages run on the inputs of an exporter self-check folder (see
 * {@link GraphSelfCheck}), output against output: how far a package converted in Java from a
 * checkpoint is from the exporter's package of the same checkpoint.
 *
 * <pre>java -cp ... io.github.sam2fiji.cli.PackageComparison SELFCHECK_FOLDER PACKAGE_A PACKAGE_B [THREADS]</pre>
 *
 * Prints, per graph, the max abs difference and that over the largest |value| of B's outputs.
 */
public final class PackageComparison {

	/** Per graph file: the max abs difference, and the max of (difference / max |B output|) over its outputs. */
	public record Difference(double maxAbs, double maxRelative) {}

	private PackageComparison() {}

	public static Map<String, Difference> compare(Path selfcheck, Path a, Path b, int threads) throws IOException, OrtException {
		JsonObject spec = JsonParser.parseString(Files.readString(selfcheck.resolve("cases.json"))).getAsJsonObject();
		OnnxRuntime runtime = new OnnxRuntime(new RuntimeOptions(false, threads));
		Map<String, Difference> worst = new LinkedHashMap<>();
		for (JsonElement element : spec.getAsJsonArray("cases")) {
			JsonObject c = element.getAsJsonObject();
			String graph = c.get("graph").getAsString();
			Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
			try (OrtSession sa = runtime.open(a.resolve(graph)); OrtSession sb = runtime.open(b.resolve(graph))) {
				for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("inputs").entrySet())
					inputs.put(e.getKey(), NpyArray.read(selfcheck.resolve(e.getValue().getAsString())).toTensor(runtime.environment()));
				try (OrtSession.Result ra = sa.run(inputs); OrtSession.Result rb = sb.run(inputs)) {
					for (String output : c.getAsJsonObject("outputs").keySet()) {
						float[] x = NpyArray.fromTensor((OnnxTensor) ra.get(output).orElseThrow()).floats();
						float[] y = NpyArray.fromTensor((OnnxTensor) rb.get(output).orElseThrow()).floats();
						if (x.length != y.length) throw new IllegalStateException(graph + "/" + output + ": " + x.length + " vs " + y.length + " values");
						double diff = 0, max = 0;
						for (int i = 0; i < x.length; i++) {
							double d = Math.abs((double) x[i] - y[i]);
							diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
							max = Math.max(max, Math.abs(y[i]));
						}
						double relative = max == 0 ? diff : diff / max;
						worst.merge(graph, new Difference(diff, relative),
							(p, q) -> new Difference(Math.max(p.maxAbs(), q.maxAbs()), Math.max(p.maxRelative(), q.maxRelative())));
					}
				}
			}
			finally {
				for (OnnxTensor t : inputs.values()) t.close();
			}
		}
		return worst;
	}

	public static void main(String[] args) throws IOException, OrtException {
		if (args.length < 3) {
			System.err.println("usage: PackageComparison SELFCHECK_FOLDER PACKAGE_A PACKAGE_B [THREADS]");
			System.exit(2);
		}
		Map<String, Difference> result = compare(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 2);
		for (Map.Entry<String, Difference> e : result.entrySet())
			System.out.printf(java.util.Locale.ROOT, "%-24s max abs diff %.3g (%.3g of the largest value)%n", e.getKey(), e.getValue().maxAbs(),
				e.getValue().maxRelative());
	}
}
