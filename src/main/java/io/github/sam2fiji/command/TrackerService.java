package io.github.sam2fiji.command;

import java.nio.file.Path;

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
}
