package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.ImageStack;
import io.github.sam2fiji.ij.SequenceLayout;

/**
 * What {@code track --plan} prints: the peak resident memory a run of one stack will need and the
 * JVM options to run it with, so that a scheduler (SLURM's --mem, Snakemake's mem_mb) can reserve
 * it.
 * <p>
 * Measured, not guessed: ONNX Runtime's weights and working buffers depend on the graphs, the
 * execution provider and the number of objects, so the plan runs the probe, a real
 * {@code track} in a child JVM started exactly as the run will be, on two generated frames of the
 * stack's size with the stack's number of objects (at most {@link #PROBE_OBJECTS}), and reads its
 * peak resident memory ({@code /proc}: plans are made on Linux, as cluster nodes are). What grows
 * with the stack lives on the Java heap (the 16-bit label stack, the objects' per-frame records);
 * the heap is sized from the stack's header with room for the collector (twice the live data) and
 * fixed and touched from the start ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}), so the
 * run's resident heap is what the probe had, whatever the node's memory.
 *
 * @param objects prompted objects, or for an automatic run the count planned for ({@link #AUTO_OBJECTS})
 * @param dataMb what the stack puts on the heap
 * @param heapMb the Java heap to run with
 * @param peakRssMb the run's predicted peak: the probe's measured one plus {@link #GROWTH_MARGIN}
 */
