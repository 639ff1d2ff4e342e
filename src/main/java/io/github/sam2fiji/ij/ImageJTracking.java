package io.github.sam2fiji.ij;

import io.github.sam2fiji.core.auto.AutoTracking;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.plugin.frame.RoiManager;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;

/** Runs a {@link TrackRequest} with a tracker: the one call every front end (command, macro, CLI) makes. */
public final class ImageJTracking {

	private ImageJTracking() {}

	/**
	 * A request checked and turned into what the tracker needs, before any model is loaded: the
	 * layout (axis, channel), and the prompts (from ROIs or a label image) or the prompt script.
	 */
	public record Prepared(TrackRequest request, SequenceLayout layout, PromptSet prompts, AutoTracking.Settings auto) {
	}

	/**
	 * Every check that needs no model: the axis and channel, the prompts (none, outside the image, a
	 * label image of the wrong size or with no labels), the prompt script against the image, and for
	 * Segment a prompt on the current plane.
	 *
	 * @throws IllegalArgumentException with a message for the user
	 */
	public static Prepared prepare(TrackRequest request) {
		SequenceLayout layout = request.layout();
		if (request.script() != null) {
			if (layout.sequenceCount() != 1)
				throw new IllegalArgumentException("A prompt script describes one sequence; " + request.image().getTitle() + " has " + layout.sequenceCount()
					+ " along " + layout.otherAxisLabel());
			request.script().check(layout.width(), layout.height(), layout.frameCount());
			return new Prepared(request, layout, null, null);
		}
		PromptSet prompts = request.prompts(layout);
		if (prompts.isEmpty())
			throw new IllegalArgumentException("No prompts: draw point, rectangle or area ROIs on the image (or add them to the ROI Manager), or give a label image");
		for (PlacedPrompt p : prompts.prompts()) p.prompt().checkWithin(layout.width(), layout.height(), layout.frameCount());
		if (request.segmentOnly()) {
			int[] current = layout.currentFrameAndSequence();
			if (prompts.forSequence(current[1]).stream().noneMatch(p -> p.frame() == current[0]))
				throw new IllegalArgumentException("No prompt on the current " + layout.axis().label() + " position (" + (current[0] + 1)
					+ "): draw ROIs on it, or set the ROIs' positions to it");
		}
		return new Prepared(request, layout, prompts, null);
	}

	/**
	 * As {@link #prepare} for tracking without clicks ({@link AutoTracking}): the request's ROIs or
	 * label image, if any, are seeds (checked as prompts are); none is fine.
	 */
	public static Prepared prepareAuto(TrackRequest request, AutoTracking.Settings settings) {
		if (request.script() != null || request.segmentOnly()) throw new IllegalArgumentException("Automatic tracking takes neither a prompt script nor a single plane");
		SequenceLayout layout = request.layout();
		PromptSet seeds = request.prompts(layout);
		for (PlacedPrompt p : seeds.prompts()) p.prompt().checkWithin(layout.width(), layout.height(), layout.frameCount());
		return new Prepared(request, layout, seeds, settings);
	}

	/**
	 * What will run, for the log before the model loads (which takes seconds to minutes): the axis
	 * axis=auto chose when that may not be what the user meant, and the objects and prompts with
	 * where they came from.
	 */
	public static List<String> plan(Prepared prepared) {
		TrackRequest request = prepared.request();
		if (request.script() != null) return List.of("prompt script of " + request.script().steps().size() + " calls");
		List<String> lines = new java.util.ArrayList<>();
		String axisNote = request.segmentOnly() ? null : prepared.layout().autoAxisNote(request.axis());
		if (axisNote != null) lines.add(axisNote);
		String source = request.labelImage() != null ? "the label image " + request.labelImage().getTitle()
			: request.roisAreImageSelection() ? "the image's selection" : "the ROI Manager";
		AutoTracking.Settings auto = prepared.auto();
		if (auto != null) lines.add((prepared.prompts().isEmpty() ? "no seeds, every object is found" : prepared.prompts().summary() + " from " + source
			+ " as seeds, the rest is found") + "; grid of " + auto.masks().pointsPerSide() + " clicks per side"
			+ (auto.masks().tilesPerSide() > 1 ? " on the frame and on each of " + auto.masks().tilesPerSide() + " x " + auto.masks().tilesPerSide() + " tiles" : "")
			+ ", new objects searched every "
			+ (auto.searchEvery() == 1 ? "frame" : auto.searchEvery() + " frames") + (auto.foregroundOnly() ? ", on the bright foreground" : ""));
		else lines.add(prepared.prompts().summary() + ", from " + source);
		return lines;
	}

	/**
	 * Runs a prepared request with a tracker.
	 *
	 * @param log receives one line naming the model and where it runs (what will run: {@link #plan}, said before the model loads)
	 */
	public static HyperstackTracking.Result run(Prepared prepared, Tracker tracker, ProgressListener progress, CancellationToken cancel, Consumer<String> log) {
		TrackRequest request = prepared.request();
		SequenceLayout layout = prepared.layout();
		if (request.script() != null) {
			log.accept(tracker.describe());
			return HyperstackTracking.replay(tracker, layout, request.script(), progress, cancel);
		}
		log.accept(tracker.describe());
		if (prepared.auto() != null) {
			HyperstackTracking.Result result = HyperstackTracking.autoTrack(tracker, layout, prepared.prompts(), prepared.auto(), progress, cancel);
			log.accept("found and tracked " + result.prompts().names().size() + " objects");
			return result;
		}
		if (request.segmentOnly()) {
			int[] current = layout.currentFrameAndSequence();
			return HyperstackTracking.segment(tracker, layout, prepared.prompts(), current[0], current[1], cancel);
		}
		return HyperstackTracking.track(tracker, layout, prepared.prompts(), request.direction(), progress, cancel);
	}

