package io.github.sam2fiji.core.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.predictor.Tracker;

/**
 * How long a model takes to open (all its graphs, checksums included), in one JVM, per repeat: without
 * the optimised-graph cache, with an empty one (optimised and saved) and with the saved forms
 * ({@link OptimizedGraphCache}); medians and the ratio of the last to the first. Not a test: scripts/bench --load.
 * <pre>LoadBenchmark MODEL_DIR THREADS REPEATS</pre>
 */
public final class LoadBenchmark {

	public static void main(String[] args) throws Exception {
		Path model = Path.of(args[0]);
		int threads = Integer.parseInt(args[1]), repeats = Integer.parseInt(args[2]);
		List<Double> off = new ArrayList<>(), cold = new ArrayList<>(), warm = new ArrayList<>();
		for (int r = 0; r < repeats; r++) {
			Path cache = Files.createTempDirectory("sam2-bench-graph-cache");
			try {
				off.add(open(model, new RuntimeOptions(false, threads)));
				cold.add(open(model, new RuntimeOptions(false, threads).withGraphCache(cache)));
				warm.add(open(model, new RuntimeOptions(false, threads).withGraphCache(cache)));
				long bytes;
				try (var files = Files.list(cache)) {
					bytes = files.mapToLong(p -> p.toFile().length()).sum();
				}
				System.out.printf(Locale.ROOT, "repeat %d: no cache %.2f s, empty cache %.2f s, saved forms %.2f s (%d MB cached)%n", r + 1, off.get(r), cold.get(r),
					warm.get(r), bytes >> 20);
			}
			finally {
				try (var files = Files.walk(cache)) {
					files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
				}
			}
		}
		System.out.printf(Locale.ROOT, "median open: no cache %.2f s, empty cache %.2f s, saved forms %.2f s: %.2fx faster from the saved forms%n", median(off),
			median(cold), median(warm), median(off) / median(warm));
	}

	private static double open(Path model, RuntimeOptions options) throws Exception {
		long t0 = System.nanoTime();
		try (Tracker tracker = Trackers.open(model, options)) {
			return (System.nanoTime() - t0) / 1e9;
		}
	}

	private static double median(List<Double> xs) {
		List<Double> s = new ArrayList<>(xs);
		Collections.sort(s);
		return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
	}
}
