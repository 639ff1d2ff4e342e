package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.testing.FakeTracker;
import io.github.sam2fiji.testing.TestImages;

/** Results go to ImageJ's own "Results" table, so macros read them with nResults and getResult. */
class OutputPublisherTest {

	@Test
	void theResultsTableIsImageJsAndIsReplaced() {
		ResultsTable system = ResultsTable.getResultsTable();
		system.reset();
		system.incrementCounter();
		system.addValue("Old", 1);
		ImagePlus movie = TestImages.hyperstack("m", 32, 32, 1, 1, 3);
		Roi box = new Roi(4, 4, 6, 6);
		box.setName("cell");
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		HyperstackTracking.Result result = HyperstackTracking.track(new FakeTracker(), layout, RoiPrompts.convert(List.of(box), layout, false), Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER);
		ResultsTable table = OutputPublisher.showTable(result);
		assertSame(system, table);
		assertEquals(3, table.size());
		assertEquals("cell", table.getStringValue("Name", 0));
		assertEquals(36, table.getValue("Area (pixels)", 2));
		assertEquals(36 * 0.25, table.getValue("Area", 2), 1e-9);
		assertEquals(false, table.columnExists("Old"));
		system.reset();
	}

	@Test
	void headlessRoisGoIntoTheLabelImagesOverlay() {
		org.junit.jupiter.api.Assumptions.assumeTrue(java.awt.GraphicsEnvironment.isHeadless(), "needs a headless JVM");
		ImagePlus movie = TestImages.hyperstack("m", 32, 32, 1, 1, 3);
		Roi box = new Roi(4, 4, 6, 6);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		HyperstackTracking.Result result = HyperstackTracking.track(new FakeTracker(), layout, RoiPrompts.convert(List.of(box), layout, false), Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER);
		List<Roi> rois = OutputPublisher.addRois(result);
		assertEquals(3, rois.size());
		assertEquals(List.of("object 1-t1", "object 1-t2", "object 1-t3"), rois.stream().map(Roi::getName).sorted().toList());
		assertEquals(3, result.labels().getOverlay().size());
	}

	@Test
	void theOverlayOutlinesEveryObjectOnEveryChannelOfItsPlaneAndReplacesOnlyAnEarlierRunsOutlines() {
		ImagePlus movie = TestImages.hyperstack("two channels", 32, 32, 2, 1, 3);
		short[] before = ((short[]) movie.getStack().getPixels(1)).clone();
		ij.gui.Overlay own = new ij.gui.Overlay(new Roi(0, 0, 2, 2));
		movie.setOverlay(own);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		Roi box = new Roi(4, 4, 6, 6);
		HyperstackTracking.Result result = HyperstackTracking.track(new FakeTracker(), layout, RoiPrompts.convert(List.of(box), layout, false), Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER);
		ij.gui.Overlay overlay = OutputPublisher.overlayOutlines(movie, result);
		assertEquals(1 + 3, overlay.size(), "the user's ROI and one outline per frame");
		for (int t = 1; t <= 3; t++) {
			Roi outline = overlay.get(t);
			assertEquals(0, outline.getCPosition(), "every channel");
			assertEquals(t, outline.getTPosition());
			assertEquals(new java.awt.Rectangle(4, 4, 6, 6), outline.getBounds());
		}
		assertEquals(4, OutputPublisher.overlayOutlines(movie, result).size(), "a second run replaces the first run's outlines");
		org.junit.jupiter.api.Assertions.assertArrayEquals(before, (short[]) movie.getStack().getPixels(1), "pixels untouched");
	}

	@Test
	void theMontageTilesEveryTrackedPlaneOfTheChosenChannel() {
		ImagePlus movie = TestImages.hyperstack("two channels.tif", 32, 24, 2, 1, 5);
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 2);
		HyperstackTracking.Result result = HyperstackTracking.track(new FakeTracker(), layout, RoiPrompts.convert(List.of(new Roi(4, 4, 6, 6)), layout, false),
			Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER);
		ImagePlus montage = OutputPublisher.montage(movie, 2, result);
		assertEquals("two channels-montage", montage.getTitle());
		assertEquals(3 * 32, montage.getWidth(), "5 frames in rows of 3");
		assertEquals(2 * 24, montage.getHeight());
		assertEquals(ImagePlus.COLOR_RGB, montage.getType());
		ImagePlus wide = TestImages.hyperstack("wide", 1500, 8, 1, 1, 9);
		SequenceLayout wideLayout = SequenceLayout.of(wide, TrackAxis.T, 1);
		HyperstackTracking.Result wideResult = HyperstackTracking.track(new FakeTracker(), wideLayout, RoiPrompts.convert(List.of(new Roi(1, 1, 4, 4)), wideLayout, false),
			Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER);
		assertEquals(OutputPublisher.MONTAGE_MAX_WIDTH, OutputPublisher.montage(wide, 1, wideResult).getWidth(), "4500 px of tiles (3 columns) scaled down");
	}

	/** A CTC export replaces an earlier result whole (no old time points left) and refuses a folder of other files. */
	@Test
	void aCtcExportReplacesAnEarlierResultWholeAndNothingElse(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
		ij.ImageStack stack = new ij.ImageStack(8, 6);
		for (int t = 0; t < 3; t++) stack.addSlice(new ij.process.ShortProcessor(8, 6));
		ImagePlus labels = new ImagePlus("l", stack);
		labels.setDimensions(1, 1, 3);
		HyperstackTracking.Result result = new HyperstackTracking.Result(labels, List.of(), PromptSet.of(List.of()));
		java.nio.file.Path ctc = java.nio.file.Files.createDirectories(dir.resolve("ctc"));
		for (int t = 0; t < 20; t++) java.nio.file.Files.writeString(ctc.resolve(String.format("mask%03d.tif", t)), "old");
		OutputPublisher.exportCtc(result, ctc);
		try (var files = java.nio.file.Files.list(ctc)) {
			assertEquals(List.of("mask000.tif", "mask001.tif", "mask002.tif", "res_track.txt"), files.map(f -> f.getFileName().toString()).sorted().toList());
		}
		java.nio.file.Path mine = java.nio.file.Files.createDirectories(dir.resolve("mine"));
		java.nio.file.Files.writeString(mine.resolve("notes.txt"), "keep me");
		org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OutputPublisher.exportCtc(result, mine));
		assertEquals("keep me", java.nio.file.Files.readString(mine.resolve("notes.txt")));
	}
}
