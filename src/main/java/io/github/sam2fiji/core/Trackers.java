package io.github.sam2fiji.core;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.sam2.Sam2Tracker;
import io.github.sam2fiji.core.predictor.sam1.Sam1Settings;
import io.github.sam2fiji.core.predictor.sam1.Sam1Tracker;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/** Opens any model package as a {@link Tracker}: the package's kind picks the implementation. */
public final class Trackers {

	private Trackers() {}

	public static Tracker open(Path modelFolder, RuntimeOptions options) {
		return open(ModelPackage.open(modelFolder), options);
	}

	/**
	 * As {@link #open(Path, RuntimeOptions)}, with tracking settings that override the package's own
	 * (SAM 1 interface models only: keys {@link Sam1Settings#MANIFEST_KEYS}, docs/model-format.md).
	 */
	public static Tracker open(Path modelFolder, RuntimeOptions options, Map<String, ? extends Number> tracking) {
		ModelPackage model = ModelPackage.open(modelFolder);
		if (tracking.isEmpty()) return open(model, options);
		if (!"sam1".equals(model.kind()))
			throw new IllegalArgumentException("Tracking settings " + tracking.keySet() + " apply to SAM 1 interface models only; " + model.name() + " is of kind '" + model.kind() + "'");
		return new Sam1Tracker(model, options, Sam1Settings.of(model.manifest(), tracking));
	}

	public static Tracker open(ModelPackage model, RuntimeOptions options) {
		switch (model.kind()) {
			// Each model interface adds its case here: "sam2" (SAM 2 packages), "sam1" (SAM 1 interface image models).
			case "sam2":
				return new Sam2Tracker(model, options);
			case "sam1":
				return new Sam1Tracker(model, options);
			default:
				throw new ModelFormatException("Model " + model.name() + " is of kind '" + model.kind() + "', which this version of the plugin cannot run");
		}
	}

	/**
	 * Reads tracking settings written as text, {@code KEY=VALUE} pairs separated by spaces, commas or
	 * semicolons (e.g. {@code "input_scale=0.5 max_held_frames=20"}), as the Fiji commands and macros
	 * take them; blank text gives no settings. Which keys exist is checked when the model opens.
	 *
	 * @throws IllegalArgumentException naming the pair that is not {@code KEY=NUMBER}
	 */
	public static Map<String, Double> parseTrackingSettings(String text) {
		Map<String, Double> settings = new LinkedHashMap<>();
		if (text == null || text.isBlank()) return settings;
		for (String pair : text.trim().split("[\\s,;]+")) {
			int eq = pair.indexOf('=');
			if (eq <= 0 || eq == pair.length() - 1) throw new IllegalArgumentException("Tracking setting '" + pair + "' is not KEY=VALUE (e.g. input_scale=0.5)");
			String key = pair.substring(0, eq), value = pair.substring(eq + 1);
			try {
				settings.put(key, Double.valueOf(value));
			}
			catch (NumberFormatException e) {
				throw new IllegalArgumentException("Tracking setting " + key + ": '" + value + "' is not a number");
			}
		}
		return settings;
	}
}
