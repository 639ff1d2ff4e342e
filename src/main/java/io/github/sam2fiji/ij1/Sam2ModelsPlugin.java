package io.github.sam2fiji.ij1;

import java.nio.file.Path;
import java.util.Locale;

import ij.IJ;
import ij.Macro;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.store.ModelActions;
import io.github.sam2fiji.store.ModelStore;

/**
 * The ImageJ 1 entry "SAM 2 Models" (plugins.config), for plain ImageJ 1 as for Fiji: list, fetch
 * (a catalogued model; the official SAM 2.1 checkpoints are downloaded and converted in Java),
 * import (a model folder or archive, or a PyTorch checkpoint with its architecture) or remove, e.g.
 * {@code run("SAM 2 Models", "action=fetch name=sam2.1_hiera_tiny")} or
 * {@code run("SAM 2 Models", "action=import source=/data/finetune.pt architecture=sam2.1_hiera_t")}.
 * The report goes to the Log window.
 */
public class Sam2ModelsPlugin implements PlugIn {

	private static final String TITLE = "SAM 2 Models";

	@Override
	public void run(String arg) {
		GenericDialog gd = new GenericDialog(TITLE);
		gd.addChoice("action", ModelActions.ACTIONS, "list");
		gd.addStringField("name", "", 30);
		gd.addFileField("source", "", 40);
		gd.addChoice("architecture", ModelActions.ARCHITECTURES, ModelActions.NOT_A_CHECKPOINT);
		gd.addCheckbox("replace", false);
		gd.addDirectoryField("models_dir", "", 40);
		gd.addMessage("fetch: a catalogued name, e.g. sam2.1_hiera_tiny (downloaded from Meta, converted in Java)\n"
			+ "import: a model folder or archive, or a PyTorch checkpoint (.pt) with its architecture");
		gd.showDialog();
		if (gd.wasCanceled()) return;
		String action = gd.getNextChoice(), name = gd.getNextString().trim(), source = gd.getNextString().trim();
		String architecture = gd.getNextChoice();
		boolean replace = gd.getNextBoolean();
		String folder = gd.getNextString().trim();
		ImageJ1Progress progress = new ImageJ1Progress();
		try {
			ModelStore store = ModelStore.at(folder.isEmpty() ? null : Path.of(folder));
			String report = new ModelActions(store).run(action, name, source.isEmpty() ? null : Path.of(source), architecture, replace, progress,
				ij.IJ::escapePressed);
			IJ.showStatus(TITLE + ": " + action + " done");
			IJ.log(report);
		}
		catch (CancelledException e) {
			IJ.log(TITLE + ": cancelled, nothing installed");
			if (Macro.getOptions() != null) Interpreter.abort();
		}
		catch (RuntimeException e) {
			String message = e.getMessage() == null ? e.toString() : e.getMessage();
			boolean macro = Macro.getOptions() != null || Interpreter.getInstance() != null;
			if (macro && Interpreter.isBatchMode()) IJ.log(TITLE + ": " + message);
			else IJ.error(TITLE, message);
			if (macro) Interpreter.abort();
		}
		finally {
			IJ.showProgress(1.0);
		}
	}

	/** Progress in ImageJ 1's status bar. */
	private static final class ImageJ1Progress implements io.github.sam2fiji.core.progress.ProgressListener {
		@Override
		public void progress(long done, long total, String message) {
			IJ.showProgress((double) done / Math.max(1, total));
			IJ.showStatus(String.format(Locale.ROOT, "%s: %s", TITLE, message));
		}
	}
}
