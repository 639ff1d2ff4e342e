package io.github.sam2fiji.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.scijava.Priority;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.testing.FakeTracker;

/**
 * TEST DOUBLE: a {@link TrackerService} that hands out {@link FakeTracker}s (geometric masks, no
 * model), so the commands can be run headless without ONNX Runtime. The model folder must exist,
 * as for the real service. It ranks below the real service, so a Context that asks for a
 * {@link TrackerService} gets the real one; a test gets the double only by naming this class
 * ({@code new Context(CommandService.class, FakeTrackerService.class)}).
 */
@Plugin(type = Service.class, priority = Priority.VERY_LOW)
public class FakeTrackerService extends AbstractService implements TrackerService {

	/** The tracker the next {@link #open} returns; tests configure it before running a command. */
	public FakeTracker next = new FakeTracker();

	/** Trackers opened (a model load, for a real service). */
	public int opens;

	/** The tracking settings the last {@link #open(Path, Map)} received. */
	public Map<String, ? extends Number> lastTracking;

	@Override
	public Tracker open(Path modelFolder) {
		if (!Files.isDirectory(modelFolder)) throw new ModelFormatException("Model folder not found: " + modelFolder);
		opens++;
		return next;
	}

	@Override
	public Tracker open(Path modelFolder, Map<String, ? extends Number> tracking) {
		lastTracking = Map.copyOf(tracking);
		return open(modelFolder);
	}
}
