package io.github.sam2fiji.core.predictor.sam2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * Benchmark (not a test; run by scripts/bench): tracks K objects (K clicked discs on frame 0)
 * through generated frames with a SAM 2 package and prints one JSON line: per-frame wall time of
 * propagation, the time per graph, peak resident memory (VmHWM). One object count per JVM, so
 * the peak memory belongs to that count.
 *
 * Arguments: model-folder objects frames threads [frames-out-dir [masks-out-dir]]; object 1's mask
 * of each frame goes to masks-out-dir/t.raw (one byte per pixel) for comparison with the official run.
 */
public final class Sam2Benchmark {

	/** 16 bright discs on a 4 x 4 grid drifting right, on a dim textured background; 8-bit grey. */
	static final class Discs implements FrameSource {
		final int width = 640, height = 512, frames;

		Discs(int frames) {
			this.frames = frames;
		}

		@Override
		public int frameCount() {
			return frames;
		}

		@Override
		public int width() {
			return width;
		}

		@Override
		public int height() {
			return height;
		}

		double cx(int disc, int t) {
			return 80 + (disc % 4) * 150 + 2.0 * t;
		}

		double cy(int disc, int t) {
			return 70 + (disc / 4) * 120 + ((disc % 2 == 0) ? t : -t);
		}

		@Override
		public Frame read(int index) {
			float[] data = new float[width * height];
			for (int y = 0; y < height; y++)
				for (int x = 0; x < width; x++) {
					float v = 30 + ((x * 7 + y * 13) % 17);
					for (int d = 0; d < 16; d++) {
						double dx = x + 0.5 - cx(d, index), dy = y + 0.5 - cy(d, index);
						if (dx * dx + dy * dy <= 30 * 30) v = 150 + 5 * d;
					}
					data[y * width + x] = v;
				}
			return new Frame(width, height, 1, data);
		}
	}

	public static void main(String[] args) throws IOException {
		Path model = Path.of(args[0]);
		int objects = Integer.parseInt(args[1]), frameCount = Integer.parseInt(args[2]), threads = Integer.parseInt(args[3]);
		Discs frames = new Discs(frameCount);
		if (args.length > 4) writeFrames(frames, Path.of(args[4]));
		Path masksOut = args.length > 5 ? Files.createDirectories(Path.of(args[5])) : null;
		List<Double> perFrame = new ArrayList<>();
		long[] last = { 0 };
		List<Integer> areas = new ArrayList<>();
		try (Sam2Tracker tracker = new Sam2Tracker(ModelPackage.open(model), new RuntimeOptions(false, threads));
			Sam2Session session = (Sam2Session) tracker.newSession(frames, false, false)) {
			long start = System.nanoTime();
			for (int k = 0; k < objects; k++)
				session.addPrompt(ObjectPrompt.points(k + 1, 0, List.of(new PointPrompt(frames.cx(k, 0), frames.cy(k, 0), true))));
			double promptSeconds = (System.nanoTime() - start) / 1e9;
			Map<String, long[]> beforePropagation = tracker.graphTimings();
			last[0] = System.nanoTime();
			session.propagate(Direction.FORWARD, r -> {
				long now = System.nanoTime();
				perFrame.add((now - last[0]) / 1e9);
				last[0] = now;
				areas.add(r.objects().get(0).mask().area());
				if (masksOut != null) {
					try {
						Files.write(masksOut.resolve(r.frame() + ".raw"), r.objects().get(0).mask().toBytes());
					}
					catch (IOException e) {
						throw new java.io.UncheckedIOException(e);
					}
				}
			}, ProgressListener.NONE, CancellationToken.NEVER);
			Map<String, long[]> after = tracker.graphTimings();
			// frame 0 is the prompted frame (memory encoding only); frames 1.. are tracked frames
			List<Double> tracked = perFrame.subList(1, perFrame.size());
			double mean = tracked.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
			StringBuilder graphs = new StringBuilder();
			for (var e : after.entrySet()) {
				long[] b = beforePropagation.getOrDefault(e.getKey(), new long[2]);
				long calls = e.getValue()[1] - b[1];
				double seconds = (e.getValue()[0] - b[0]) / 1e9;
				if (graphs.length() > 0) graphs.append(", ");
				graphs.append(String.format(Locale.ROOT, "\"%s\": {\"calls\": %d, \"seconds\": %.3f, \"per_call\": %.4f}", e.getKey(), calls, seconds, calls == 0 ? 0 : seconds / calls));
			}
			System.out.printf(Locale.ROOT,
				"{\"model\": \"%s\", \"describe\": \"%s\", \"objects\": %d, \"frames\": %d, \"threads\": %d, \"prompt_seconds\": %.3f, "
					+ "\"seconds_per_tracked_frame\": %.4f, \"per_frame\": %s, \"propagation_graphs\": {%s}, \"peak_rss_mb\": %.1f, \"object1_areas\": %s}%n",
				model, tracker.describe(), objects, frameCount, threads, promptSeconds, mean, perFrame.stream().map(d -> String.format(Locale.ROOT, "%.3f", d)).toList(),
				graphs, peakRssMb(), areas);
		}
	}

	/** Writes the frames as raw 8-bit files (t.raw) plus size.txt, for scripts/bench_official.py to run the official predictor on the same pixels. */
	private static void writeFrames(Discs frames, Path dir) throws IOException {
		Files.createDirectories(dir);
		for (int t = 0; t < frames.frameCount(); t++) {
			Frame f = frames.read(t);
			byte[] pixels = new byte[f.data().length];
			for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) f.data()[i];
			Files.write(dir.resolve(t + ".raw"), pixels);
		}
		Files.writeString(dir.resolve("size.txt"), frames.width() + " " + frames.height() + "\n");
	}

	private static double peakRssMb() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status")))
			if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
		return Double.NaN;
	}
}
