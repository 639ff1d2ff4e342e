package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;
import io.github.sam2fiji.testing.TestImages;
import picocli.CommandLine;

/**
 * Careless and hostile input at the command line, as a probe found it: outputs that would overwrite
 * inputs, outputs half written, old results mixed with new ones, images whose header lies, prompt
 * tables of absurd size or odd encodings. Each is refused with one line naming the file, before the
 * model loads where no model is needed, with the input unchanged and no partial output left.
 */
class TrackCliHardeningTest {

	@TempDir
	Path dir;

	private final FakeCli cli = new FakeCli();
	private final StringWriter err = cli.err;

	private int run(String... args) {
		return cli.run(args);
	}

	private String lastLine() {
		return cli.lastLine();
	}

	private Path stack(String name, int frames) {
		Path file = dir.resolve(name);
		assertTrue(new FileSaver(TestImages.hyperstack(name, 40, 30, 1, 1, frames)).saveAsTiffStack(file.toString()));
		return file;
	}

	private Path csv(String name, String... lines) throws Exception {
		Path f = dir.resolve(name);
		Files.write(f, List.of(lines));
		return f;
	}

	private static String sha256(Path file) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
	}

	@Test
	void anOutputThatWouldOverwriteAnInputIsRefused() throws Exception {
		Path input = stack("movie.tif", 3);
		Path points = csv("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		String before = sha256(input), pointsBefore = sha256(points);
		Files.createDirectories(dir.resolve("o"));
		for (String out : new String[] { input.toString(), dir.resolve("o/../movie.tif").toString(), points.toString() }) {
			assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", out));
			assertTrue(lastLine().contains("would overwrite the input"), lastLine());
		}
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", dir.resolve("x.tif").toString(),
			"--ctc", dir.toString(), "--overwrite"));
		assertTrue(lastLine().contains("--ctc " + dir + " would overwrite the input"), lastLine());
		assertEquals(before, sha256(input));
		assertEquals(pointsBefore, sha256(points));
		assertEquals(0, cli.opened, "refused before the model is loaded");
	}

	@Test
	void anOldCtcFolderIsReplacedWholeOnlyWhenAsked() throws Exception {
		Path input = stack("five.tif", 5);
		Path points = csv("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		Path ctc = Files.createDirectories(dir.resolve("ctc"));
		for (int t = 0; t < 20; t++) Files.writeString(ctc.resolve(String.format("mask%03d.tif", t)), "old");
		Files.writeString(ctc.resolve("res_track.txt"), "1 0 19 0\n");
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", dir.resolve("l.tif").toString(),
			"--ctc", ctc.toString()));
		assertTrue(lastLine().contains("exists and is not empty") && lastLine().contains("--overwrite"), lastLine());
		assertEquals(21, Files.list(ctc).count(), "untouched");
		assertEquals(0, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", dir.resolve("l.tif").toString(),
			"--ctc", ctc.toString(), "--overwrite"), err.toString());
		List<String> files = new ArrayList<>();
		try (Stream<Path> s = Files.list(ctc)) {
			s.forEach(p -> files.add(p.getFileName().toString()));
		}
		files.sort(null);
		assertEquals(List.of("mask000.tif", "mask001.tif", "mask002.tif", "mask003.tif", "mask004.tif", "res_track.txt"), files, "the new 5-frame result, nothing old");
		try (Stream<Path> s = Files.list(dir)) {
			assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".")).count(), "no temporary folder left");
		}
	}

	@Test
	void unwritableOutputsAndEmptyLabelImagesAreFoundBeforeTheModelLoads() throws Exception {
		Path input = stack("m.tif", 3);
		Path points = csv("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		// a path that cannot be created (its parent is a file): the same for any user, root included
		Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", file.resolve("x/l.tif").toString()));
		assertTrue(lastLine().contains("--output") && lastLine().contains("notes.txt is not a folder"), lastLine());
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", dir.resolve("l.tif").toString(),
			"--ctc", file.resolve("ctc").toString()));
		assertTrue(lastLine().contains("--ctc") && lastLine().contains("notes.txt is not a folder"), lastLine());
		Path zeros = dir.resolve("zeros.tif");
		new FileSaver(new ImagePlus("zeros", new ShortProcessor(40, 30))).saveAsTiff(zeros.toString());
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--labels", zeros.toString(), "--output", dir.resolve("l.tif").toString()));
		assertTrue(lastLine().contains("has no labels (every pixel is 0)"), lastLine());
		assertEquals(0, cli.opened);
	}

	@Test
	void imagesWhoseHeaderLiesAreRefused() throws Exception {
		Path points = csv("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		// a 138-byte TIFF declaring 40000 x 40000 pixels
		Path liar = dir.resolve("liar.tif");
		Files.write(liar, tiffHeader(40000, 40000, 16, null));
		assertTrue(Files.size(liar) < 200);
		assertEquals(1, run("track", "--model", dir.toString(), "--input", liar.toString(), "--points", points.toString(), "--output", dir.resolve("l.tif").toString()));
		assertTrue(lastLine().contains("liar.tif: truncated"), lastLine());
		// a complete (sparse) ImageJ stack whose label image needs more than this JVM's whole heap
		int side = 10000;
		long planes = Runtime.getRuntime().maxMemory() / (2L * side * side) + 2;
		Path huge = dir.resolve("huge.tif");
		Files.write(huge, tiffHeader(side, side, 8, "ImageJ=1.54p\nimages=" + planes + "\nslices=" + planes + "\n"));
		try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
			f.setLength(256 + planes * side * side);
		}
		assertEquals(1, run("track", "--model", dir.toString(), "--input", huge.toString(), "--points", points.toString(), "--output", dir.resolve("l.tif").toString()));
		assertTrue(lastLine().contains("huge.tif: 10000 x 10000 x " + planes + " planes needs") && lastLine().contains("for its label image") && lastLine().contains("-Xmx"), lastLine());
		// a half-copied multi-page TIFF
		Path whole = stack("whole.tif", 6);
		Path half = dir.resolve("half.tif");
		byte[] bytes = Files.readAllBytes(whole);
		Files.write(half, java.util.Arrays.copyOf(bytes, bytes.length - 2 * 40 * 30 * 2));
		assertEquals(1, run("track", "--model", dir.toString(), "--input", half.toString(), "--points", points.toString(), "--output", dir.resolve("l.tif").toString()));
		assertTrue(lastLine().contains("half.tif: truncated: the header declares 6 planes of 40 x 30, the file holds 4"), lastLine());
		assertFalse(Files.exists(dir.resolve("l.tif")));
		assertEquals(0, cli.opened);
	}

	/**
	 * A little-endian baseline TIFF header: one grey plane of w x h at offset 256, one strip, and an
	 * optional ImageDescription (ImageJ's "images=N" makes it a stack of N contiguous planes).
	 */
	private static byte[] tiffHeader(int w, int h, int bits, String description) {
		byte[] text = description == null ? null : (description + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		int entries = text == null ? 9 : 10;
		ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
		b.putShort((short) entries);
		entry(b, 256, 4, 1, w);
		entry(b, 257, 4, 1, h);
		entry(b, 258, 3, 1, bits);
		entry(b, 259, 3, 1, 1);
		entry(b, 262, 3, 1, 1);
		if (text != null) entry(b, 270, 2, text.length, 8 + 2 + entries * 12 + 4);
		entry(b, 273, 4, 1, 256);
		entry(b, 277, 3, 1, 1);
		entry(b, 278, 4, 1, h);
		entry(b, 279, 4, 1, (int) ((long) w * h * bits / 8));
		b.putInt(0);
		if (text != null) b.put(text);
		byte[] out = new byte[text == null ? b.position() : 256];
		System.arraycopy(b.array(), 0, out, 0, out.length);
		return out;
	}

	private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
		b.putShort((short) tag).putShort((short) type).putInt(count);
		if (type == 3) b.putShort((short) value).putShort((short) 0);
		else b.putInt(value);
	}

	@Test
	void absurdOrOddlyEncodedPromptTablesAreNamed() throws Exception {
		Path input = stack("p.tif", 2);
		List<String> many = new ArrayList<>(List.of("object_id,frame,x,y,label"));
		for (int i = 0; i < 20_000; i++) many.add("1,0," + (i % 40) + "," + (i % 30) + ",1");
		Files.write(dir.resolve("many.csv"), many);
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", dir.resolve("many.csv").toString(), "--output", dir.resolve("l.tif").toString()));
		assertTrue(lastLine().contains("many.csv line 1002: more than 1000 clicks for object 1 on frame 0"), lastLine());
		Files.write(dir.resolve("latin1.csv"), "object_id,frame,x,y,label\n1,0,10,10,1 # caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", dir.resolve("latin1.csv").toString(), "--output", dir.resolve("l.tif").toString()));
		assertTrue(lastLine().contains("latin1.csv: not UTF-8 text"), lastLine());
		assertEquals(0, cli.opened);
		Files.writeString(dir.resolve("bom.csv"), "\uFEFFobject_id,frame,x,y,label\n1,0,10,10,1\n");
		assertEquals(0, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", dir.resolve("bom.csv").toString(), "--output", dir.resolve("l.tif").toString()),
			err.toString());
	}

	@Test
	void twoStacksThatWouldWriteOneOutputAreRefused() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in"));
		assertTrue(new FileSaver(TestImages.hyperstack("a", 40, 30, 1, 1, 2)).saveAsTiffStack(in.resolve("a.tif").toString()));
		assertTrue(new FileSaver(TestImages.hyperstack("a", 40, 30, 1, 1, 2)).saveAsTiffStack(in.resolve("a.tiff").toString()));
		Path points = csv("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		assertEquals(1, run("track", "--model", dir.toString(), "--input", in.toString(), "--points", points.toString(), "--output", dir.resolve("out").toString()));
		assertTrue(lastLine().contains("a.tif and a.tiff would both write a-labels.tif"), lastLine());
		assertFalse(Files.exists(dir.resolve("out")));
	}

	/**
	 * A run killed (SIGKILL) while it writes its label stack leaves no truncated output: the target is
	 * absent (or complete, had the write finished first), at most a hidden partial sibling remains.
	 */
	@Test
	void aKilledRunLeavesNoTruncatedOutput() throws Exception {
		int frames = 200, w = 512, h = 512; // a 100 MB label stack: its write takes long enough to be caught
		ImageStack stack = new ImageStack(w, h);
		for (int t = 0; t < frames; t++) {
			ByteProcessor ip = new ByteProcessor(w, h);
			ip.setValue(200);
			ip.fill(new ij.gui.OvalRoi(100 + t % 50, 100, 60, 60));
			stack.addSlice(ip);
		}
		Path input = dir.resolve("long.tif");
		assertTrue(new FileSaver(new ImagePlus("long", stack)).saveAsTiffStack(input.toString()));
		Path points = csv("p.csv", "object_id,frame,x,y,label", "1,0,130,130,1");
		Path outDir = Files.createDirectories(dir.resolve("out"));
		Path out = outDir.resolve("long-labels.tif");
		Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
			Sam2FijiCli.class.getName(), "track", "--model", "test-data/sam2-tiny/model", "--input", input.toString(), "--points", points.toString(),
			"--output", out.toString(), "--axis", "z", "--direction", "forward", "--cpu", "--threads", "1")
			.redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
		boolean sawPartial = false;
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		while (p.isAlive() && System.nanoTime() < deadline) {
			try (Stream<Path> s = Files.list(outDir)) {
				if (s.anyMatch(f -> f.getFileName().toString().startsWith(".long-labels.tif.partial-"))) {
					sawPartial = true;
					p.destroyForcibly();
					break;
				}
			}
			Thread.onSpinWait();
		}
		p.waitFor(1, TimeUnit.MINUTES);
		assertFalse(p.isAlive());
		if (Files.exists(out)) {
			ImagePlus labels = IJ.openImage(out.toString());
			assertEquals(frames, labels.getStackSize(), "a target that exists is complete");
		}
		assertTrue(sawPartial || Files.exists(out), "the run either was caught writing or had finished: " + Files.readString(dir.resolve("run.log")));
		try (Stream<Path> s = Files.list(outDir)) {
			for (Path f : (Iterable<Path>) s::iterator) {
				String name = f.getFileName().toString();
				assertTrue(name.equals("long-labels.tif") || name.startsWith(".long-labels.tif.partial-"), "unexpected " + name);
			}
		}
		if (sawPartial) assertFalse(Files.exists(out), "killed while writing: no target");
		System.out.println("killed while writing the label stack: " + sawPartial);
	}

	/** NaN pixels, and a model whose preprocessing divides by 0, stop the run with a message (they gave empty labels and exit 0). */
	@Test
	void nanPixelsAndAZeroStdAreRefused() throws Exception {
		ImageStack stack = new ImageStack(40, 30);
		for (int t = 0; t < 3; t++) {
			ij.process.FloatProcessor fp = new ij.process.FloatProcessor(40, 30);
			fp.setf(5, 7, t == 1 ? Float.NaN : 1f);
			stack.addSlice(fp);
		}
		Path input = dir.resolve("nan.tif");
		ImagePlus imp = new ImagePlus("nan", stack);
		imp.setDimensions(1, 1, 3);
		assertTrue(new FileSaver(imp).saveAsTiffStack(input.toString()));
		Path points = csv("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		StringWriter out = new StringWriter();
		CommandLine real = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		real.setErr(new PrintWriter(out, true));
		assertEquals(1, real.execute("track", "--model", "test-data/sam2-tiny/model", "--input", input.toString(), "--points", points.toString(),
			"--output", dir.resolve("l.tif").toString(), "--cpu", "--threads", "1"));
		assertTrue(out.toString().contains("Frame 2 has a NaN pixel at (5, 7)"), out.toString());
		assertFalse(Files.exists(dir.resolve("l.tif")));

		Path model = Files.createDirectories(dir.resolve("zero-std"));
		try (Stream<Path> files = Files.walk(Path.of("test-data/sam2-tiny/model"))) {
			for (Path f : (Iterable<Path>) files::iterator) {
				Path to = model.resolve(Path.of("test-data/sam2-tiny/model").relativize(f).toString());
				if (Files.isDirectory(f)) Files.createDirectories(to);
				else Files.copy(f, to);
			}
		}
		Path json = model.resolve("model.json");
		Files.writeString(json, Files.readString(json).replaceFirst("\"std\": \\[[^\\]]*\\]", "\"std\": [0.229, 0, 0.225]"));
		out.getBuffer().setLength(0);
		Path movie = stack("ok.tif", 3);
		assertEquals(1, real.execute("track", "--model", model.toString(), "--input", movie.toString(), "--points", points.toString(),
			"--output", dir.resolve("l.tif").toString(), "--cpu", "--threads", "1"));
		assertTrue(out.toString().contains("preprocessing.std must be positive numbers"), out.toString());
	}

	/**
	 * ImageJ prints its own messages with System.out when it has no window; the command line sends
	 * them to stderr, so stdout holds only results. An unreadable image makes ImageJ print one (in a
	 * real JVM, through the command line's main).
	 */
	@Test
	void imageJsOwnMessagesGoToStderrNotStdout() throws IOException, InterruptedException {
		Path garbage = Files.writeString(dir.resolve("garbage.png"), "garbage\n"); // ImageJ reports this one itself (a text-like one it ignores)
		Path points = Files.writeString(dir.resolve("p.csv"), "object_id,frame,x,y,label\n1,0,1,1,1\n");
		Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true", "-cp",
			System.getProperty("java.class.path"), Sam2FijiCli.class.getName(), "track", "--model", "test-data/sam2-tiny/model", "--input",
			garbage.toString(), "--points", points.toString(), "--output", dir.resolve("out.tif").toString(), "--cpu", "--threads", "1")
			.redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
		assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the command line did not end");
		assertEquals(1, p.exitValue());
		assertEquals("", Files.readString(dir.resolve("stdout.txt")), "stdout holds only results");
		String err = Files.readString(dir.resolve("stderr.txt"));
		assertTrue(err.contains("Unsupported format or file not found"), "ImageJ's own message: " + err);
		assertTrue(err.strip().endsWith("sam2-fiji track: " + garbage + ": cannot be read as an image"), err);
	}
}
