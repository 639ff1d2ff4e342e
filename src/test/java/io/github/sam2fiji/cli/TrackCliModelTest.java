package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.testing.Sam1Packages;
import io.github.sam2fiji.testing.TestImages;
import picocli.CommandLine;

/**
 * How {@code track --model} and {@code models import} take a model folder, with the real trackers
 * (no test double): the reduced SAM 2 package in test-data/sam2-tiny, and SAM 1 packages whose
 * graphs are not what their model.json says.
 */
class TrackCliModelTest {

	private static final Path SAM2_TINY = Path.of("test-data/sam2-tiny/model").toAbsolutePath();

	@TempDir
	Path dir;

	private final StringWriter err = new StringWriter();

	private int run(String... args) {
		CommandLine cli = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		cli.setErr(new PrintWriter(err, true));
		return cli.execute(args);
	}

	private Path stack(int frames) {
		Path file = dir.resolve("in.tif");
		assertTrue(new FileSaver(TestImages.hyperstack("in", 40, 30, 1, 1, frames)).saveAsTiffStack(file.toString()));
		return file;
	}

	private Path points() throws IOException {
		return Files.write(dir.resolve("points.csv"), List.of("object_id,frame,x,y,label", "1,0,14,15,1"));
	}

	/** "." names the working folder, so this runs the command line in another JVM started in the package folder. */
	@Test
	void aModelFolderGivenAsDotIsTheWorkingFolder() throws Exception {
		Path input = stack(3), points = points(), output = dir.resolve("labels.tif");
		assertEquals(0, runInFolder(SAM2_TINY, "track", "--model", ".", "--input", input.toString(), "--points", points.toString(), "--output", output.toString(),
			"--cpu", "--threads", "1"));
		ImagePlus labels = IJ.openImage(output.toString());
		assertEquals(3, labels.getStackSize());
		assertTrue(labels.getStatistics().max > 0, "the prompted object is labelled");

		Path models = dir.resolve("models");
		assertEquals(0, runInFolder(SAM2_TINY, "models", "import", ".", "--name", "tiny", "--models-dir", models.toString()));
		assertEquals("sam2", ModelPackage.open(models.resolve("tiny")).kind());
	}

	@Test
	void aModelFolderGivenAsDotSlashNameWorks() throws Exception {
		Path input = stack(2), points = points(), output = dir.resolve("labels.tif");
		Path relative = Path.of("").toAbsolutePath().relativize(SAM2_TINY);
		assertEquals(0, run("track", "--model", "./" + relative, "--input", input.toString(), "--points", points.toString(), "--output", output.toString(), "--cpu",
			"--threads", "1"), err.toString());
		assertEquals(2, IJ.openImage(output.toString()).getStackSize());
	}

	/** A SAM 1 package naming tensors its graph does not have fails when it opens, saying which names it has. */
	@Test
	void aSam1PackageWhoseGraphsDoNotMatchItsManifestIsRefusedWhenOpened() throws Exception {
		// any small real graph will do: the SAM 2 package's mask_downsample (input "mask", output "mask_for_decoder")
		Path pkg = Sam1Packages.withGraph(dir.resolve("wrong"), SAM2_TINY.resolve("mask_downsample.onnx"), "input", "output");
		Path input = stack(2), points = points(), output = dir.resolve("labels.tif");
		assertEquals(1, run("track", "--model", pkg.toString(), "--input", input.toString(), "--points", points.toString(), "--output", output.toString(), "--cpu"));
		List<String> lines = err.toString().lines().toList();
		assertEquals(1, lines.size(), err.toString());
		assertEquals("sam2-fiji track: Graph " + pkg.resolve("encoder.onnx") + " is not a SAM 1 encoder as model.json describes it: it has inputs [mask] and outputs "
			+ "[mask_for_decoder], expected [input] and [output] (graphs.encoder in model.json). Fix the names there, or re-make the package (scripts/make_sam1_package.py).",
			lines.get(0));
		assertFalse(Files.exists(output));
	}

	/** Runs {@code sam2-fiji ARGS} in a new JVM whose working folder is {@code folder}; its output goes to the test's log. */
	private static int runInFolder(Path folder, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
			System.getProperty("java.class.path"), "-Djava.awt.headless=true", Sam2FijiCli.class.getName()));
		command.addAll(List.of(args));
		Process p = new ProcessBuilder(command).directory(folder.toFile()).inheritIO().start();
		try {
			// generous: a bound so a hang fails the test instead of the build
			assertTrue(p.waitFor(5, TimeUnit.MINUTES), "sam2-fiji " + String.join(" ", args) + " did not finish");
			return p.exitValue();
		}
		finally {
			p.destroyForcibly();
		}
	}
}
