package io.github.sam2fiji.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import io.github.sam2fiji.testing.TestImages;

/**
 * "SAM 2 Track" through a SciJava Context with the real {@link DefaultTrackerService} and the
 * committed tiny SAM 2 package (test-data/sam2-tiny, random weights: its masks mean nothing, so
 * this checks the plumbing for kind "sam2": shapes, types, calibration, IDs, table rows).
 */
class CommandsSam2TinyTest {

	@Test
	void trackA3dPlusTimeStackWithTheTinySam2Package() throws Exception {
		File model = new File(System.getProperty("sam2.tiny", "test-data/sam2-tiny/model"));
		try (Context context = new Context(CommandService.class, DefaultTrackerService.class)) {
			ImagePlus image = TestImages.hyperstack("4d.tif", 64, 48, 2, 2, 4);
			String before = TestImages.checksum(image);
			// The image's selection (a box) on z 1, t 2 as object 1.
			image.setPosition(1, 1, 2);
			image.setRoi(new Roi(10, 10, 20, 16));
			Map<String, Object> in = new HashMap<>();
			in.put("image", image);
			in.put("model", model);
			in.put("axis", "auto");
			in.put("channel", 2);
			in.put("direction", "both");
			in.put("add_rois", false);
			in.put("results_table", true);
			CommandModule module = context.service(CommandService.class).run(Sam2TrackCommand.class, true, in).get();
			assertFalse(module.isCanceled(), module.getCancelReason());
			ImagePlus labels = (ImagePlus) module.getOutput("labels");
			assertEquals(16, labels.getBitDepth());
			assertEquals(1, labels.getNChannels());
			assertEquals(2, labels.getNSlices());
			assertEquals(4, labels.getNFrames());
			assertEquals(0.5, labels.getCalibration().pixelWidth);
			Set<Integer> ids = new TreeSet<>();
			for (int i = 1; i <= labels.getStackSize(); i++) {
				var ip = labels.getStack().getProcessor(i);
				for (int p = 0; p < 64 * 48; p++) ids.add((int) ip.getf(p));
			}
			ids.remove(0);
			assertEquals(Set.of(1), ids, "the prompted object, and only it, is in the labels");
			// the prompted plane (z 1, t 2) has object 1 where the box was (a random model's mask covers it)
			var prompted = labels.getStack().getProcessor(labels.getStackIndex(1, 1, 2));
			int inBox = 0;
			for (int y = 10; y < 26; y++)
				for (int x = 10; x < 30; x++) if (prompted.getf(x, y) == 1) inBox++;
			assertTrue(inBox > 20 * 16 / 2, "object 1 covers the prompted box: " + inBox + " of " + 20 * 16 + " pixels");
			// z slice 2 had no prompt: left empty.
			for (int t = 1; t <= 4; t++) assertEquals(0.0, labels.getStack().getProcessor(labels.getStackIndex(1, 2, t)).getStatistics().max, "z 2, t " + t);
			ResultsTable table = ResultsTable.getResultsTable();
			assertEquals(4, table.size(), "one row per frame of the prompted slice");
			assertEquals(before, TestImages.checksum(image));
		}
	}

	@Test
	void trackingSettingsAreRefusedForASam2PackageByName() throws Exception {
		File model = new File(System.getProperty("sam2.tiny", "test-data/sam2-tiny/model"));
		try (Context context = new Context(CommandService.class, DefaultTrackerService.class)) {
			ImagePlus image = TestImages.hyperstack("movie.tif", 64, 48, 1, 1, 3);
			image.setRoi(new Roi(10, 10, 20, 16));
			Map<String, Object> in = new HashMap<>();
			in.put("image", image);
			in.put("model", model);
			in.put("channel", 1); // parameters are remembered between runs: give every one the check depends on
			in.put("axis", "auto");
			in.put("tracking_settings", "input_scale=0.5");
			CommandModule module = context.service(CommandService.class).run(Sam2TrackCommand.class, true, in).get();
			assertTrue(module.isCanceled());
			assertTrue(module.getCancelReason().contains("apply to SAM 1 interface models only"), module.getCancelReason());
		}
	}
}
