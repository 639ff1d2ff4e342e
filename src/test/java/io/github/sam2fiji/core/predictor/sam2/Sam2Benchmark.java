package io.github.sam2fiji.core.predictor.sam2;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
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
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.runtime.GemmRate;
import io.github.sam2fiji.core.runtime.GraphProfile;
import io.github.sam2fiji.core.runtime.Roofline;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * Benchmark (not a test; run by scripts/bench): tracks K objects (K clicked discs on frame 0)
 * through generated frames with a SAM 2 package and prints one JSON line: per-frame wall time of
 * propagation, the time per graph, peak resident memory (VmHWM). One object count per JVM, so
 * the peak memory belongs to that count.
 *
 * Arguments: model-folder objects frames threads [frames-out-dir [masks-out-dir]] [--roofline profile-dir matmul-graph];
 * object 1's mask of each frame goes to masks-out-dir/t.raw (one byte per pixel) for comparison with
 * the official run. With --roofline the run is profiled by ONNX Runtime and the JSON also carries
 * every graph against the machine's matmul rate ({@link Roofline}; matmul-graph:
 * test-data/roofline/matmul.onnx).
 * <p>
 * Long mode, {@code --long model-folder frames threads}: tracks one object through that many
 * frames, generated when read (nothing written), and prints one JSON line every 100 frames and at
 * the end with resident memory (VmRSS), its peak so far (VmHWM), the Java heap in use after a GC
 * and committed, and the session's retained frame count, to show that memory stays flat with
 * sequence length.
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
			return 80 + (disc % 4) * 150 + 2.0 * swing(t);
		}

		double cy(int disc, int t) {
			return 70 + (disc / 4) * 120 + ((disc % 2 == 0) ? swing(t) : -swing(t));
		}

		/** t for the first 20 frames, then back and forth (period 40), so discs stay inside on long runs. */
		static int swing(int t) {
			int phase = t % 40;
			return phase <= 20 ? phase : 40 - phase;
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
		if (args[0].equals("--long")) {
			// --long MODEL FRAMES THREADS [OBJECTS [batch|keep [BUDGET_MB]]]
			int objects = args.length > 4 ? Integer.parseInt(args[4]) : 1;
			boolean keep = args.length > 5 && args[5].equals("keep");
			long budget = args.length > 6 ? Long.parseLong(args[6]) << 20 : SessionOptions.defaultMemoryBudget();
			SessionOptions options = (keep ? SessionOptions.interactive() : SessionOptions.forBatch()).withMemoryBudget(budget);
			longRun(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), objects, options);
			return;
		}
		List<String> positional = new ArrayList<>(List.of(args));
		Path profiles = null, matmul = null;
		int flag = positional.indexOf("--roofline");
		if (flag >= 0) {
			matmul = Path.of(positional.remove(flag + 2));
			profiles = Files.createDirectories(Path.of(positional.remove(flag + 1)));
			positional.remove(flag);
		}
		args = positional.toArray(String[]::new);
		Path model = Path.of(args[0]);
		int objects = Integer.parseInt(args[1]), frameCount = Integer.parseInt(args[2]), threads = Integer.parseInt(args[3]);
		Discs frames = new Discs(frameCount);
		if (args.length > 4) writeFrames(frames, Path.of(args[4]));
		Path masksOut = args.length > 5 ? Files.createDirectories(Path.of(args[5])) : null;
		List<Double> perFrame = new ArrayList<>();
		long[] last = { 0 };
		List<Integer> areas = new ArrayList<>();
		RuntimeOptions runtime = new RuntimeOptions(false, threads).withProfiling(profiles);
		String line;
		try (Sam2Tracker tracker = new Sam2Tracker(ModelPackage.open(model), runtime);
			Sam2Session session = (Sam2Session) tracker.newSession(frames, BENCH_SESSION)) {
			GraphPeaks graphPeaks = new GraphPeaks();
			tracker.setGraphCallListener(graphPeaks);
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
			tracker.setGraphCallListener(Sam2Model.GraphCallListener.NONE);
			double peakRss = graphPeaks.overall();
			// frame 0 is the prompted frame (memory encoding only); frames 1.. are tracked frames
			List<Double> tracked = perFrame.subList(1, perFrame.size());
			double mean = tracked.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
			StringBuilder graphs = new StringBuilder();
			for (var e : after.entrySet()) {
				long[] b = beforePropagation.getOrDefault(e.getKey(), new long[2]);
				long calls = e.getValue()[1] - b[1];
				double seconds = (e.getValue()[0] - b[0]) / 1e9;
				if (graphs.length() > 0) graphs.append(", ");
				graphs.append(String.format(Locale.ROOT, "\"%s\": {\"calls\": %d, \"seconds\": %.3f, \"per_call\": %.4f, \"peak_rss_mb\": %.1f}", e.getKey(), calls, seconds,
					calls == 0 ? 0 : seconds / calls, graphPeaks.during(e.getKey())));
			}
			line = String.format(Locale.ROOT,
				"{\"model\": \"%s\", \"describe\": \"%s\", \"objects\": %d, \"frames\": %d, \"threads\": %d, \"prompt_seconds\": %.3f, "
					+ "\"seconds_per_tracked_frame\": %.4f, \"per_frame\": %s, \"propagation_graphs\": {%s}, \"peak_rss_mb\": %.1f, \"peak_rss_mb_by_phase\": {%s}, \"object1_areas\": %s",
				model, tracker.describe(), objects, frameCount, threads, promptSeconds, mean, perFrame.stream().map(d -> String.format(Locale.ROOT, "%.3f", d)).toList(),
				graphs, peakRss, graphPeaks.json(), areas);
		} // closing the graphs' sessions writes their profiles
		String roofline = "null";
		if (profiles != null) {
			try {
				roofline = Roofline.json(GraphProfile.readAll(profiles), GemmRate.measure(runtime, matmul, 3, 512, 1024, 2048, 3072));
			}
			catch (ai.onnxruntime.OrtException e) {
				throw new IllegalStateException("Cannot measure the matmul rate with " + matmul + ": " + e.getMessage(), e);
			}
		}
		System.out.println(line + ", \"roofline\": " + roofline + "}");
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

	/** The session of the per-frame benchmark: one batch run, overlaps allowed (the official default). */
	private static final SessionOptions BENCH_SESSION = SessionOptions.forBatch().withNonOverlapMasks(false).withCorrectionsAsConditioning(false);

	/**
	 * Tracks {@code objects} discs through {@code frameCount} frames and prints a JSON line every 100
	 * frames: resident memory (now, peak of the window), heap, what the session holds in RAM and on
	 * disk, time per frame. A batch session drops what it no longer needs; an interactive one keeps
	 * every output and spills beyond its budget.
	 */
	private static void longRun(Path model, int frameCount, int threads, int objects, SessionOptions options) throws IOException {
		Discs frames = new Discs(frameCount);
		long[] last = { System.nanoTime() };
		double[] trackedSeconds = { 0 }, atLastSample = { 0 }, peak = { 0 };
		try (Sam2Tracker tracker = new Sam2Tracker(ModelPackage.open(model), new RuntimeOptions(false, threads));
			Sam2Session session = (Sam2Session) tracker.newSession(frames, options.withNonOverlapMasks(false))) {
			for (int k = 0; k < objects; k++)
				session.addPrompt(ObjectPrompt.points(k + 1, 0, List.of(new PointPrompt(frames.cx(k, 0), frames.cy(k, 0), true))));
			session.propagate(Direction.FORWARD, r -> {
				long now = System.nanoTime();
				if (r.frame() > 0) trackedSeconds[0] += (now - last[0]) / 1e9;
				int done = r.frame() + 1;
				if (done % 100 == 0 || done == frameCount) {
					// No System.gc() here: a forced full collection shrinks the heap and so changes the
					// very resident memory this run watches. The live heap is read as it was after the
					// last collection the JVM chose to make; the peak is that of the frames since the
					// last line (then reset), so a peak growing with the frame count would show.
					Runtime rt = Runtime.getRuntime();
					double windowPeak = procStatusMb("VmHWM:");
					resetPeakRss();
					peak[0] = Math.max(peak[0], windowPeak);
					long[] stored = session.storedBytes(), spill = session.spillStatistics();
					System.out.printf(Locale.ROOT,
						"{\"mode\": \"long\", \"describe\": \"%s\", \"session\": \"%s\", \"objects\": %d, \"threads\": %d, \"frames_done\": %d, \"frames\": %d, \"rss_mb\": %.1f, "
							+ "\"peak_rss_mb\": %.1f, \"window_peak_rss_mb\": %.1f, \"heap_used_mb\": %.1f, \"heap_committed_mb\": %.1f, \"retained_frames\": %d, "
							+ "\"store_ram_mb\": %.1f, \"store_disk_mb\": %.1f, \"spill_file_mb\": %.1f, \"arrays_spilled\": %d, \"arrays_read_back\": %d, "
							+ "\"spill_io_seconds\": %.2f, \"spill_share_of_tracking\": %.4f, "
							+ "\"seconds_per_tracked_frame\": %.3f, \"seconds_per_frame_since_last_line\": %.3f, \"object1_area\": %d}%n",
						tracker.describe(), options.batch() ? "batch" : "keep, budget " + (options.memoryBudgetBytes() >> 20) + " MB", objects, threads, done, frameCount,
						procStatusMb("VmRSS:"), peak[0], windowPeak, heapAfterLastGcMb(), rt.totalMemory() / 1048576.0, session.retainedFrameCount(),
						stored[0] / 1048576.0, stored[1] / 1048576.0, spill[0] / 1048576.0, spill[1], spill[2], spill[3] / 1e9, spill[3] / 1e9 / Math.max(1e-9, trackedSeconds[0]),
						trackedSeconds[0] / Math.max(1, r.frame()), (trackedSeconds[0] - atLastSample[0]) / (done % 100 == 0 ? 100 : done % 100),
						r.objects().get(0).mask().area());
					atLastSample[0] = trackedSeconds[0];
					System.out.flush();
				}
				last[0] = System.nanoTime();
			}, ProgressListener.NONE, CancellationToken.NEVER);
		}
	}

	/**
	 * Peak resident memory while opening the model, during each graph's calls and between calls (Java
	 * code): VmHWM is reset before and read after every call (Linux; NaN elsewhere).
	 */
	private static final class GraphPeaks implements Sam2Model.GraphCallListener {
		static final String BETWEEN = "between graph calls";
		private final Map<String, Double> peaks = new java.util.LinkedHashMap<>();

		GraphPeaks() {
			peaks.put("opening the model", procStatusMb("VmHWM:"));
			resetPeakRss();
		}

		@Override
		public void before(String graph) {
			peaks.merge(BETWEEN, procStatusMb("VmHWM:"), Math::max);
			resetPeakRss();
		}

		@Override
		public void after(String graph) {
			peaks.merge(graph, procStatusMb("VmHWM:"), Math::max);
			resetPeakRss();
		}

		double during(String graph) {
			return peaks.getOrDefault(graph, Double.NaN);
		}

		String json() {
			StringBuilder b = new StringBuilder();
			peaks.forEach((phase, mb) -> b.append(b.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "\"%s\": %.1f", phase, mb)));
			return b.toString();
		}

		double overall() {
			before(BETWEEN);
			return peaks.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
		}
	}

	/** Heap in use just after the last garbage collection (all heap pools), in MiB. */
	private static double heapAfterLastGcMb() {
		long used = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
			if (afterGc != null) used += afterGc.getUsed();
		}
		return used / 1048576.0;
	}

	/** Starts a new peak-RSS window: Linux resets VmHWM to the current RSS on "5" in clear_refs. */
	private static void resetPeakRss() {
		try {
			Files.writeString(Path.of("/proc/self/clear_refs"), "5");
		}
		catch (IOException | UnsupportedOperationException e) {
			// not Linux: the window peaks are then peaks since the start
		}
	}

	/** A memory line of /proc/self/status (VmRSS:, VmHWM:) in MiB; NaN where there is none (not Linux). */
	private static double procStatusMb(String key) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status")))
				if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
		}
		catch (IOException e) {
			return Double.NaN;
		}
		return Double.NaN;
	}
}
