package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ShortProcessor;
import picocli.CommandLine;

/**
 * {@code score} on a generated CTC sequence written as TIFF files: 8 frames of three moving discs,
 * one dividing at frame 4; SEG annotated on two frames, one object left unannotated on one of them
 * (partial annotation, as in the challenge's data); man_track.txt with CRLF line endings.
 */
class ScoreCliTest {

	private static final int W = 96, H = 64, FRAMES = 8, DIVISION = 4;
	private static final Pattern SUMMARY = Pattern.compile("SEG=(\\d\\.\\d{3}) DET=(\\d\\.\\d{3}) TRA=(\\d\\.\\d{3}) persistence=(\\d\\.\\d{3}) switches=(\\d+)");

	@TempDir
	Path temp;
	Path gt;

	/** Label of the ground-truth object at a pixel in frame t (0: background). */
	private static int truth(int t, int x, int y) {
		if (disc(x, y, 15 + 3 * t, 20, 8)) return 1;
		if (disc(x, y, 20 + 2 * t, 48, 7)) return 2;
		if (t < DIVISION) return disc(x, y, 70, 30, 9) ? 3 : 0;
		if (disc(x, y, 70, 30 - 2 * (t - DIVISION) - 6, 6)) return 4;
		return disc(x, y, 70, 30 + 2 * (t - DIVISION) + 6, 6) ? 5 : 0;
	}

	private static boolean disc(int x, int y, int cx, int cy, int r) {
		return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
	}

	@BeforeEach
	void writeGroundTruth() throws IOException {
		gt = temp.resolve("01_GT");
		Files.createDirectories(gt.resolve("TRA"));
		Files.createDirectories(gt.resolve("SEG"));
		Files.writeString(gt.resolve("TRA/man_track.txt"), "1 0 7 0\r\n2 0 7 0\r\n3 0 3 0\r\n4 4 7 3\r\n5 4 7 3\r\n");
		for (int t = 0; t < FRAMES; t++) {
			int tt = t;
			save(labels((x, y) -> truth(tt, x, y)), gt.resolve(String.format("TRA/man_track%03d.tif", t)));
		}
		save(labels((x, y) -> truth(1, x, y)), gt.resolve("SEG/man_seg001.tif"));
		save(labels((x, y) -> truth(5, x, y) == 2 ? 0 : truth(5, x, y)), gt.resolve("SEG/man_seg005.tif"));
	}

	@Test
	void groundTruthAgainstItselfScoresOne() throws IOException {
		Path res = result("same", (t, x, y) -> truth(t, x, y), "1 0 7 0\n2 0 7 0\n3 0 3 0\n4 4 7 3\n5 4 7 3\n");
		assertEquals("SEG=1.000 DET=1.000 TRA=1.000 persistence=1.000 switches=0", lastLine(score(res)));
	}

	@Test
	void aLabelStackIsScoredWithTracksFromItsLabels() throws IOException {
		ImageStack stack = new ImageStack(W, H);
		for (int t = 0; t < FRAMES; t++) {
			int tt = t;
			stack.addSlice(labels((x, y) -> truth(tt, x, y)));
		}
		Path file = temp.resolve("labels.tif");
		new FileSaver(new ImagePlus("labels", stack)).saveAsTiffStack(file.toString());
		double[] s = scores(score(file));
		assertEquals(1, s[0], 0);
		assertEquals(1, s[1], 0);
		// a label stack cannot say who divided into whom: the two parent links are missing
		// 28 markers, 25 links (23 continuations, 2 parent links)
		assertEquals(1 - 2 * 1.5 / (10 * 28 + 1.5 * 25), s[2], 0.0005);
	}

	@Test
	void shiftedMasksLowerSegFirst() throws IOException {
		double[] s = scores(score(result("shifted", (t, x, y) -> x >= 3 ? truth(t, x - 3, y) : 0, null)));
		assertTrue(s[0] < 0.8 && s[0] > 0.3, "SEG " + s[0]);
		assertEquals(1, s[1], 0, "a 3-pixel shift still covers more than half of each object");
	}

	@Test
	void swappedIdsCostTrackingNotDetection() throws IOException {
		double[] s = scores(score(result("swapped", (t, x, y) -> {
			int v = truth(t, x, y);
			return t >= 2 && v == 1 ? 2 : t >= 2 && v == 2 ? 1 : v;
		}, "1 0 7 0\n2 0 7 0\n3 0 3 0\n4 4 7 3\n5 4 7 3\n")));
		assertEquals(1, s[0], 0);
		assertEquals(1, s[1], 0);
		assertTrue(s[2] < 1, "TRA " + s[2]);
		assertTrue(s[3] < 1, "persistence " + s[3]);
		assertEquals(2, s[4], 0);
	}

