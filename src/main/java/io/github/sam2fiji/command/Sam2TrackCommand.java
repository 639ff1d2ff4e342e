package io.github.sam2fiji.command;

import java.io.File;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.ij.ImageMaskFiles;
import io.github.sam2fiji.ij.ImageJTracking;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.ij.TrackRequest;

/**
 * "SAM 2 Track" for scripts and headless use: prompts from the ROI Manager (or the image's
 * selection) or from a label image, propagated through t or z; output a new label image.
 * No menu path: the ImageJ 1 entry of the same name owns the menu and the macro name, so Fiji
 * shows one entry (see README, "Menus, macros and scripts").
 */
@Plugin(type = Command.class, headless = true, label = "SAM 2 Track", description = "Track ROIs or labels through a stack with SAM 2")
public class Sam2TrackCommand extends Sam2ImageCommand {

	@Parameter(label = "Propagate along", choices = { "auto", "t", "z" })
	private String axis = "auto";

	@Parameter(label = "Channel", min = "1")
	private int channel = 1;

	@Parameter(label = "Direction", choices = { "both", "forward", "backward" })
	private String direction = "both";

	@Parameter(label = "Label image (prompts; none: ROIs)", required = false)
	private ImagePlus label_image;

	// Not persisted: a prompt script replaces every other prompt, so a later run must not inherit it.
	@Parameter(label = "Prompt script (replays a session; empty: ROIs or label image)", style = "open", required = false, persist = false)
	private File prompt_script;

	@Parameter(label = "Multi-point ROIs", choices = { "one object per point", "one object" })
	private String multi_point_rois = "one object per point";

	@Parameter(label = "Add ROIs to the ROI Manager")
	private boolean add_rois = false;

	@Parameter(label = "Results table")
	private boolean results_table = false;

	@Parameter(label = "Outlines on the input (overlay)")
	private boolean overlay = false;

	@Parameter(label = "Cell Tracking Challenge folder (empty: none)", style = "directory", required = false)
	private File ctc_folder;

	@Parameter(label = "TrackMate file (empty: none)", style = "save", required = false, persist = false)
	private File trackmate_file;

	// Not persisted: a script or macro that does not give it gets the model's own settings, not the last run's.
	@Parameter(label = "Tracking settings (SAM 1 models, e.g. input_scale=0.5)", required = false, persist = false)
	private String tracking_settings = "";

	@Override
	public void run() {
		labels = CommandRunner.run(this, "SAM 2 Track", trackers, model, tracking_settings, () -> {
			ImageJTracking.PromptRois rois = ImageJTracking.promptRois(image);
			if (!"one object".equals(multi_point_rois) && CommandRunner.imageOrNull(label_image) == null) rois = rois.withPointsAsObjects();
			if (rois.note() != null && log != null) log.info("SAM 2 Track: " + rois.note());
			PromptScript script = prompt_script == null || prompt_script.getPath().isEmpty() ? null : readScript(prompt_script.toPath());
			return new TrackRequest(image, TrackAxis.parse(axis), channel, Direction.parse(direction), CommandRunner.imageOrNull(label_image), rois.rois(),
				rois.imageSelection(), false, script);
		}, new CommandRunner.Outputs(add_rois, results_table, overlay, ctc_folder, trackmate_file), log, ui);
	}

	private static PromptScript readScript(java.nio.file.Path file) {
		try {
			return PromptScript.read(file, new ImageMaskFiles());
		}
		catch (java.io.IOException e) {
			throw new IllegalArgumentException("Cannot read the prompt script " + file + ": " + e.getMessage(), e);
		}
	}
}
