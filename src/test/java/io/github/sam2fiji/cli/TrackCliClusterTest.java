package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.Gson;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import io.github.sam2fiji.testing.TestImages;

/**
 * The command line as a unit of work for schedulers: resume, leftovers of killed runs, JSON log
 * lines, exit codes, one position per call, and sample sheets run row by row (with the test tracker;
 * scripts/e2e/workflow.sh runs the real models through Snakemake and SLURM).
 */
class TrackCliClusterTest {

	@TempDir
	Path dir;

	private final FakeCli cli = new FakeCli();

	private Path stack(String name, int width, int slices, int frames) throws IOException {
		Path file = dir.resolve("in").resolve(name);
		Files.createDirectories(file.getParent());
		ImagePlus imp = TestImages.hyperstack(name, width, 30, 1, slices, frames);
		assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()));
		return file;
	}

	private Path points() throws IOException {
		Path f = dir.resolve("points.csv");
		Files.write(f, List.of("object_id,frame,x,y,label", "1,0,10,10,1", "2,0,25,20,1"));
		return f;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> lines(Path log) throws IOException {
		Gson gson = new Gson();
		return Files.readAllLines(log).stream().map(l -> (Map<String, Object>) gson.fromJson(l, Map.class)).toList();
	}

	@Test
	void aResumedRunTracksOnlyWhatIsMissingAndRemovesLeftoversOfAKilledOne() throws Exception {
		stack("a.tif", 40, 1, 3);
		stack("b.tif", 40, 1, 4);
		Path out = dir.resolve("out"), log = dir.resolve("log.jsonl");
		String[] args = { "track", "--model", dir.toString(), "--input", dir.resolve("in").toString(), "--points", points().toString(), "--output", out.toString(),
			"--log-json", log.toString(), "--skip-existing" };
		assertEquals(0, cli.run(args), cli.err.toString());
		assertEquals(2, cli.tracker.sessions);
		byte[] a = Files.readAllBytes(out.resolve("a-labels.tif"));
		// as a run killed while writing b leaves it: no b, a hidden partial file beside it
		Files.delete(out.resolve("b-labels.tif"));
		Path partial = out.resolve(".b-labels.tif.partial-123");
		Files.write(partial, new byte[100]);
		assertEquals(0, cli.run(args), cli.err.toString());
		assertEquals(3, cli.tracker.sessions, "only b is tracked again");
		assertFalse(Files.exists(partial), "the leftover is removed");
		assertArrayEquals(a, Files.readAllBytes(out.resolve("a-labels.tif")), "a is not rewritten");
		assertTrue(cli.err.toString().contains("a.tif: skipped"), cli.err.toString());
		List<Map<String, Object>> entries = lines(log);
		assertEquals(List.of("done", "done", "skipped", "done"), entries.stream().map(e -> e.get("status")).toList());
		Map<String, Object> b = entries.get(3);
		assertEquals(out.resolve("b-labels.tif").toString(), b.get("output"));
		assertEquals(2.0, b.get("objects"));
		assertEquals(4.0, b.get("frames"));
		assertEquals(0.0, b.get("exit_code"));
		assertTrue(((Number) b.get("peak_rss_mb")).doubleValue() > 0, "resident memory measured");
		assertTrue(b.get("model").toString().startsWith("fake"), b.toString());
		assertTrue(b.get("started_at").toString().compareTo(b.get("ended_at").toString()) <= 0);
	}

	@Test
	void aFailedStackIsLoggedWithItsErrorAndAGiveUpExitCode() throws Exception {
		stack("a.tif", 40, 1, 3);
		Path bad = dir.resolve("in").resolve("b.tif");
		Files.writeString(bad, "not a TIFF");
		Path log = dir.resolve("log.jsonl");
		int code = cli.run("track", "--model", dir.toString(), "--input", dir.resolve("in").toString(), "--points", points().toString(), "--output",
			dir.resolve("out").toString(), "--log-json", log.toString());
		assertEquals(ExitCodes.FAILED, code, "a broken input fails the same way every time: give up");
		Map<String, Object> b = lines(log).get(1);
		assertEquals("failed", b.get("status"));
		assertEquals(1.0, b.get("exit_code"));
		assertEquals(false, b.get("retry"));
		assertTrue(b.get("error").toString().contains("not a readable TIFF"), b.toString());
	}

	@Test
	void exitCodesSayRetryOrGiveUp() {
		assertEquals(ExitCodes.TEMPORARY, ExitCodes.of(new IOException("No space left on device")));
		assertEquals(ExitCodes.TEMPORARY, ExitCodes.of(new UncheckedIOException(new IOException("Stale file handle"))));
		assertEquals(ExitCodes.FAILED, ExitCodes.of(new NoSuchFileException("x.tif")));
		assertEquals(ExitCodes.FAILED, ExitCodes.of(new IllegalArgumentException("bad prompt")));
		assertEquals(ExitCodes.OUT_OF_MEMORY, ExitCodes.of(new OutOfMemoryError("Java heap space")));
		assertEquals(ExitCodes.FAILED, ExitCodes.worst(ExitCodes.TEMPORARY, ExitCodes.FAILED));
		assertEquals(ExitCodes.OUT_OF_MEMORY, ExitCodes.worst(ExitCodes.TEMPORARY, ExitCodes.OUT_OF_MEMORY));
		assertEquals(ExitCodes.TEMPORARY, ExitCodes.worst(ExitCodes.OK, ExitCodes.TEMPORARY));
	}

	@Test
	void onePositionOfAHyperstackPerCall() throws Exception {
		Path input = stack("h.tif", 40, 3, 4);
		Path out = dir.resolve("out");
		Files.createDirectories(out);
		assertEquals(0, cli.run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points().toString(), "--output", out.toString(),
			"--axis", "t", "--position", "2"), cli.err.toString());
		ImagePlus labels = IJ.openImage(out.resolve("h-p2-labels.tif").toString());
		assertEquals(4, labels.getStackSize(), "the 4 time points of z slice 2");
		assertEquals(1, (int) labels.getStack().getProcessor(4).getf(10, 10));
		assertEquals(ExitCodes.FAILED, cli.run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points().toString(), "--output",
			out.toString(), "--axis", "t", "--position", "4"));
		assertEquals("sam2-fiji track: --position 4: h.tif has 3 position(s) across t (z)", cli.lastLine());
	}

	@Test
	void groundTruthNeedsOneStackAndACtcResult() throws Exception {
		Path input = stack("a.tif", 40, 1, 3);
		assertEquals(ExitCodes.FAILED, cli.run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points().toString(), "--output",
			dir.resolve("a.tif.out.tif").toString(), "--gt", dir.toString()));
		assertEquals("sam2-fiji track: --gt scores one stack's CTC result: give a single --input stack and --ctc", cli.lastLine());
	}

	@Test
	void aSheetRowRunsExactlyAsTrackByHandAndTheSummaryListsEverySample() throws Exception {
		stack("a.tif", 40, 1, 3);
		stack("b.tif", 44, 1, 4);
		points();
		Path sheet = dir.resolve("samples.csv");
		Files.write(sheet, List.of("sample,stack,prompts,model,axis", "first,in/a.tif,points.csv,.,t", "second,in/b.tif,points.csv,.,"));
		Path out = dir.resolve("results");
		assertEquals(0, cli.run("sheet", "track", sheet.toString(), "--row", "1", "--out", out.toString()), cli.err.toString());
		assertTrue(cli.err.toString().contains("second: sam2-fiji track --model " + dir), "the equivalent command is printed: " + cli.err);
		assertEquals(0, cli.run("track", "--model", dir.toString(), "--input", dir.resolve("in/b.tif").toString(), "--points", dir.resolve("points.csv").toString(),
			"--output", dir.resolve("hand.tif").toString()), cli.err.toString());
		assertArrayEquals(Files.readAllBytes(dir.resolve("hand.tif")), Files.readAllBytes(out.resolve("labels/second.tif")));
		assertTrue(Files.isRegularFile(out.resolve("ctc/second/res_track.txt")));

		assertEquals(0, cli.run("sheet", "summary", sheet.toString(), "--out", out.toString()), cli.err.toString());
		List<String> table = Files.readAllLines(out.resolve("experiment.csv"));
		assertEquals(String.join(",", SheetCli.Summary.COLUMNS), table.get(0));
		assertTrue(table.get(1).startsWith("first,missing,"), table.get(1));
		assertTrue(table.get(2).startsWith("second,done,2,0,4,"), table.get(2));
		assertTrue(cli.lastLine().endsWith("1 of 2 samples done"), cli.lastLine());

		// a job array's rerun: the done sample is skipped and keeps its numbers in the table
		int sessions = cli.tracker.sessions;
		assertEquals(0, cli.run("sheet", "track", sheet.toString(), "--sample", "second", "--out", out.toString(), "--skip-existing"), cli.err.toString());
		assertEquals(sessions, cli.tracker.sessions);
		assertEquals(0, cli.run("sheet", "summary", sheet.toString(), "--out", out.toString()));
		assertTrue(Files.readAllLines(out.resolve("experiment.csv")).get(2).startsWith("second,done,2,0,4,"));
	}

	@Test
	void sheetMistakesAreOneLineNamingTheFileAndLine() throws Exception {
		Path sheet = dir.resolve("s.csv");
		Files.write(sheet, List.of("stack,prompts,model,axes", "a.tif,auto,minisam,t"));
		assertEquals(1, cli.run("sheet", "list", sheet.toString()));
		assertEquals("sam2-fiji sheet list: " + sheet + ": unknown column 'axes' (columns: " + String.join(", ", SampleSheet.COLUMNS) + ")", cli.lastLine());
		Files.write(sheet, List.of("stack,prompts,model", "x/a.tif,auto,minisam", "y/a.tif,auto,minisam"));
		assertEquals(1, cli.run("sheet", "list", sheet.toString()));
		assertEquals("sam2-fiji sheet list: " + sheet + " line 3: sample 'a' is on an earlier line too; add a sample column to tell them apart", cli.lastLine());
		Files.write(sheet, List.of("stack,prompts,model", "a.tif,auto,minisam"));
		assertEquals(1, cli.run("sheet", "track", sheet.toString(), "--row", "1", "--out", dir.toString()));
		assertEquals("sam2-fiji sheet track: " + sheet + ": no row 1 (rows 0 to 0, as SLURM_ARRAY_TASK_ID of --array=0-0)", cli.lastLine());
	}

	@Test
	void automaticOptionsOfASheetBecomeTracksOptions() throws Exception {
		Path sheet = dir.resolve("auto.csv");
		Files.write(sheet, List.of("stack,prompts,model,auto_grid,auto_foreground,auto_skip_found", "a.tif,auto,minisam,16,yes,yes", "b.tif,auto,minisam,,no,no"));
		SampleSheet read = SampleSheet.read(sheet);
		List<String> a = read.samples().get(0).trackArguments(dir), b = read.samples().get(1).trackArguments(dir);
		assertTrue(a.containsAll(List.of("--auto", "--auto-grid", "16", "--auto-foreground", "--auto-skip-found")), a.toString());
		assertTrue(b.contains("--auto") && !b.contains("--auto-foreground") && !b.contains("--auto-skip-found"), b.toString());
		Files.write(sheet, List.of("stack,prompts,model,auto_skip_found", "a.tif,auto,minisam,maybe"));
		assertEquals(1, cli.run("sheet", "list", sheet.toString()));
		assertEquals("sam2-fiji sheet list: " + sheet + " line 2: auto_skip_found is yes or no, got 'maybe'", cli.lastLine());
		// numbers are checked when the sheet is read, not when a job runs on the cluster
		Files.write(sheet, List.of("stack,prompts,model,auto_grid", "a.tif,auto,minisam,16.5"));
		assertEquals(1, cli.run("sheet", "list", sheet.toString()));
		assertEquals("sam2-fiji sheet list: " + sheet + " line 2: auto_grid is a whole number, got '16.5'", cli.lastLine());
		Files.write(sheet, List.of("stack,prompts,model,auto_min_stability", "a.tif,auto,minisam,high"));
		assertEquals(1, cli.run("sheet", "list", sheet.toString()));
		assertEquals("sam2-fiji sheet list: " + sheet + " line 2: auto_min_stability is a number, got 'high'", cli.lastLine());
		Files.write(sheet, List.of("stack,prompts,model,auto_grid", "a.tif,p.csv,minisam,16"));
		assertEquals(1, cli.run("sheet", "list", sheet.toString()));
		assertEquals("sam2-fiji sheet list: " + sheet + " line 2: auto_grid is for automatic mode (prompts auto), but this sample's prompts are " + sheet.resolveSibling("p.csv").normalize(), cli.lastLine());
	}

	@Test
	void aFolderBecomesASheetWithEachStacksPromptFile() throws Exception {
		stack("a.tif", 40, 1, 3);
		stack("b.tif", 40, 1, 3);
		Path prompts = dir.resolve("prompts");
		Files.createDirectories(prompts);
		Files.writeString(prompts.resolve("a.csv"), "object_id,frame,x,y,label\n1,0,10,10,1\n");
		Files.writeString(prompts.resolve("b.json"), "{}");
		Path sheet = dir.resolve("made.csv");
		assertEquals(0, cli.run("sheet", "make", dir.resolve("in").toString(), "--model", "minisam", "--prompts", prompts.toString(), "--output", sheet.toString()), cli.err.toString());
		SampleSheet read = SampleSheet.read(sheet);
		assertEquals(List.of("a", "b"), read.samples().stream().map(SampleSheet.Sample::name).toList());
		List<String> b = read.byName("b").trackArguments(dir.resolve("o"));
		assertEquals(List.of("--model", "minisam", "--input", dir.resolve("in/b.tif").toString(), "--output", dir.resolve("o/labels/b.tif").toString(), "--ctc",
			dir.resolve("o/ctc/b").toString(), "--script", prompts.resolve("b.json").toString(), "--axis", "auto"), b);
		Files.delete(prompts.resolve("b.json"));
		assertEquals(1, cli.run("sheet", "make", dir.resolve("in").toString(), "--model", "minisam", "--prompts", prompts.toString()));
		assertEquals("sam2-fiji sheet make: " + prompts + ": no prompt file (.csv, .json or .tif) for b.tif", cli.lastLine());
	}
}
