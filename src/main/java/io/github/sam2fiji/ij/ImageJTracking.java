package io.github.sam2fiji.ij;

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
	 * @param log receives one line naming the model, where it runs and what the prompts are
	 */
	public static HyperstackTracking.Result run(TrackRequest request, Tracker tracker, ProgressListener progress, CancellationToken cancel, Consumer<String> log) {
		SequenceLayout layout = request.layout();
		if (request.script() != null) {
			request.script().check(layout.width(), layout.height(), layout.frameCount());
			log.accept(tracker.describe() + "; prompt script of " + request.script().steps().size() + " calls");
			return HyperstackTracking.replay(tracker, layout, request.script(), progress, cancel);
		}
		PromptSet prompts = request.prompts(layout);
		log.accept(tracker.describe() + "; " + prompts.summary());
		if (request.segmentOnly()) {
			int[] current = layout.currentFrameAndSequence();
			return HyperstackTracking.segment(tracker, layout, prompts, current[0], current[1], cancel);
		}
		return HyperstackTracking.track(tracker, layout, prompts, request.direction(), progress, cancel);
	}

	/**
	 * The ROIs the user means as prompts: the ROI Manager's when it has any (in a batch-mode macro,
	 * the macro's hidden ROI Manager), else the image's selection.
	 *
	 * @return the ROIs and whether they are the image's selection
	 */
	public static PromptRois promptRois(ImagePlus image) {
		RoiManager manager = RoiManager.getInstance();
		if (manager == null && Interpreter.isBatchMode()) manager = Interpreter.getBatchModeRoiManager();
		if (manager != null && manager.getCount() > 0) return new PromptRois(Arrays.asList(manager.getRoisAsArray()), false);
		Roi selection = image == null ? null : image.getRoi();
		return new PromptRois(selection == null ? List.of() : List.of(selection), true);
	}

	/** ROIs for prompts and where they came from. */
	public record PromptRois(List<Roi> rois, boolean imageSelection) {
	}
}
