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
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.ImageJProgress;
import io.github.sam2fiji.ij.ImageJTracking;
import io.github.sam2fiji.ij.ImageMaskFiles;
import io.github.sam2fiji.ij.OutputPublisher;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.ij.TrackRequest;

/**
 * The ImageJ 1 entries "SAM 2 Track" (argument "track") and "SAM 2 Segment" ("segment") named in
 * plugins.config: a GenericDialog whose fields are the macro keys, e.g.
 * {@code run("SAM 2 Track", "model=/models/minisam axis=t channel=1 direction=both label_image=none add_rois results_table ctc_folder=[] tracking_settings=[input_scale=0.5]")},
 * or with {@code prompt_script=[/data/session.json]} to replay a recorded session (docs/prompt-script.md).
 * Needs no SciJava context, so it runs in plain ImageJ 1 as in Fiji.
 */
public class Sam2Plugin implements PlugIn {

	private static final String NONE = "none";
	private static final String MODEL_PREF = "sam2fiji.model";

	@Override
	public void run(String arg) {
		boolean segment = "segment".equals(arg);
		String title = segment ? "SAM 2 Segment" : "SAM 2 Track";
		ImagePlus image = WindowManager.getCurrentImage();
		if (image == null) {
			fail(title, "No image: open an image first");
			return;
		}
		String[] titles = WindowManager.getImageTitles();
		String[] labelChoices = new String[titles.length + 1];
		labelChoices[0] = NONE;
		System.arraycopy(titles, 0, labelChoices, 1, titles.length);

		GenericDialog gd = new GenericDialog(title);
		// Interactive use remembers the last model; a macro without model= gets the default model: an
		// installed official SAM 2.1 model (the smallest), else minisam (ModelStore.defaultModel).
		boolean macro = Macro.getOptions() != null;
		String defaultModel = ModelStore.at(null).defaultModel();
		gd.addDirectoryField("model", macro ? defaultModel : Prefs.get(MODEL_PREF, defaultModel), 40);
		if (!segment) gd.addChoice("axis", new String[] { "auto", "t", "z" }, "auto");
		gd.addNumericField("channel", image.getChannel(), 0);
		if (!segment) gd.addChoice("direction", new String[] { "both", "forward", "backward" }, "both");
		gd.addChoice("label_image", labelChoices, NONE);
		gd.addCheckbox("add_rois", false);
		gd.addCheckbox("results_table", false);
		if (!segment) gd.addDirectoryField("ctc_folder", "", 40);
		if (!segment) gd.addFileField("prompt_script", "", 40);
		gd.addStringField("tracking_settings", "", 30);
		gd.addMessage("Tracking settings: SAM 1 interface models only, e.g. input_scale=0.5 for large cells\n(keys in docs/model-format.md); empty: the model's own.");
		gd.showDialog();
		if (gd.wasCanceled()) return;
		String model = gd.getNextString().trim();
		String axis = segment ? "auto" : gd.getNextChoice();
		int channel = (int) gd.getNextNumber();
		String direction = segment ? "both" : gd.getNextChoice();
		String labelTitle = gd.getNextChoice();
		boolean addRois = gd.getNextBoolean();
		boolean resultsTable = gd.getNextBoolean();
		String ctc = segment ? "" : gd.getNextString().trim();
		String promptScript = segment ? "" : gd.getNextString().trim();
		String trackingSettings = gd.getNextString().trim();

		ImageJProgress progress = new ImageJProgress(title);
		try {
			if (model.isEmpty()) throw new IllegalArgumentException("No model folder given (model=...)");
			ImagePlus labelImage = NONE.equals(labelTitle) ? null : WindowManager.getImage(labelTitle);
			if (!NONE.equals(labelTitle) && labelImage == null) throw new IllegalArgumentException("No open image titled '" + labelTitle + "' for label_image");
			ImageJTracking.PromptRois rois = ImageJTracking.promptRois(image);
			if (rois.note() != null) IJ.log(title + ": " + rois.note());
			PromptScript script = promptScript.isEmpty() ? null : PromptScript.read(Path.of(promptScript), new ImageMaskFiles());
			TrackRequest request = new TrackRequest(image, TrackAxis.parse(axis), channel, Direction.parse(direction), labelImage, rois.rois(), rois.imageSelection(),
				segment, script);
			// everything that needs no model is checked before the model loads (seconds to minutes)
			ImageJTracking.Prepared prepared = ImageJTracking.prepare(request);
			var tracking = Trackers.parseTrackingSettings(trackingSettings);
			Path modelFolder = ModelStore.at(null).locate(Path.of(model));
			HyperstackTracking.Result result;
			try (Tracker tracker = Trackers.open(modelFolder, RuntimeOptions.defaults(), tracking)) {
				result = ImageJTracking.run(prepared, tracker, progress, ImageJProgress.escapeOr(CancellationToken.NEVER), line -> IJ.log(title + ": " + line));
			}
			if (addRois) OutputPublisher.addRois(result);
			if (resultsTable) OutputPublisher.showTable(result);
			if (!ctc.isEmpty()) OutputPublisher.exportCtc(result, Path.of(ctc));
			progress.finish("done");
			if (!macro) Prefs.set(MODEL_PREF, model);
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
