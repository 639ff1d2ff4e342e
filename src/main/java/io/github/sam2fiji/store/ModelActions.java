package io.github.sam2fiji.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

import io.github.sam2fiji.convert.CheckpointConverter;
import io.github.sam2fiji.convert.ModelTemplates;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;

/**
 * The model manager's actions as the dialogs offer them ("SAM 2 Models" in Fiji and in plain
 * ImageJ 1): list, fetch, import (a package folder or archive, or a PyTorch checkpoint converted
 * through the plugin's template of its architecture) and remove, each returning its report.
 */
public final class ModelActions {

	public static final String[] ACTIONS = { "list", "fetch", "import", "remove" };
	public static final String NOT_A_CHECKPOINT = "not a checkpoint";
	/** The architectures a checkpoint can be imported as (the plugin's templates, at 1024 px). */
	public static final String[] ARCHITECTURES = { NOT_A_CHECKPOINT, "sam2.1_hiera_t", "sam2.1_hiera_s", "sam2.1_hiera_b+", "sam2.1_hiera_l", "sam2_hiera_t",
		"sam2_hiera_s", "sam2_hiera_b+", "sam2_hiera_l" };
	private static final int IMAGE_SIZE = 1024;

	private final ModelStore store;

	public ModelActions(ModelStore store) {
		this.store = store;
	}

	/**
	 * @param name fetch, remove: the model; import: the name to install under (empty: the default)
	 * @param source import: the folder, archive or checkpoint
	 * @param architecture import of a checkpoint: its architecture (else {@link #NOT_A_CHECKPOINT})
	 */
	public String run(String action, String name, Path source, String architecture, boolean replace, ProgressListener progress,
		CancellationToken cancel) {
		String given = name == null || name.isBlank() ? null : name.trim();
		switch (action) {
			case "list":
				var installed = store.installed(false);
				return (installed.isEmpty() ? "Installed in " + store.folder() + ": none\n" : installed.stream()
					.map(m -> String.format(Locale.ROOT, "%s (%s, %.1f MB) %s%s", m.name(), m.kind(), m.bytes() / 1e6, m.usable() ? "ok" : "BROKEN: " + m.problem(),
						store.shippedFolder().filter(m.folder()::startsWith).map(s -> ", installed with Fiji by the update site (" + m.folder() + ")").orElse("")))
					.collect(Collectors.joining("\n", "Installed in " + store.folder() + ":\n", "\n")))
					+ store.catalogue().entries().stream().map(e -> e.name() + " (" + e.kind() + ", " + e.licence() + "): " + e.source()
						+ (e.checkpoint() != null ? " (PyTorch checkpoint, converted on install)" : ""))
						.collect(Collectors.joining("\n", "Catalogue:\n", ""))
					+ store.catalogueProblem().map(problem -> "\n(not listed: " + problem + ")").orElse("");
			case "fetch":
				return "Installed " + required(given) + ": " + store.fetch(given, progress, cancel);
			case "import": {
				if (source == null) throw new IllegalArgumentException("Nothing to import: give a folder, archive or checkpoint (source=...)");
				String file = source.getFileName() == null ? "" : source.getFileName().toString();
				boolean checkpoint = architecture != null && !architecture.isBlank() && !NOT_A_CHECKPOINT.equals(architecture);
				if (!checkpoint && file.toLowerCase(Locale.ROOT).matches(".*\\.pth?"))
					throw new IllegalArgumentException(file + " is a PyTorch checkpoint: choose its architecture (architecture=sam2.1_hiera_t, ...)");
				if (!checkpoint) return "Installed: " + store.importModel(source, given, replace, progress, cancel);
				String installName = given != null ? given : file.replaceFirst("\\.(pt|pth)$", "");
				return "Installed: " + store.importCheckpoint(source, ModelTemplates.BUNDLED, architecture, IMAGE_SIZE,
					new CheckpointConverter.Options(installName, true, null), replace, progress, cancel);
			}
			case "remove":
				store.remove(required(given));
				return "Removed " + given;
			default:
				throw new IllegalArgumentException("Unknown action '" + action + "': use list, fetch, import or remove");
		}
	}

	private static String required(String name) {
		if (name == null) throw new IllegalArgumentException("Give the model name (name=...)");
		return name;
	}
}
