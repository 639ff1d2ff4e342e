package io.github.sam2fiji.command;

import java.nio.file.Path;
import java.util.Map;

import org.scijava.service.SciJavaService;

import io.github.sam2fiji.core.predictor.Tracker;

/**
 * Opens model packages as trackers for the commands. A service, so that a Fiji installation (or a
 * test, with a higher-priority implementation) can change how trackers are made without touching
 * the commands.
 */
public interface TrackerService extends SciJavaService {

	/** Opens the model package in {@code modelFolder} (or the installed model of that name); the caller closes the tracker. */
	Tracker open(Path modelFolder);

	/**
	 * As {@link #open(Path)}, with tracking settings over the package's own (SAM 1 interface models:
	 * docs/model-format.md); a service that cannot apply them refuses non-empty settings.
	 */
	default Tracker open(Path modelFolder, Map<String, ? extends Number> tracking) {
		if (!tracking.isEmpty()) throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no tracking settings " + tracking.keySet());
		return open(modelFolder);
	}
}
