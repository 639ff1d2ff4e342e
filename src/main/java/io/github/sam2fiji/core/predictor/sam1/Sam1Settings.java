package io.github.sam2fiji.core.predictor.sam1;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.image.PercentileNormalization;
import io.github.sam2fiji.core.model.ModelFormatException;

/**
 * Tuning of the SAM 1 interface tracker; {@link #defaults()} is what was measured to work on
 * microscopy data (see docs/model-format.md), and a package's model.json may override any of them
 * in its {@code "tracking"} object ({@link #of(JsonObject)}).
 *
 * @param maxAreaFraction candidates covering more of the frame are dropped (the whole-image trap)
 * @param minCarriedIou carried candidates with a lower predicted IoU are dropped (object gone)
 * @param minStability carried candidates with a lower stability score are dropped (object gone)
 * @param minInPlaceIou lower IoU limit for a carried mask that stays in place inside the frame
 * @param minInPlaceStability lower stability limit for a carried mask that stays in place inside the frame
 * @param maxSurroundSimilarity carried candidates that look like the background around them to the model
 *          (cosine similarity of the mean image embedding under the mask and in a ring around it
 *          above this) are dropped: SAM 1 decoders copy a mask input onto empty background when the
 *          object has moved away; 1 turns the check off
 * @param minLookSimilarity carried candidates whose mean image embedding has a lower cosine similarity
 *          with the object's on its last accepted frame are dropped (the answer jumped to something
 *          else); 0 turns the check off
 * @param searchWindow when no carried candidate is acceptable, one click at the embedding cell most
 *          like the object's last look within its bounding box widened by this share of its size on
 *          each side (for cells that moved further than their box); 0 turns the search off
 * @param boxMargin carried box widened by this fraction of its size on each side (plus 2 pixels)
 * @param minArea a carried mask smaller than this many pixels means the object is lost
 * @param maxGrowth a carried mask more than this many times the previous area means the object is
 *          lost (the model jumped to something else)
 * @param maxMisses frames in a row a carried object may be missed (absent) before it is lost
 * @param maxHeldFrames frames in a row a missed object that is not leaving the frame keeps (shows)
 *          its last accepted mask instead of being absent; 0 turns holding off. The default (1000)
 *          holds as long as the object does not leave: on DIC-C2DH-HeLa a limit of 10 frames lost
 *          most cells again (docs/model-format.md). Applies to time-lapses.
 * @param maxHeldSlices the same for the z slices of a volume ({@link io.github.sam2fiji.core.image.FrameSource#isVolume()});
 *          default 0, since an object that is not found on the next slice has usually ended there
 * @param inputScale share of the model input's side that the frame's longest side fills, in (0, 1];
 *          under 1 shows the frame smaller (for objects too large for the model at full size)
 * @param normalization intensity mapping of frames to 0-255
 */
public record Sam1Settings(double maxAreaFraction, double minCarriedIou, double minStability, double minInPlaceIou, double minInPlaceStability, double maxSurroundSimilarity, double minLookSimilarity, double searchWindow, double boxMargin, int minArea, double maxGrowth, int maxMisses, int maxHeldFrames, int maxHeldSlices, double inputScale, PercentileNormalization normalization) {

	/** The keys of model.json's {@code "tracking"} object, in the order of the record's fields. */
	public static final Set<String> MANIFEST_KEYS = Set.of("max_area_fraction", "min_carried_iou", "min_stability", "min_in_place_iou",
			"min_in_place_stability", "max_surround_similarity", "min_look_similarity", "search_window", "box_margin", "min_area", "max_growth", "max_misses", "max_held_frames", "max_held_slices", "input_scale");

	public Sam1Settings {
		if (!(maxAreaFraction > 0 && maxAreaFraction <= 1)) throw new IllegalArgumentException("maxAreaFraction must be in (0, 1], got " + maxAreaFraction);
		if (!(minStability >= 0 && minStability <= 1)) throw new IllegalArgumentException("minStability must be in [0, 1], got " + minStability);
		if (!(minInPlaceStability >= 0 && minInPlaceStability <= 1)) throw new IllegalArgumentException("minInPlaceStability must be in [0, 1], got " + minInPlaceStability);
		if (!(maxSurroundSimilarity > 0 && maxSurroundSimilarity <= 1)) throw new IllegalArgumentException("maxSurroundSimilarity must be in (0, 1], got " + maxSurroundSimilarity);
		if (!(minLookSimilarity >= 0 && minLookSimilarity <= 1)) throw new IllegalArgumentException("minLookSimilarity must be in [0, 1], got " + minLookSimilarity);
		if (!(searchWindow >= 0)) throw new IllegalArgumentException("searchWindow must be 0 or more, got " + searchWindow);
		if (!(boxMargin >= 0)) throw new IllegalArgumentException("boxMargin must be 0 or more, got " + boxMargin);
		if (minArea < 1) throw new IllegalArgumentException("minArea must be at least 1 pixel, got " + minArea);
		if (!(maxGrowth > 1)) throw new IllegalArgumentException("maxGrowth must be above 1, got " + maxGrowth);
		if (maxMisses < 0) throw new IllegalArgumentException("maxMisses must be 0 or more, got " + maxMisses);
		if (maxHeldFrames < 0) throw new IllegalArgumentException("maxHeldFrames must be 0 or more, got " + maxHeldFrames);
		if (maxHeldSlices < 0) throw new IllegalArgumentException("maxHeldSlices must be 0 or more, got " + maxHeldSlices);
		if (!(inputScale > 0 && inputScale <= 1)) throw new IllegalArgumentException("inputScale must be in (0, 1], got " + inputScale);
		if (normalization == null) throw new IllegalArgumentException("normalization is required");
	}

