package io.github.sam2fiji.command;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

import io.github.sam2fiji.convert.ConversionException;
import io.github.sam2fiji.store.ModelActions;
import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.store.ModelStoreException;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.progress.ProgressListener;

/**
 * "SAM 2 Models": list, fetch, import or remove models in the model folder (see
 * {@link ModelStore}). Thin: one call into the store; the report is an output string (shown in a
 * window in the UI, returned to scripts and macros).
 */
@Plugin(type = Command.class, headless = true,
	label = "SAM 2 Models", description = "List, fetch, import or remove SAM 2 for Fiji models")
public class Sam2ModelsCommand extends ContextCommand {

	@Parameter(required = false)
	private LogService log;

	@Parameter(required = false)
	private UIService ui;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(label = "Action", choices = { "list", "fetch", "import", "remove" })
	private String action = "list";

	@Parameter(label = "Model name (fetch, remove; import: optional)", required = false)
	private String name = "";

	@Parameter(label = "Import from (folder, archive or PyTorch checkpoint .pt)", required = false, style = "both")
	private File source;

	/** A checkpoint is converted in Java through the plugin's template of this architecture. */
	@Parameter(label = "Architecture of a checkpoint (import)", required = false, choices = { ModelActions.NOT_A_CHECKPOINT, "sam2.1_hiera_t",
		"sam2.1_hiera_s", "sam2.1_hiera_b+", "sam2.1_hiera_l", "sam2_hiera_t", "sam2_hiera_s", "sam2_hiera_b+", "sam2_hiera_l" })
	private String architecture = ModelActions.NOT_A_CHECKPOINT;

	/** Not persisted: a replacement asked for once must not silently apply to later imports. */
	@Parameter(label = "Replace an installed model of the same name (import)", required = false, persist = false)
	private boolean replace;

	@Parameter(label = "Model folder (empty: $" + ModelStore.FOLDER_VARIABLE + " or ~/.sam2fiji/models)", required = false, style = "directory")
	private File models_dir;

	@Parameter(type = ItemIO.OUTPUT, label = "SAM 2 models")
	private String report;

	@Override
	public void run() {
		try {
			ModelStore store = ModelStore.at(models_dir == null || models_dir.getPath().isBlank() ? null : models_dir.toPath());
			ProgressListener progress = (done, total, message) -> {
				if (status != null) status.showStatus((int) Math.min(Integer.MAX_VALUE, done * 1000 / Math.max(1, total)), 1000, message);
			};
			report = new ModelActions(store).run(action, name, source == null || source.getPath().isBlank() ? null : source.toPath(), architecture,
				replace, progress, this::isCanceled);
			if (status != null) status.showStatus(action + ": done");
			if (log != null) log.info(report);
		}
		catch (CancelledException e) {
			if (!isCanceled()) cancel("Cancelled by the user");
		}
		catch (ModelStoreException | ConversionException | IllegalArgumentException e) {
			String message = "SAM 2 Models: " + e.getMessage();
			if (log != null) log.error(message);
			if (ui != null && !ui.isHeadless()) ui.showDialog(message, "SAM 2 Models", DialogPrompt.MessageType.ERROR_MESSAGE);
			cancel(message);
		}
	}

}
