package io.github.sam2fiji.store;

import java.nio.file.Path;

/**
 * A model folder in the store.
 *
 * @param name the folder's name, which commands use to refer to the model
 * @param kind the package kind, or "?" when the manifest cannot be read
 * @param folder where it is
 * @param bytes total size of its files
 * @param problem why it cannot be used (with what to do), or null when it is complete
 */
public record InstalledModel(String name, String kind, Path folder, long bytes, String problem) {

	public boolean usable() {
		return problem == null;
	}
}
