package io.github.sam2fiji.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Tracking settings as the Fiji commands and macros take them: text of KEY=VALUE pairs. */
class TrackingSettingsTextTest {

	@Test
	void pairsSeparatedBySpacesCommasOrSemicolonsKeepTheirOrder() {
		Map<String, Double> s = Trackers.parseTrackingSettings(" input_scale=0.5, max_held_frames=20;min_area=8 ");
		assertEquals(List.of("input_scale", "max_held_frames", "min_area"), List.copyOf(s.keySet()));
		assertEquals(0.5, s.get("input_scale"));
		assertEquals(20.0, s.get("max_held_frames"));
		assertEquals(8.0, s.get("min_area"));
	}

	@Test
	void blankTextMeansNoSettings() {
		assertTrue(Trackers.parseTrackingSettings("").isEmpty());
		assertTrue(Trackers.parseTrackingSettings("   ").isEmpty());
		assertTrue(Trackers.parseTrackingSettings(null).isEmpty());
	}

	@Test
	void malformedPairsAreNamed() {
		String noValue = assertThrows(IllegalArgumentException.class, () -> Trackers.parseTrackingSettings("input_scale=0.5 max_held_frames")).getMessage();
		assertTrue(noValue.contains("'max_held_frames' is not KEY=VALUE"), noValue);
		String empty = assertThrows(IllegalArgumentException.class, () -> Trackers.parseTrackingSettings("input_scale=")).getMessage();
		assertTrue(empty.contains("'input_scale=' is not KEY=VALUE"), empty);
		String notNumber = assertThrows(IllegalArgumentException.class, () -> Trackers.parseTrackingSettings("input_scale=half")).getMessage();
		assertTrue(notNumber.contains("input_scale: 'half' is not a number"), notNumber);
	}
}
