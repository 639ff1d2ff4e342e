package io.github.sam2fiji.ij1;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import ij.IJ;
import ij.ImagePlus;
import ij.Prefs;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.store.InstalledModel;
import io.github.sam2fiji.store.ModelStore;

/**
 * "SAM 2 Annotator" (plugins.config): asks for the model, axis and channel, then opens the
 * annotator panel beside the active image at once; the model loads in the background. Interactive
 * only: a macro replays an annotator session with SAM 2 Track and its prompt script.
 */
public class Sam2AnnotatorPlugin implements PlugIn {

	private static final String PREFS = "sam2fiji.annotator.";

	@Override
	public void run(String arg) {
		String title = AnnotatorWindow.TITLE;
		ImagePlus image = WindowManager.getCurrentImage();
		if (image == null) {
			IJ.error(title, "No image: open an image first");
			return;
		}
		if (Interpreter.isBatchMode() || image.getWindow() == null) {
			IJ.log(title + ": the annotator needs an image in a window; in a macro, replay a saved session with run(\"SAM 2 Track\", \"... prompt_script=[file]\")");
			return;
		}
		ModelStore store = ModelStore.at(null);
		if (!ModelField.offerFirstModel(store, title)) return;
		GenericDialog gd = new GenericDialog(title);
		ModelField modelField = ModelField.add(gd, store, Prefs.get(PREFS + "model", store.defaultModel()), false);
		gd.addChoice("Axis", new String[] { "auto", "t", "z" }, Prefs.get(PREFS + "axis", "auto"));
		gd.addNumericField("Channel", image.getChannel(), 0);
		gd.addMessage("The model stays loaded while the panel is open. Click cells with the point tool (Alt+click: background),\n"
			+ "draw a rectangle for a box or any area for a mask; propagate from the frame in view, correct on any frame, propagate again.");
		gd.showDialog();
		if (gd.wasCanceled()) return;
		String model = modelField.value(gd);
		String axis = gd.getNextChoice();
		int channel = (int) gd.getNextNumber();
		Prefs.set(PREFS + "model", model);
		Prefs.set(PREFS + "axis", axis);
		try {
			if (model.isEmpty()) throw new IllegalArgumentException("No model chosen");
			SequenceLayout layout = SequenceLayout.of(image, TrackAxis.parse(axis), channel);
			String note = layout.autoAxisNote(TrackAxis.parse(axis));
			if (note != null) IJ.log(title + ": " + note);
			List<String> installed = store.installed(false).stream().filter(InstalledModel::usable).map(InstalledModel::name).toList();
			AnnotatorWindow window = new AnnotatorWindow(image, layout.axis(), channel, model, installed, name -> load(store, name));
			window.setVisible(true);
		}
		catch (RuntimeException e) {
			IJ.error(title, e.getMessage() == null ? e.toString() : e.getMessage());
		}
	}

	/** Opens a model by name or folder; runs on the annotator's worker, so the panel stays responsive. */
	static Supplier<Tracker> load(ModelStore store, String model) {
		return () -> {
			// where it runs (CPU or GPU) shows in the panel's first line
			return Trackers.open(store.locate(Path.of(model)), RuntimeOptions.defaults());
		};
	}
}
