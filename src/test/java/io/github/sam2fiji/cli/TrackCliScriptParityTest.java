package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.parity.ReferenceCase;

/**
 * An interactive session of the official predictor replayed from the command line: a reference
 * case's calls (prompts, corrections, propagation from frames either way) written as a prompt script,
 * its clip as a TIFF stack, run by {@code sam2-fiji track --script} with the reference package; on
 * every frame the label image must be what the official predictor showed last there.
 */
class TrackCliScriptParityTest {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "correct_late", "start_and_max" })
	void theLabelsAreWhatTheOfficialSessionShowedLast(String name) throws Exception {
		ReferenceCase c = ReferenceCase.load(name);
		Path clip = dir.resolve(name + ".tif"), script = dir.resolve(name + ".json"), out = dir.resolve(name + "-labels.tif");
		writeClip(c.frames(), clip);
		Files.writeString(script, c.script().toJson());
		StringWriter err = new StringWriter();
		var cli = Sam2FijiCli.commandLine(picocli.CommandLine.defaultFactory());
		cli.setErr(new PrintWriter(err, true));
		int code = cli.execute("track", "--model", ReferenceCase.modelFolder().toString(), "--input", clip.toString(), "--script", script.toString(),
			"--output", out.toString(), "--threads", "1", "--cpu");
		assertEquals(0, code, err.toString());
		ImagePlus labels = IJ.openImage(out.toString());
		byte[][] official = c.finalMasks(1);
		int w = labels.getWidth(), h = labels.getHeight(), shown = 0;
		for (int f = 0; f < official.length; f++) {
			ImageProcessor plane = labels.getStack().getProcessor(f + 1);
			byte[] mine = new byte[w * h];
			for (int i = 0; i < mine.length; i++) mine[i] = (byte) (plane.getf(i) == 1 ? 1 : 0);
			BinaryMask expected = BinaryMask.of(w, h, official[f] == null ? new byte[w * h] : official[f]);
			if (official[f] != null) shown++;
			double iou = expected.isEmpty() && BinaryMask.of(w, h, mine).isEmpty() ? 1 : BinaryMask.of(w, h, mine).iou(expected);
			assertTrue(iou >= 0.999, name + " frame " + f + ": IoU " + iou + " with the official final mask");
		}
		assertTrue(shown >= 40, "frames the session showed: " + shown);
	}

	/** The clip as an 8-bit TIFF stack (RGB or grey), pixel for pixel. */
	private static void writeClip(FrameSource frames, Path file) {
		int w = frames.width(), h = frames.height(), plane = w * h;
		ImageStack stack = new ImageStack(w, h);
		for (int t = 0; t < frames.frameCount(); t++) {
			Frame f = frames.read(t);
			float[] d = f.data();
			if (f.channels() == 3) {
				int[] rgb = new int[plane];
				for (int i = 0; i < plane; i++) rgb[i] = ((int) d[i] << 16) | ((int) d[plane + i] << 8) | (int) d[2 * plane + i];
				stack.addSlice(new ColorProcessor(w, h, rgb));
			}
			else {
				byte[] grey = new byte[plane];
				for (int i = 0; i < plane; i++) grey[i] = (byte) d[i];
				stack.addSlice(new ByteProcessor(w, h, grey));
			}
		}
		assertTrue(new FileSaver(new ImagePlus("clip", stack)).saveAsTiffStack(file.toString()));
	}
}
