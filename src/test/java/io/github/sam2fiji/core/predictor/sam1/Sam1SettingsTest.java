package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.sam2fiji.core.model.ModelFormatException;

/** The SAM 1 tracker's settings from a package's model.json ("tracking" object). */
class Sam1SettingsTest {

	private static JsonObject manifest(String tracking) {
		return JsonParser.parseString("{\"kind\": \"sam1\"" + (tracking == null ? "" : ", \"tracking\": " + tracking) + "}").getAsJsonObject();
	}

	@Test
	void withoutATrackingObjectTheDefaultsApply() {
		assertEquals(Sam1Settings.defaults(), Sam1Settings.of(manifest(null)));
		assertEquals(Sam1Settings.defaults(), Sam1Settings.of(manifest("{}")));
	}

	@Test
	void givenValuesOverrideOnlyTheirOwnDefault() {
		Sam1Settings s = Sam1Settings.of(manifest("{\"max_held_frames\": 7, \"max_area_fraction\": 0.3, \"min_stability\": 0.8}"));
		Sam1Settings d = Sam1Settings.defaults();
		assertEquals(7, s.maxHeldFrames());
		assertEquals(0.3, s.maxAreaFraction());
		assertEquals(0.8, s.minStability());
		assertEquals(d.minCarriedIou(), s.minCarriedIou());
		assertEquals(d.maxMisses(), s.maxMisses());
		assertEquals(d.minArea(), s.minArea());
	}

	@Test
	void everyKeyIsRead() {
		Sam1Settings s = Sam1Settings.of(manifest("{\"max_area_fraction\": 0.5, \"min_carried_iou\": 0.5, \"min_stability\": 0.5, \"min_in_place_iou\": 0.5,"
				+ " \"min_in_place_stability\": 0.5, \"max_surround_similarity\": 0.6, \"min_look_similarity\": 0.4, \"search_window\": 2, \"box_margin\": 0.5, \"min_area\": 5, \"max_growth\": 5, \"max_misses\": 5, \"max_held_frames\": 5, \"max_held_slices\": 3, \"input_scale\": 0.5}"));
		assertEquals(new Sam1Settings(0.5, 0.5, 0.5, 0.5, 0.5, 0.6, 0.4, 2, 0.5, 5, 5, 5, 5, 3, 0.5, Sam1Settings.defaults().normalization()), s);
	}

	@Test
	void runSettingsOverrideThePackagesAndAreCheckedTheSameWay() {
		JsonObject m = manifest("{\"max_held_frames\": 7, \"min_area\": 9}");
		Sam1Settings s = Sam1Settings.of(m, java.util.Map.of("input_scale", 0.5, "max_held_frames", 0));
		assertEquals(0.5, s.inputScale());
		assertEquals(0, s.maxHeldFrames(), "the run's value wins");
		assertEquals(9, s.minArea(), "the package's value stays where the run gives none");
		assertEquals(Sam1Settings.of(m), Sam1Settings.of(m, java.util.Map.of()));
		assertEquals(0.5, Sam1Settings.of(manifest(null), java.util.Map.of("input_scale", 0.5)).inputScale());
		String bad = assertThrows(ModelFormatException.class, () -> Sam1Settings.of(m, java.util.Map.of("input_size", 0.5))).getMessage();
		assertTrue(bad.contains("input_size"), bad);
		assertThrows(ModelFormatException.class, () -> Sam1Settings.of(m, java.util.Map.of("input_scale", 2)));
		assertEquals(7, Sam1Settings.of(m).maxHeldFrames(), "the manifest itself is not changed");
	}

	@Test
	void badSettingsAreRefusedByName() {
		String unknown = assertThrows(ModelFormatException.class, () -> Sam1Settings.of(manifest("{\"max_held\": 3}"))).getMessage();
		assertTrue(unknown.contains("max_held") && unknown.contains("max_held_frames"), unknown);
		String notNumber = assertThrows(ModelFormatException.class, () -> Sam1Settings.of(manifest("{\"min_area\": \"big\"}"))).getMessage();
		assertTrue(notNumber.contains("min_area"), notNumber);
		String fraction = assertThrows(ModelFormatException.class, () -> Sam1Settings.of(manifest("{\"min_area\": 2.5}"))).getMessage();
		assertTrue(fraction.contains("whole number"), fraction);
		String range = assertThrows(ModelFormatException.class, () -> Sam1Settings.of(manifest("{\"max_held_frames\": -1}"))).getMessage();
		assertTrue(range.contains("maxHeldFrames"), range);
		assertThrows(ModelFormatException.class, () -> Sam1Settings.of(manifest("[1]")));
	}
}