record MemoryPlan(Path stack, int width, int height, int frames, int sequences, int objects, boolean auto, String model,
	long dataMb, long heapMb, long peakRssMb) {

	/** Heap besides the data: ImageJ, the model's Java side, one frame's pre-processing. */
	static final long BASE_HEAP_MB = 160;

	/** Per object and frame on the heap: its measurement record and mask bookkeeping (bytes). */
	private static final long BYTES_PER_OBJECT_FRAME = 512;

	/** Objects assumed for a plan of an automatic run, whose count is known only after it. */
	static final int AUTO_OBJECTS = 64;

	/**
	 * Heap added for an automatic run's shared image encodings
	 * ({@link io.github.sam2fiji.core.auto.AutoTracking.Settings#defaultImageCacheBytes()}: a quarter of
	 * the heap, so never more than this).
	 */
	static final long AUTO_IMAGE_CACHE_MB = io.github.sam2fiji.core.auto.AutoTracking.Settings.MAX_IMAGE_CACHE_BYTES >> 20;

	/** At most this many grid clicks per side in an automatic run's probe. */
	static final int PROBE_GRID = 16;

	/**
	 * Added to the probe's peak: a run's native memory may grow a little over its frames (ONNX
	 * Runtime's arenas reaching a later frame's largest run), which two probe frames do not show;
	 * measured on the test stacks (scripts/e2e/workflow.sh): runs peaked up to 7 % above their probes
	 * without the arena, and 1 to 10 % below the plan with it.
	 */
	static final double GROWTH_MARGIN = 1.10;

	/** At most this many objects in the probe: SAM 2 batches objects, so more change little. */
	static final int PROBE_OBJECTS = 16;

	/** The heap a run of this stack needs, from its size alone. */
	static long heapMb(SequenceLayout layout, int objects) {
		long planes = (long) layout.frameCount() * layout.sequenceCount();
		long pixels = (long) layout.width() * layout.height();
		// the label stack (16-bit), a frame being converted (float) and one output plane
		long dataBytes = planes * pixels * 2 + pixels * 8 + planes * objects * BYTES_PER_OBJECT_FRAME;
		return BASE_HEAP_MB + 2 * ceilMb(dataBytes);
	}

	static MemoryPlan of(Path stack, SequenceLayout layout, int objects, boolean auto, String model, long probePeakMb) {
		int counted = auto ? Math.max(objects, AUTO_OBJECTS) : objects;
		// an automatic run keeps frames' encodings for all its rounds: a quarter of the heap, at most this much more
		long forData = heapMb(layout, counted), heap = forData + (auto ? AUTO_IMAGE_CACHE_MB : 0);
		return new MemoryPlan(stack, layout.width(), layout.height(), layout.frameCount(), layout.sequenceCount(), counted, auto, model,
			(forData - BASE_HEAP_MB) / 2, heap, (long) Math.ceil(probePeakMb * GROWTH_MARGIN));
	}

	/** The JVM options the run is planned for (the launcher reads them from SAM2_FIJI_JAVA_OPTS). */
	static String javaOpts(long heapMb) {
		return "-Xms" + heapMb + "m -Xmx" + heapMb + "m -XX:+AlwaysPreTouch";
	}

	/** The JSON line {@code track --plan} prints for this stack. */
	String json() {
		Map<String, Object> m = new java.util.LinkedHashMap<>();
		m.put("stack", stack.toString());
		m.put("width", width);
		m.put("height", height);
		m.put("frames", frames);
		m.put("sequences", sequences);
		m.put("objects", objects);
		m.put("auto", auto);
		m.put("model", model);
		m.put("data_mb", dataMb);
		m.put("java_heap_mb", heapMb);
		m.put("peak_rss_mb", peakRssMb);
		m.put("java_opts", javaOpts(heapMb));
		return JsonLines.of(m);
	}

	String describe() {
		return String.format(Locale.ROOT, "%s: %d x %d, %d frame(s) x %d, %s: peak %d MB resident (probe measured, +10 %%), Java heap %d MB (data %d MB); run with SAM2_FIJI_JAVA_OPTS=\"%s\"",
			stack.getFileName(), width, height, frames, sequences, auto ? "automatic (planned for " + objects + " objects)" : objects + " object(s)",
			peakRssMb, heapMb, dataMb, javaOpts(heapMb));
	}

	/**
	 * The probe: {@code track} in a child JVM with the planned options, on two generated frames of
	 * {@code width x height} with {@code objects} discs, each clicked (or found, for {@code auto}:
	 * the same search settings). Returns its peak resident memory in MB.
	 *
	 * @param trackArguments the run's model, device and search options ({@code --model M --threads N ...})
	 */
	static long probe(int width, int height, int objects, long heapMb, List<String> trackArguments, boolean auto) throws IOException {
		Path dir = Files.createTempDirectory("sam2fiji-plan-");
		try {
			int n = Math.max(1, Math.min(objects, PROBE_OBJECTS));
			int side = (int) Math.ceil(Math.sqrt(n));
			int cellW = Math.max(2, width / side), cellH = Math.max(2, height / side);
			int r = Math.max(1, Math.min(cellW, cellH) / 4);
			ImageStack frames = new ImageStack(width, height);
			StringBuilder csv = new StringBuilder(PromptCsv.POINTS_HEADER + "\n");
			for (int t = 0; t < 2; t++) {
				ByteProcessor ip = new ByteProcessor(width, height);
				ip.setValue(30);
				ip.fill();
				ip.setValue(200);
				for (int k = 0; k < n; k++) {
					int cx = (k % side) * cellW + cellW / 2, cy = (k / side) * cellH + cellH / 2;
					ip.fillOval(cx - r + t, cy - r, 2 * r, 2 * r);
					if (t == 0) csv.append(k + 1).append(",0,").append(cx).append(',').append(cy).append(",1\n");
				}
				frames.addSlice(ip);
			}
			ImagePlus image = new ImagePlus("probe", frames);
			image.setDimensions(1, 1, 2);
			Path tif = dir.resolve("probe.tif"), points = dir.resolve("probe.csv"), log = dir.resolve("probe.jsonl");
			if (!new ij.io.FileSaver(image).saveAsTiffStack(tif.toString())) throw new IOException("Cannot write the probe's stack in " + dir);
			Files.writeString(points, csv);
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(List.of(javaOpts(heapMb).split(" ")));
			command.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Sam2FijiCli.class.getName(), "track",
				"--input", tif.toString(), "--output", dir.resolve("labels.tif").toString(), "--log-json", log.toString()));
			if (!auto) command.addAll(List.of("--points", points.toString()));
			command.addAll(trackArguments);
			Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("probe.log").toFile()).start();
			int code;
			try {
				code = child.waitFor();
			}
			catch (InterruptedException e) {
				child.destroyForcibly();
				Thread.currentThread().interrupt();
				throw new IOException("The memory probe was interrupted", e);
			}
			List<String> lines = Files.isRegularFile(log) ? Files.readAllLines(log) : List.of();
			if (code != 0 || lines.isEmpty()) {
				List<String> output = Files.readAllLines(dir.resolve("probe.log"));
				throw new IllegalStateException("The memory probe (track on two generated frames, " + javaOpts(heapMb) + ") failed with exit code " + code + ": "
					+ (output.isEmpty() ? "no output" : output.get(output.size() - 1)));
			}
			Object peak = new com.google.gson.Gson().fromJson(lines.get(lines.size() - 1), Map.class).get("peak_rss_mb");
			if (!(peak instanceof Number number)) throw new IllegalStateException("The memory probe could not read its resident memory (not Linux?)");
			return number.longValue();
		}
		finally {
			try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
				for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
			}
		}
	}

	/** This process's peak resident memory (VmHWM) in MB; Linux only. */
	static long residentPeakMb() throws IOException {
		Path status = Path.of("/proc/self/status");
		if (!Files.isReadable(status))
			throw new IllegalStateException("track --plan measures resident memory from /proc (Linux, as cluster nodes); this system has none");
		for (String line : Files.readAllLines(status))
			if (line.startsWith("VmHWM:")) return ceilMb(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
		throw new IllegalStateException("/proc/self/status has no VmHWM line");
	}

	private static long ceilMb(long bytes) {
		return (bytes + (1 << 20) - 1) >> 20;
	}
}
