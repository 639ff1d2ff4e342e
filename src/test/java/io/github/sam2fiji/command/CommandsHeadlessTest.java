package io.github.sam2fiji.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleService;

import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.PointRoi;
import ij.process.ShortProcessor;
import io.github.sam2fiji.testing.FakeTracker;
import io.github.sam2fiji.testing.TestImages;

/** The SciJava commands, run headless through a Context with the {@link FakeTrackerService} test double. */
class CommandsHeadlessTest {

	@TempDir
	Path model;

	private Context context;
	private CommandService commands;
	private FakeTrackerService trackers;

	@BeforeEach
	void start() {
		context = new Context(CommandService.class, FakeTrackerService.class);
		commands = context.service(CommandService.class);
		trackers = (FakeTrackerService) context.service(TrackerService.class);
	}

	@AfterEach
	void stop() {
		context.dispose();
	}

	private Map<String, Object> inputs(ImagePlus image, Object... more) {
		Map<String, Object> in = new HashMap<>();
		in.put("image", image);
		in.put("model", model.toFile());
		in.put("axis", "auto");
		in.put("channel", 1);
		in.put("direction", "both");
		in.put("add_rois", false);
		in.put("results_table", false);
		for (int i = 0; i < more.length; i += 2) in.put((String) more[i], more[i + 1]);
		return in;
	}

	private CommandModule run(Class<? extends org.scijava.command.Command> command, Map<String, Object> inputs) throws Exception {
		return commands.run(command, true, inputs).get();
	}