	@Test
	void droppedObjectsLowerEverything() throws IOException {
		double[] s = scores(score(result("dropped", (t, x, y) -> {
			int v = truth(t, x, y);
			return v == 1 ? 0 : v;
		}, "2 0 7 0\n3 0 3 0\n4 4 7 3\n5 4 7 3\n")));
		assertTrue(s[0] < 1 && s[1] < 1 && s[2] < 1, java.util.Arrays.toString(s));
		assertEquals(1 - 10 * 8 / 280.0, s[1], 0.0005, "8 missed markers cost FN 10 each of 28 markers");
	}

	/** A track absent on some frames of its span: the official validator refuses the result, and so does score (no measures). */
	@Test
	void aResultWithAGappedTrackIsInvalidAndNotScored() throws IOException {
		Path res = result("gap", (t, x, y) -> {
			int v = truth(t, x, y);
			return v == 1 && t == 3 ? 0 : v; // object 1 missing on frame 3, its track still says 0..7
		}, "1 0 7 0\n2 0 7 0\n3 0 3 0\n4 4 7 3\n5 4 7 3\n");
		StringWriter out = new StringWriter(), err = new StringWriter();
		int code = new CommandLine(new ScoreCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("--gt", gt.toString(), "--res", res.toString());
		assertEquals(1, code);
		assertEquals("Valid: 0 (Label 1 in res_track but not in mask mask003.tif.)", out.toString().strip());
		assertTrue(err.toString().startsWith("score: " + res + " is not a valid CTC result, not scored: Label 1 in res_track"), err.toString());
	}

	/** ImageJ reads a truncated TIFF as a complete one with the rest zero; score refuses it instead of scoring it. */
	@Test
	void aTruncatedMaskIsRefusedNotScored() throws IOException {
		Path res = result("truncated", (t, x, y) -> truth(t, x, y), "1 0 7 0\n2 0 7 0\n3 0 3 0\n4 4 7 3\n5 4 7 3\n");
		Path mask = res.resolve("mask002.tif");
		byte[] bytes = Files.readAllBytes(mask);
		Files.write(mask, java.util.Arrays.copyOf(bytes, bytes.length - 600));
		StringWriter out = new StringWriter(), err = new StringWriter();
		int code = new CommandLine(new ScoreCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("--gt", gt.toString(), "--res", res.toString());
		assertEquals(1, code);
		assertEquals("", out.toString());
		assertTrue(err.toString().startsWith("score: " + mask + ": truncated: the header declares 1 planes"), err.toString());
	}

	@Test
	void badInputGivesAOneLineReason() throws IOException {
		StringWriter err = new StringWriter();
		int code = new CommandLine(new ScoreCli()).setErr(new PrintWriter(err)).execute("--gt", gt.toString(), "--res", temp.resolve("missing").toString());
		assertEquals(1, code);
		assertTrue(err.toString().startsWith("score: Result not found"), err.toString());
	}

	// ---- helpers

	private interface Labeller {
		int at(int t, int x, int y);
	}

	private Path result(String name, Labeller labeller, String trackFile) throws IOException {
		Path res = Files.createDirectories(temp.resolve(name));
		for (int t = 0; t < FRAMES; t++) {
			int tt = t;
			save(labels((x, y) -> labeller.at(tt, x, y)), res.resolve(String.format("mask%03d.tif", t)));
		}
		if (trackFile != null) Files.writeString(res.resolve("res_track.txt"), trackFile);
		return res;
	}

	private static ShortProcessor labels(IntBinaryOperator label) {
		ShortProcessor ip = new ShortProcessor(W, H);
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) ip.set(x, y, label.applyAsInt(x, y));
		return ip;
	}

	private static void save(ShortProcessor ip, Path file) {
		new FileSaver(new ImagePlus(file.getFileName().toString(), ip)).saveAsTiff(file.toString());
	}

	private String score(Path res) {
		StringWriter out = new StringWriter(), err = new StringWriter();
		int code = new CommandLine(new ScoreCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("--gt", gt.toString(), "--res", res.toString());
		assertEquals(0, code, err.toString());
		return out.toString();
	}

	private static String lastLine(String output) {
		String[] lines = output.strip().split("\\R");
		return lines[lines.length - 1];
	}

	private static double[] scores(String output) {
		Matcher m = SUMMARY.matcher(lastLine(output));
		assertTrue(m.matches(), output);
		double[] s = new double[5];
		for (int i = 0; i < 5; i++) s[i] = Double.parseDouble(m.group(i + 1).replace(',', '.').toLowerCase(Locale.ROOT));
		return s;
	}
}
