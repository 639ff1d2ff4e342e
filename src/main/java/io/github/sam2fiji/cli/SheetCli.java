package io.github.sam2fiji.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.google.gson.Gson;

import io.github.sam2fiji.core.io.AtomicOutputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sam2-fiji sheet}: an experiment's stacks as a sample sheet ({@link SampleSheet}), tracked
 * one row per job by a SLURM job array or a workflow engine, and summed up in one table. Every row
 * runs the same code as {@code track} by hand, with the arguments it prints.
 * <p>
 * Output layout under {@code --out}: {@code labels/<sample>.tif}, {@code ctc/<sample>/},
 * {@code logs/<sample>.jsonl} (track's --log-json lines) and {@code experiment.csv}.
 */
@Command(name = "sheet", mixinStandardHelpOptions = true,
	description = "Experiments as sample sheets (CSV: sample,stack,prompts,model,axis,...): make one from a folder, track one row per job, sum up the results.",
	subcommands = { SheetCli.Make.class, SheetCli.ListSamples.class, SheetCli.Track.class, SheetCli.Summary.class })
public final class SheetCli implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getErr());
	}

	/** Runs {@code body}, turning bad input into one line on standard error and the exit code of {@link ExitCodes}. */
	static int guarded(CommandSpec spec, String name, Callable<Integer> body) {
		PrintWriter err = spec.commandLine().getErr();
		try {
			return body.call();
		}
		catch (Exception | OutOfMemoryError e) {
			err.println("sam2-fiji sheet " + name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
			err.flush();
			return ExitCodes.of(e);
		}
	}

	@Command(name = "make", mixinStandardHelpOptions = true, description = "A sample sheet for every .tif of a folder (standard output, or --output).")
	static final class Make implements Callable<Integer> {
		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "FOLDER", description = "folder of TIFF stacks")
		Path folder;

		@Option(names = "--model", required = true, paramLabel = "NAME|DIR")
		String model;

		@Option(names = "--prompts", paramLabel = "DIR", description = "folder of prompt files named after the stacks (<name>.csv clicks, .json scripts, .tif label images); without it every stack is auto")
		Path prompts;

		@Option(names = "--axis", defaultValue = "auto", paramLabel = "auto|t|z")
		String axis;

		@Option(names = "--output", paramLabel = "CSV")
		Path output;

		@Override
		public Integer call() {
			return guarded(spec, "make", () -> {
				String csv = SampleSheet.make(folder, model, prompts, axis);
				if (output == null) {
					spec.commandLine().getOut().print(csv);
					spec.commandLine().getOut().flush();
				}
				else AtomicOutputs.writeFile(output, temp -> Files.writeString(temp, csv, StandardCharsets.UTF_8));
				return ExitCodes.OK;
			});
		}
	}

	@Command(name = "list", mixinStandardHelpOptions = true, description = "The samples of a sheet, one name per line (row order: row K is SLURM_ARRAY_TASK_ID K).")
	static final class ListSamples implements Callable<Integer> {
		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "SHEET")
		Path sheet;

		@Override
		public Integer call() {
			return guarded(spec, "list", () -> {
				for (SampleSheet.Sample s : SampleSheet.read(sheet).samples()) spec.commandLine().getOut().println(s.name());
				spec.commandLine().getOut().flush();
				return ExitCodes.OK;
			});
		}
	}

	@Command(name = "track", mixinStandardHelpOptions = true,
		description = { "Tracks one sample of a sheet (by name, or by row for a job array) into --out's layout, as `track` with the arguments it prints.",
			"Exit codes as track's: 0 done, 1 give up, 3 out of memory, 75 temporary failure (run again)." })
	static final class Track implements Callable<Integer> {
		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "SHEET")
		Path sheet;

		@Option(names = "--sample", paramLabel = "NAME")
		String sample;

		@Option(names = "--row", paramLabel = "K", description = "0-based row below the header (SLURM_ARRAY_TASK_ID)")
		Integer row;

		@Option(names = "--out", required = true, paramLabel = "DIR")
		Path out;

		@Option(names = "--threads", defaultValue = "0")
		int threads;

		@Option(names = "--cpu", description = "do not try the GPU")
		boolean cpuOnly;

		@Option(names = "--skip-existing", description = "resume: skip the sample when its outputs exist")
		boolean skipExisting;

		@Option(names = "--plan", description = "print the memory plan of the sample (track --plan) instead of tracking")
		boolean plan;

		@Override
		public Integer call() {
			return guarded(spec, "track", () -> {
				if ((sample == null) == (row == null)) throw new IllegalArgumentException("give --sample NAME or --row K");
				SampleSheet s = SampleSheet.read(sheet);
				SampleSheet.Sample one = sample != null ? s.byName(sample) : s.byRow(row);
				List<String> args = new ArrayList<>(one.trackArguments(out));
				args.addAll(List.of("--threads", Integer.toString(threads), "--overwrite"));
				if (cpuOnly) args.add("--cpu");
				if (plan) args.add("--plan");
				else {
					args.addAll(List.of("--log-json", one.log(out).toString()));
					if (skipExisting) args.add("--skip-existing");
				}
				PrintWriter err = spec.commandLine().getErr();
				err.println(one.name() + ": sam2-fiji track " + args.stream().map(SheetCli::shellWord).collect(Collectors.joining(" ")));
				err.flush();
				// the same factory as this command line's (tests give one that injects a test tracker)
				CommandLine track = new CommandLine(TrackCli.class, spec.commandLine().getFactory());
				track.setOut(spec.commandLine().getOut());
				track.setErr(err);
				return track.execute(args.toArray(String[]::new));
			});
		}
	}

	@Command(name = "summary", mixinStandardHelpOptions = true,
		description = "One table for the experiment (--out/experiment.csv): per sample its status, objects, doubtful objects, frames, time, peak memory and, with ground truth, SEG, DET and TRA.")
	static final class Summary implements Callable<Integer> {
		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "SHEET")
		Path sheet;

		@Option(names = "--out", required = true, paramLabel = "DIR")
		Path out;

		static final List<String> COLUMNS = List.of("sample", "status", "objects", "doubtful", "frames", "seconds", "peak_rss_mb", "SEG", "DET", "TRA", "exit_code", "error", "stack", "model");

		@Override
		public Integer call() {
			return guarded(spec, "summary", () -> {
				SampleSheet s = SampleSheet.read(sheet);
				StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
				int done = 0;
				for (SampleSheet.Sample one : s.samples()) {
					Map<String, Object> row = lastResult(one.log(out));
					row.putIfAbsent("status", "missing");
					if ("done".equals(row.get("status")) && !Files.isRegularFile(one.labels(out))) row.put("status", "missing");
					if ("done".equals(row.get("status"))) done++;
					row.put("sample", one.name());
					row.put("stack", one.stack().toString());
					if (row.get("scores") instanceof Map<?, ?> scores) for (String k : List.of("SEG", "DET", "TRA")) row.put(k, scores.get(k));
					csv.append(COLUMNS.stream().map(c -> SampleSheet.csvCell(cell(row.get(c)))).collect(Collectors.joining(","))).append('\n');
				}
				AtomicOutputs.writeFile(out.resolve("experiment.csv"), temp -> Files.writeString(temp, csv, StandardCharsets.UTF_8));
				spec.commandLine().getErr().println(out.resolve("experiment.csv") + ": " + done + " of " + s.samples().size() + " samples done");
				spec.commandLine().getErr().flush();
				return ExitCodes.OK;
			});
		}

		/**
		 * A sample's result from its log: the last line; a "skipped" line (resumed run) keeps the
		 * numbers of the run that made the outputs.
		 */
		private static Map<String, Object> lastResult(Path log) throws IOException {
			Map<String, Object> result = new LinkedHashMap<>();
			if (!Files.isRegularFile(log)) return result;
			Map<String, Object> lastDone = null, last = null;
			Gson gson = new Gson();
			for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
				if (line.isBlank()) continue;
				@SuppressWarnings("unchecked")
				Map<String, Object> m = gson.fromJson(line, Map.class);
				last = m;
				if ("done".equals(m.get("status"))) lastDone = m;
			}
			if (last == null) return result;
			if ("skipped".equals(last.get("status")) && lastDone != null) result.putAll(lastDone);
			else result.putAll(last);
			return result;
		}

		private static String cell(Object value) {
			if (value == null) return "";
			if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
			return value.toString();
		}
	}

	static String shellWord(String word) {
		return word.matches("[A-Za-z0-9_./=:+@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
	}
}
