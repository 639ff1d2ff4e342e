package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An experiment as a table, one stack per row (CSV with a header): what each cluster job or
 * workflow rule tracks. Columns:
 * <ul>
 * <li>{@code stack} (required): the TIFF; relative paths are relative to the sheet's folder;</li>
 * <li>{@code prompts} (required): {@code auto}, or a file: clicks ({@code .csv}, as --points), a
 * prompt script ({@code .json}) or a label image ({@code .tif});</li>
 * <li>{@code model} (required): an installed model's name or a package folder;</li>
 * <li>{@code sample}: the name of the row's outputs (default: the stack's file name without
 * extension); unique;</li>
 * <li>{@code axis} (auto|t|z), {@code channel}, {@code gt} (a CTC ground-truth folder: the result is scored);</li>
 * <li>every automatic-mode option of {@code track} as {@code auto_} and its name ({@code --auto-min-iou}:
 * {@code auto_min_iou}): {@link #AUTO_NUMBERS} take a number, {@link #AUTO_SWITCHES} yes or no.</li>
 * </ul>
 * Blank optional cells take track's defaults. Unknown columns are refused, so a typo never silently
 * drops a setting.
 */
record SampleSheet(Path file, List<Sample> samples) {

	/** Automatic-mode columns that take a number: track's {@code --auto-grid N} and so on; whole numbers but {@link #AUTO_FRACTIONS}. */
	static final List<String> AUTO_NUMBERS = List.of("auto_grid", "auto_tiles", "auto_min_iou", "auto_min_stability", "auto_every", "auto_confirm");
	/** The bars, numbers from 0 to 1. */
	static final Set<String> AUTO_FRACTIONS = Set.of("auto_min_iou", "auto_min_stability");
	/** Automatic-mode columns that take yes or no: track's switches ({@code auto_divisions}: no is {@code --no-auto-divisions}). */
	static final List<String> AUTO_SWITCHES = List.of("auto_foreground", "auto_skip_found", "auto_divisions", "auto_check_back", "auto_hide_held_ends");

	static final List<String> COLUMNS = Stream.of(List.of("sample", "stack", "prompts", "model", "axis", "channel"), AUTO_NUMBERS, AUTO_SWITCHES, List.of("gt"))
		.flatMap(List::stream).toList();

	/** The {@code track} option of an automatic-mode column: {@code auto_min_iou} is {@code --auto-min-iou}. */
	static String trackOption(String autoColumn) {
		return "--" + autoColumn.replace('_', '-');
	}

	/** One row, with paths resolved. */
	record Sample(int row, String name, Path stack, String prompts, String model, Map<String, String> options) {

		boolean auto() {
			return "auto".equals(prompts);
		}

		/** The {@code track} arguments that process this sample into {@code out}'s layout. */
		List<String> trackArguments(Path out) {
			List<String> a = new ArrayList<>(List.of("--model", model, "--input", stack.toString(), "--output", labels(out).toString(), "--ctc", ctc(out).toString()));
			if (auto()) a.add("--auto");
			else {
				String p = prompts.toLowerCase(Locale.ROOT);
				a.add(p.endsWith(".json") ? "--script" : p.endsWith(".tif") || p.endsWith(".tiff") ? "--labels" : "--points");
				a.add(prompts);
			}
			options.forEach((key, value) -> {
				switch (key) {
					case "axis" -> a.addAll(List.of("--axis", value));
					case "channel" -> a.addAll(List.of("--channel", value));
					case "gt" -> a.addAll(List.of("--gt", value));
					default -> {
						if (AUTO_NUMBERS.contains(key)) a.addAll(List.of(trackOption(key), value));
						// the switches are off unless given, but divisions: on unless turned off
						else if (yes(value)) a.add(trackOption(key));
						else if (key.equals("auto_divisions")) a.add("--no-auto-divisions");
					}
				}
			});
			return a;
		}

		Path labels(Path out) {
			return out.resolve("labels").resolve(name + ".tif");
		}

		Path ctc(Path out) {
			return out.resolve("ctc").resolve(name);
		}

		Path log(Path out) {
			return out.resolve("logs").resolve(name + ".jsonl");
		}
	}

	static SampleSheet read(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such sample sheet");
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		lines.removeIf(l -> l.isBlank() || l.startsWith("#"));
		if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty; the first line names the columns, e.g. stack,prompts,model");
		List<String> header = cells(lines.get(0));
		for (String column : header)
			if (!COLUMNS.contains(column)) throw new IllegalArgumentException(file + ": unknown column '" + column + "' (columns: " + String.join(", ", COLUMNS) + ")");
		for (String required : List.of("stack", "prompts", "model"))
			if (!header.contains(required)) throw new IllegalArgumentException(file + ": no '" + required + "' column");
		Path base = file.toAbsolutePath().getParent();
		List<Sample> samples = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 1; i < lines.size(); i++) {
			List<String> cells = cells(lines.get(i));
			String where = file + " line " + (i + 1) + ": ";
			if (cells.size() != header.size())
				throw new IllegalArgumentException(where + cells.size() + " cells, the header has " + header.size());
			Map<String, String> row = new LinkedHashMap<>();
			for (int c = 0; c < header.size(); c++) row.put(header.get(c), cells.get(c).trim());
			String stackCell = row.remove("stack"), prompts = row.remove("prompts"), model = row.remove("model"), name = row.remove("sample");
			if (stackCell.isEmpty() || prompts.isEmpty() || model.isEmpty()) throw new IllegalArgumentException(where + "stack, prompts and model must be given");
			Path stack = base.resolve(stackCell).normalize();
			if (name == null || name.isEmpty()) name = TrackCli.stem(stack);
			if (!name.matches("[A-Za-z0-9._+-]+"))
				throw new IllegalArgumentException(where + "sample name '" + name + "' (letters, digits and . _ + - only: it names files and jobs)");
			if (!names.add(name)) throw new IllegalArgumentException(where + "sample '" + name + "' is on an earlier line too; add a sample column to tell them apart");
			if (!"auto".equals(prompts)) prompts = base.resolve(prompts).normalize().toString();
			Path modelFolder = base.resolve(model);
			if (Files.isDirectory(modelFolder)) model = modelFolder.normalize().toString();
			Map<String, String> options = new LinkedHashMap<>();
			for (Map.Entry<String, String> e : row.entrySet()) {
				if (e.getValue().isEmpty()) continue;
				if (e.getKey().startsWith("auto_") && !"auto".equals(prompts))
					throw new IllegalArgumentException(where + e.getKey() + " is for automatic mode (prompts auto), but this sample's prompts are " + prompts);
				if (AUTO_SWITCHES.contains(e.getKey()) && !yes(e.getValue()) && !no(e.getValue()))
					throw new IllegalArgumentException(where + e.getKey() + " is yes or no, got '" + e.getValue() + "'");
				// a typo in a number is said when the sheet is read, not when its job runs on the cluster
				boolean fraction = AUTO_FRACTIONS.contains(e.getKey());
				if (AUTO_NUMBERS.contains(e.getKey()) && !e.getValue().matches(fraction ? "\\d*\\.?\\d+|\\d+\\." : "\\d+"))
					throw new IllegalArgumentException(where + e.getKey() + " is a" + (fraction ? " number" : " whole number") + ", got '" + e.getValue() + "'");
				options.put(e.getKey(), e.getKey().equals("gt") ? base.resolve(e.getValue()).normalize().toString() : e.getValue());
			}
			samples.add(new Sample(i - 1, name, stack, prompts, model, options));
		}
		if (samples.isEmpty()) throw new IllegalArgumentException(file + ": no samples below the header");
		return new SampleSheet(file, samples);
	}

	/** A sheet for every TIFF of {@code folder}: its prompt file from {@code promptFolder} (by name), or auto. */
	static String make(Path folder, String model, Path promptFolder, String axis) throws IOException {
		if (!Files.isDirectory(folder)) throw new IllegalArgumentException(folder + ": no such folder");
		List<Path> stacks;
		try (Stream<Path> s = Files.list(folder)) {
			stacks = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.tiff?")).sorted().toList();
		}
		if (stacks.isEmpty()) throw new IllegalArgumentException(folder + ": the folder has no .tif or .tiff files");
		StringBuilder csv = new StringBuilder("sample,stack,prompts,model,axis\n");
		for (Path stack : stacks) {
			String prompts = "auto";
			if (promptFolder != null) {
				prompts = null;
				for (String ext : List.of(".csv", ".json", ".tif", ".tiff")) {
					Path p = promptFolder.resolve(TrackCli.stem(stack) + ext);
					if (Files.isRegularFile(p) && !p.toAbsolutePath().normalize().equals(stack.toAbsolutePath().normalize())) {
						prompts = p.toAbsolutePath().normalize().toString();
						break;
					}
				}
				if (prompts == null) throw new IllegalArgumentException(promptFolder + ": no prompt file (.csv, .json or .tif) for " + stack.getFileName());
			}
			csv.append(String.join(",", Stream.of(TrackCli.stem(stack), stack.toAbsolutePath().normalize().toString(), prompts, model, axis)
				.map(SampleSheet::csvCell).toList())).append('\n');
		}
		return csv.toString();
	}

	Sample byName(String name) {
		return samples.stream().filter(s -> s.name().equals(name)).findFirst()
			.orElseThrow(() -> new IllegalArgumentException(file + ": no sample '" + name + "'"));
	}

	Sample byRow(int row) {
		if (row < 0 || row >= samples.size())
			throw new IllegalArgumentException(file + ": no row " + row + " (rows 0 to " + (samples.size() - 1) + ", as SLURM_ARRAY_TASK_ID of --array=0-" + (samples.size() - 1) + ")");
		return samples.get(row);
	}

	private static boolean yes(String value) {
		return List.of("yes", "true", "1").contains(value.toLowerCase(Locale.ROOT));
	}

	private static boolean no(String value) {
		return List.of("no", "false", "0").contains(value.toLowerCase(Locale.ROOT));
	}

	static String csvCell(String value) {
		return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
	}

	/** The cells of a CSV line; double quotes around a cell allow commas in it. */
	private static List<String> cells(String line) {
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			char ch = line.charAt(i);
			if (ch == '"') {
				if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					cell.append('"');
					i++;
				}
				else quoted = !quoted;
			}
			else if (ch == ',' && !quoted) {
				cells.add(cell.toString());
				cell.setLength(0);
			}
			else cell.append(ch);
		}
		cells.add(cell.toString());
		return cells;
	}
}
