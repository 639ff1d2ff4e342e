package io.github.sam2fiji.command;

import java.nio.file.Path;
import java.util.Map;

import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * Opens trackers with {@link Trackers#open} and the default runtime options (GPU if present); the
 * model is a package folder or the name of an installed model ({@link ModelStore#locate}).
 */
@Plugin(type = Service.class)
public class DefaultTrackerService extends AbstractService implements TrackerService {

	@Override
	public Tracker open(Path modelFolder) {
		return open(modelFolder, Map.of());
	}

	@Override
	public Tracker open(Path modelFolder, Map<String, ? extends Number> tracking) {
		return Trackers.open(ModelStore.at(null).locate(modelFolder), RuntimeOptions.defaults(), tracking);
	}
}
