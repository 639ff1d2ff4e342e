package io.github.sam2fiji.command;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.ij.ImageJTracking;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.ij.TrackRequest;

/**
 * "SAM 2 Segment": the image's current plane only, from the prompts on it (no propagation);
 * output a single-plane label image. No menu path, as {@link Sam2TrackCommand}.
 */
@Plugin(type = Command.class, headless = true, label = "SAM 2 Segment", description = "Segment ROIs or labels on the current slice with SAM 2")
public class Sam2SegmentCommand extends Sam2ImageCommand {

	@Parameter(label = "Channel", min = "1")
	private int channel = 1;

	@Parameter(label = "Label image (prompts; none: ROIs)", required = false)
	private ImagePlus label_image;

	@Parameter(label = "Multi-point ROIs", choices = { "one object per point", "one object" })
	private String multi_point_rois = "one object per point";

	@Parameter(label = "Add ROIs to the ROI Manager")
	private boolean add_rois = false;

	@Parameter(label = "Results table")
	private boolean results_table = false;

	@Parameter(label = "Outlines on the input (overlay)")
	private boolean overlay = false;

	// Not persisted: a script or macro that does not give it gets the model's own settings, not the last run's.
	@Parameter(label = "Tracking settings (SAM 1 models, e.g. input_scale=0.5)", required = false, persist = false)
	private String tracking_settings = "";

	@Override
	public void run() {
		labels = CommandRunner.run(this, "SAM 2 Segment", trackers, model, tracking_settings, () -> {
			ImageJTracking.PromptRois rois = ImageJTracking.promptRois(image);
			if (!"one object".equals(multi_point_rois) && CommandRunner.imageOrNull(label_image) == null) rois = rois.withPointsAsObjects();
			if (rois.note() != null && log != null) log.info("SAM 2 Segment: " + rois.note());
			return new TrackRequest(image, TrackAxis.AUTO, channel, Direction.BOTH, CommandRunner.imageOrNull(label_image), rois.rois(), rois.imageSelection(), true, null);
		}, new CommandRunner.Outputs(add_rois, results_table, overlay, null, null), log, ui);
	}
}
