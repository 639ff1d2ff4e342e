package io.github.sam2fiji.command;

import java.io.File;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import io.github.sam2fiji.core.auto.AutoTracking;
import io.github.sam2fiji.core.auto.AutomaticMasks;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.ij.ImageJTracking;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.ij.TrackRequest;

/**
 * "SAM 2 Auto Track" for scripts and headless use: every object found and tracked without clicks
 * (docs/automatic.md); ROIs or a label image, when given, seed objects. No menu path: the ImageJ 1
 * entry of the same name owns the menu and the macro name.
 */
@Plugin(type = Command.class, headless = true, label = "SAM 2 Auto Track", description = "Find and track every object of a stack with SAM 2, no clicks")
public class Sam2AutoTrackCommand extends Sam2ImageCommand {

	@Parameter(label = "Propagate along", choices = { "auto", "t", "z" })
	private String axis = "auto";

	@Parameter(label = "Channel", min = "1")
	private int channel = 1;

	@Parameter(label = "Label image (seeds; none: ROIs if any)", required = false)
	private ImagePlus label_image;

	// The search's settings are not persisted: a script that does not give one gets its default, not
	// the last run's (SciJava would fill it from the last run, and a bar of 1.0 once set finds nothing ever after).
	@Parameter(label = "Grid clicks per side", min = "1", max = "256", persist = false)
	private int grid_points = 32;

	@Parameter(label = "Search for new objects every (frames)", min = "1", persist = false)
	private int search_every = 1;

	@Parameter(label = "Tiles per side (also search N x N tiles, each with its own grid: small objects in a large image; 1: none)", min = "1", max = "8", persist = false)
	private int tiles = 1;

	@Parameter(label = "Smallest predicted IoU of a candidate mask (the model's confidence; SAM: 0.88)", min = "0", max = "1", stepSize = "0.01", persist = false)
	private double min_iou = AutomaticMasks.Settings.MIN_PREDICTED_IOU;

	@Parameter(label = "Smallest stability of a candidate mask (lower: fainter, softer objects, and more false ones)", min = "0", max = "1", stepSize = "0.01", persist = false)
	private double min_stability = AutomaticMasks.Settings.MIN_STABILITY;

	@Parameter(label = "Searched frames a new object must hold", min = "1", persist = false)
	private int confirm_frames = AutoTracking.Settings.CONFIRM_FRAMES;

	@Parameter(label = "Click only on the bright foreground", persist = false)
	private boolean foreground_only = false;

	@Parameter(label = "Skip clicks inside masks already found (faster on large cells; may find other masks)", persist = false)
	private boolean skip_found = false;

	@Parameter(label = "Divisions (daughters with their mother as parent)", persist = false)
	private boolean divisions = true;

	@Parameter(label = "Check back (track every object back from its last frame: where it differs is a doubt)", persist = false)
	private boolean check_back = false;

	@Parameter(label = "Hide held ends (SAM 1 models: no held mask after the last or before the first frame the model found the object on)", persist = false)
	private boolean hide_held_ends = false;

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

	// Not persisted: a script that does not give it gets the model's own settings, not the last run's.
	@Parameter(label = "Tracking settings (SAM 1 models, e.g. input_scale=0.5)", required = false, persist = false)
	private String tracking_settings = "";

	@Override
	public void run() {
		AutoTracking.Settings settings = new AutoTracking.Settings(AutomaticMasks.Settings.defaults().withPointsPerSide(grid_points).withSkipFound(skip_found).withTilesPerSide(tiles).withBars(min_iou, min_stability), search_every, foreground_only, divisions, confirm_frames)
			.withReverseCheck(check_back).withHideHeldEnds(hide_held_ends);
		labels = CommandRunner.run(this, "SAM 2 Auto Track", trackers, model, tracking_settings, () -> {
			ImageJTracking.PromptRois rois = ImageJTracking.promptRois(image);
			if (rois.note() != null && log != null) log.info("SAM 2 Auto Track: " + rois.note());
			return new TrackRequest(image, TrackAxis.parse(axis), channel, Direction.BOTH, CommandRunner.imageOrNull(label_image), rois.rois(), rois.imageSelection(),
				false, null);
		}, settings, new CommandRunner.Outputs(add_rois, results_table, overlay, ctc_folder, trackmate_file), log, ui);
	}
}