	@Test
	void trackMakesALabelImageOfTheInputsShapeAndCalibration() throws Exception {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 40, 30, 1, 1, 5);
		movie.setT(2);
		movie.setRoi(new OvalRoi(8, 8, 9, 9));
		String before = TestImages.checksum(movie);
		CommandModule module = run(Sam2TrackCommand.class, inputs(movie, "axis", "t"));
		assertFalse(module.isCanceled(), module.getCancelReason());
		ImagePlus labels = (ImagePlus) module.getOutput("labels");
		assertEquals(16, labels.getBitDepth());
		assertEquals(40, labels.getWidth());
		assertEquals(30, labels.getHeight());
		assertEquals(5, labels.getNFrames());
		assertEquals(1, labels.getNSlices());
		assertEquals(1, labels.getNChannels());
		assertEquals(0.5, labels.getCalibration().pixelHeight);
		assertEquals("cells-labels", labels.getTitle());
		for (int t = 1; t <= 5; t++) assertEquals(1, (int) labels.getStack().getProcessor(t).getf(12, 12), "ID stable on t=" + t);
		assertEquals(before, TestImages.checksum(movie));
		assertEquals(List.of(1, 2, 3, 4, 0), trackers.next.framesRead);
		assertTrue(trackers.next.closed, "tracker closed after the run");
	}

	@Test
	void trackingSettingsReachTheTrackerServiceAndBadOnesCancelWithTheirName() throws Exception {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 40, 30, 1, 1, 3);
		movie.setRoi(new OvalRoi(8, 8, 9, 9));
		CommandModule module = run(Sam2TrackCommand.class, inputs(movie, "tracking_settings", "input_scale=0.5 max_held_frames=3"));
		assertFalse(module.isCanceled(), module.getCancelReason());
		assertEquals(Map.of("input_scale", 0.5, "max_held_frames", 3.0), trackers.lastTracking);
		// Not given (older scripts and macros): no settings.
		trackers.next = new FakeTracker();
		Map<String, Object> segment = inputs(movie);
		segment.remove("axis");
		segment.remove("direction");
		run(Sam2SegmentCommand.class, segment);
		assertEquals(Map.of(), trackers.lastTracking);
		trackers.next = new FakeTracker();
		CommandModule bad = run(Sam2TrackCommand.class, inputs(movie, "tracking_settings", "input_scale=half"));
		assertTrue(bad.isCanceled());
		assertTrue(bad.getCancelReason().contains("input_scale: 'half' is not a number"), bad.getCancelReason());
		assertNull(bad.getOutput("labels"));
	}

	@Test
	void labelImagePromptsKeepTheirLabels() throws Exception {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 40, 30, 1, 1, 4);
		ShortProcessor plane = new ShortProcessor(40, 30);
		plane.setValue(12);
		plane.fill(new OvalRoi(4, 4, 8, 8));
		plane.setValue(30);
		plane.fill(new OvalRoi(24, 14, 8, 8));
		// Scripts may pass the model as a String: SciJava converts it to the File parameter.
		CommandModule module = run(Sam2TrackCommand.class, inputs(movie, "label_image", new ImagePlus("stardist", plane), "model", model.toString()));
		assertFalse(module.isCanceled(), module.getCancelReason());
		ImagePlus labels = (ImagePlus) module.getOutput("labels");
		for (int t = 1; t <= 4; t++) {
			assertEquals(12, (int) labels.getStack().getProcessor(t).getf(8, 8));
			assertEquals(30, (int) labels.getStack().getProcessor(t).getf(28, 18));
		}
	}

	@Test
	void segmentMakesOnePlane() throws Exception {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 40, 30, 1, 1, 4);
		movie.setT(3);
		movie.setRoi(new PointRoi(20, 15));
		Map<String, Object> in = inputs(movie);
		in.remove("axis");
		in.remove("direction");
		CommandModule module = run(Sam2SegmentCommand.class, in);
		ImagePlus labels = (ImagePlus) module.getOutput("labels");
		assertEquals(1, labels.getStackSize());
		assertEquals(1, (int) labels.getProcessor().getf(20, 15));
		assertEquals(0, (int) labels.getProcessor().getf(20 + FakeTracker.RADIUS + 1, 15));
		assertEquals(List.of(2), trackers.next.framesRead);
	}

	@Test
	void cancelledRunGivesNoResultAndLeavesTheInput() throws Exception {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 40, 30, 1, 1, 8);
		movie.setRoi(new OvalRoi(8, 8, 9, 9));
		String before = TestImages.checksum(movie);
		CommandModule module = (CommandModule) commands.getCommand(Sam2TrackCommand.class).createModule();
		context.inject(module);
		FakeTracker tracker = trackers.next;
		tracker.afterFrame = f -> {
			if (f == 2) module.cancel("Stopped by the test");
		};
		context.service(ModuleService.class).run(module, true, inputs(movie, "direction", "forward")).get();
		assertTrue(module.isCanceled());
		assertEquals("Stopped by the test", module.getCancelReason());
		assertNull(module.getOutput("labels"), "no half result");
		assertEquals(List.of(0, 1, 2), tracker.framesRead);
		assertEquals(before, TestImages.checksum(movie));
		assertTrue(tracker.closed);
	}

	@Test
	void badInputCancelsWithOneClearLine() throws Exception {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 40, 30, 1, 1, 3);
		movie.setRoi(new OvalRoi(8, 8, 9, 9));
		CommandModule module = run(Sam2TrackCommand.class, inputs(movie, "channel", 2));
		assertTrue(module.isCanceled());
		assertNull(module.getOutput("labels"));
		assertEquals("SAM 2 Track: Channel 2 does not exist: cells.tif has 1 channel", module.getCancelReason());

		Path missing = model.resolve("nope/deeper");
		module = run(Sam2TrackCommand.class, inputs(movie, "model", missing.toFile()));
		assertTrue(module.getCancelReason().startsWith("SAM 2 Track: Model folder not found"), module.getCancelReason());
		assertFalse(Files.exists(missing));

		movie.deleteRoi();
		module = run(Sam2TrackCommand.class, inputs(movie));
		assertTrue(module.getCancelReason().startsWith("SAM 2 Track: No prompts"), module.getCancelReason());
		assertEquals(0, trackers.opens, "bad input is found before a model is loaded");
	}

	@Test
	void theTestDoubleNeverReplacesTheRealServiceUnasked() {
		try (Context plain = new Context(CommandService.class, TrackerService.class)) {
			assertTrue(plain.service(TrackerService.class) instanceof DefaultTrackerService, plain.service(TrackerService.class).getClass().getName());
		}
	}

	@Test
	void trackReplaysAPromptScriptInsteadOfTheRois() throws Exception {
		ImagePlus movie = TestImages.hyperstack("cells.tif", 40, 30, 1, 1, 4);
		movie.setRoi(new OvalRoi(8, 8, 9, 9)); // ignored: the script gives the prompts
		Path script = model.resolve("session.json");
		Files.writeString(script, "{\"steps\": [{\"op\": \"add\", \"object\": 5, \"frame\": 1, \"points\": [[20, 15, 1]]},"
			+ " {\"op\": \"propagate\", \"direction\": \"both\"}]}");
		CommandModule module = run(Sam2TrackCommand.class, inputs(movie, "axis", "t", "prompt_script", script.toFile()));
		assertFalse(module.isCanceled(), module.getCancelReason());
		ImagePlus labels = (ImagePlus) module.getOutput("labels");
		for (int t = 1; t <= 4; t++) assertEquals(5, (int) labels.getStack().getProcessor(t).getf(20, 15), "frame " + t);
		assertEquals(List.of(5), trackers.next.prompts.stream().map(p -> p.objectId()).toList());

		trackers.next = new FakeTracker();
		Files.writeString(script, "{\"steps\": [{\"op\": \"add\", \"object\": 5, \"frame\": 9, \"points\": [[20, 15, 1]]}]}");
		module = run(Sam2TrackCommand.class, inputs(movie, "axis", "t", "prompt_script", script.toFile()));
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().contains("prompt script step 1: Object 5: prompt on frame 9, but the sequence has frames 0 to 3"), module.getCancelReason());
	}
}
