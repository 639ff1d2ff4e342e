package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import ij.process.LUT;

class GlasbeyLutTest {

	@Test
	void blackBackgroundThenDistinctColours() {
		LUT lut = GlasbeyLut.create();
		assertEquals(256, lut.getMapSize());
		assertEquals(0, lut.getRGB(0) & 0xffffff);
		Set<Integer> colours = new HashSet<>();
		for (int i = 0; i < 256; i++) colours.add(lut.getRGB(i) & 0xffffff);
		assertEquals(256, colours.size());
		// Neighbouring IDs differ strongly (sum of channel differences), unlike a ramp LUT.
		for (int i = 1; i < 20; i++) {
			int a = lut.getRGB(i), b = lut.getRGB(i + 1);
			int d = Math.abs(((a >> 16) & 255) - ((b >> 16) & 255)) + Math.abs(((a >> 8) & 255) - ((b >> 8) & 255)) + Math.abs((a & 255) - (b & 255));
			assertTrue(d > 100, "IDs " + i + " and " + (i + 1) + " look alike: " + Integer.toHexString(a) + " " + Integer.toHexString(b));
		}
	}
}