	/**
	 * Lines for the log naming the doubtful objects and why (at most {@code max}, then a count), or
	 * one line saying there are none.
	 */
	public static List<String> doubtLines(HyperstackTracking.Result result, int max) {
		java.util.Map<Integer, List<String>> doubts = result.doubts();
		long objects = result.measurements().stream().filter(m -> m.area() > 0).map(ObjectMeasurement::objectId).distinct().count();
		if (doubts.isEmpty()) return List.of("no doubtful object among " + objects);
		List<String> lines = new java.util.ArrayList<>();
		lines.add(doubts.size() + " of " + objects + " objects doubtful, to review (Doubt column of Results; ROIs named [doubtful]):");
		doubts.entrySet().stream().limit(max).forEach(e -> lines.add("  " + result.prompts().names().getOrDefault(e.getKey(), "object " + e.getKey()) + ": "
			+ String.join("; ", e.getValue())));
		if (doubts.size() > max) lines.add("  and " + (doubts.size() - max) + " more");
		return lines;
	}

	/** {@link #prepare}, then {@link #run}. */
	public static HyperstackTracking.Result run(TrackRequest request, Tracker tracker, ProgressListener progress, CancellationToken cancel, Consumer<String> log) {
		return run(prepare(request), tracker, progress, cancel, log);
	}

	/**
	 * The ROIs the user means as prompts: the ROI Manager's when it has any (in a batch-mode macro,
	 * the macro's hidden ROI Manager), else the image's selection; but a selection drawn on the image
	 * that is not one of the ROI Manager's is what the user just made, so it is the prompt then (said
	 * in the log: before, it was silently dropped for the ROI Manager's old ROIs). Output ROIs of an
	 * earlier run ({@link LabelRois#OUTPUT_PROPERTY}) are never prompts: left out and counted.
	 *
	 * @return the ROIs and whether they are the image's selection
	 */
	public static PromptRois promptRois(ImagePlus image) {
		RoiManager manager = RoiManager.getInstance();
		if (manager == null && Interpreter.isBatchMode()) manager = Interpreter.getBatchModeRoiManager();
		List<Roi> managed = manager == null ? List.of() : Arrays.asList(manager.getRoisAsArray());
		return choose(managed, image == null ? null : image.getRoi());
	}

	/** {@link #promptRois(ImagePlus)} on given ROI Manager ROIs and selection. */
	static PromptRois choose(List<Roi> managed, Roi selection) {
		List<Roi> prompts = managed.stream().filter(r -> !isOutput(r)).toList();
		int outputs = managed.size() - prompts.size();
		boolean ownSelection = selection != null && !isOutput(selection) && managed.stream().noneMatch(selection::equals);
		if (!prompts.isEmpty() && !ownSelection) return new PromptRois(prompts, false, outputs, 0, null);
		if (selection != null && isOutput(selection)) return new PromptRois(List.of(), true, outputs + 1, 0, null);
		return new PromptRois(selection == null ? List.of() : List.of(selection), true, outputs, ownSelection ? prompts.size() : 0, null);
	}

	private static boolean isOutput(Roi roi) {
		return "true".equals(roi.getProperty(LabelRois.OUTPUT_PROPERTY));
	}

	/**
	 * ROIs for prompts, where they came from, how many output ROIs of an earlier run were left out,
	 * and how many ROI Manager ROIs were passed over for the image's own selection.
	 */
	public record PromptRois(List<Roi> rois, boolean imageSelection, int outputsLeftOut, int managerRoisNotUsed, String pointsNote) {

		/** These ROIs with each multi-point ROI of separate cells made one object per point ({@link RoiPrompts#pointsAsObjects}). */
		public PromptRois withPointsAsObjects() {
			RoiPrompts.SplitPoints split = RoiPrompts.pointsAsObjects(rois);
			return new PromptRois(split.rois(), imageSelection, outputsLeftOut, managerRoisNotUsed, split.note());
		}

		/** A line for the log when ROIs were left out, else null. */
		public String note() {
			List<String> parts = new java.util.ArrayList<>();
			if (managerRoisNotUsed > 0)
				parts.add("the prompt is the image's selection; the ROI Manager's " + managerRoisNotUsed + " ROI" + (managerRoisNotUsed == 1 ? " is" : "s are")
					+ " not used (Edit > Selection > Select None to use them)");
			if (outputsLeftOut > 0)
				parts.add(outputsLeftOut + " ROI" + (outputsLeftOut == 1 ? " is an output" : "s are outputs") + " of an earlier run (property "
					+ LabelRois.OUTPUT_PROPERTY + "), not used as prompts");
			if (pointsNote != null) parts.add(pointsNote);
			return parts.isEmpty() ? null : String.join("; ", parts);
		}
	}
}