	public static Sam1Settings defaults() {
		return new Sam1Settings(0.15, 0.88, 0.9, 0.75, 0.7, 1.0, 0.7, 1.0, 0.1, 4, 4.0, 2, 1000, 0, 1.0, PercentileNormalization.DEFAULT);
	}

	/**
	 * The defaults with the values a package's manifest gives in its optional {@code "tracking"}
	 * object (keys {@link #MANIFEST_KEYS}, e.g. {@code "tracking": {"max_held_frames": 5}}).
	 *
	 * @throws ModelFormatException for an unknown key or a value that is not a number in range
	 */
	public static Sam1Settings of(JsonObject manifest) {
		JsonElement t = manifest.get("tracking");
		if (t == null || t.isJsonNull()) return defaults();
		if (!t.isJsonObject()) throw new ModelFormatException("model.json: \"tracking\" must be an object, got " + t);
		return read(t.getAsJsonObject(), "model.json: \"tracking\"");
	}

	/**
	 * As {@link #of(JsonObject)}, with {@code overrides} (keys {@link #MANIFEST_KEYS}) replacing the
	 * manifest's own values: settings chosen for one run (the CLI's {@code --tracking KEY=VALUE}).
	 * A bad override is reported as the user's settings, a bad package value as the package's.
	 */
	public static Sam1Settings of(JsonObject manifest, Map<String, ? extends Number> overrides) {
		Sam1Settings own = of(manifest);
		if (overrides.isEmpty()) return own;
		JsonObject merged = manifest.get("tracking") instanceof JsonObject t ? t.deepCopy() : new JsonObject();
		overrides.forEach(merged::addProperty);
		return read(merged, "Tracking settings " + overrides);
	}

	/** The defaults with {@code tracking}'s values; errors start with {@code source}, where the values came from. */
	private static Sam1Settings read(JsonObject tracking, String source) {
		Set<String> unknown = new TreeSet<>(tracking.keySet());
		unknown.removeAll(MANIFEST_KEYS);
		if (!unknown.isEmpty()) throw new ModelFormatException(source + ": unknown setting(s) " + unknown + "; known: " + new TreeSet<>(MANIFEST_KEYS));
		Sam1Settings d = defaults();
		Map<String, JsonElement> v = tracking.asMap();
		try {
			return new Sam1Settings(number(v, "max_area_fraction", d.maxAreaFraction()), number(v, "min_carried_iou", d.minCarriedIou()),
					number(v, "min_stability", d.minStability()), number(v, "min_in_place_iou", d.minInPlaceIou()),
					number(v, "min_in_place_stability", d.minInPlaceStability()), number(v, "max_surround_similarity", d.maxSurroundSimilarity()),
					number(v, "min_look_similarity", d.minLookSimilarity()), number(v, "search_window", d.searchWindow()), number(v, "box_margin", d.boxMargin()),
					whole(v, "min_area", d.minArea()), number(v, "max_growth", d.maxGrowth()), whole(v, "max_misses", d.maxMisses()),
					whole(v, "max_held_frames", d.maxHeldFrames()), whole(v, "max_held_slices", d.maxHeldSlices()), number(v, "input_scale", d.inputScale()), d.normalization());
		}
		catch (IllegalArgumentException e) {
			throw new ModelFormatException(source + ": " + e.getMessage(), e);
		}
	}

	private static double number(Map<String, JsonElement> values, String key, double otherwise) {
		JsonElement e = values.get(key);
		if (e == null) return otherwise;
		if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException(key + " must be a number, got " + e);
		return e.getAsDouble();
	}

	private static int whole(Map<String, JsonElement> values, String key, int otherwise) {
		double d = number(values, key, otherwise);
		if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new IllegalArgumentException(key + " must be a whole number, got " + d);
		return (int) d;
	}
}
