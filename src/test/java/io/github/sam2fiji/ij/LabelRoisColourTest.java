package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;

import org.junit.jupiter.api.Test;

import ij.gui.Roi;

/**
 * Output ROIs in their group's colour without luts/Glasbey.lut (plain ImageJ 1): ImageJ's group
 * colours come from the plugin's table, not from a file lookup that logs "LUT not found" per ROI.
 */
class LabelRoisColourTest {

	@Test
	void groupsGetTheGlasbeyColoursWithoutALutFile() {
		LabelRois.fillImageJGroupColours();
		Roi roi = new Roi(1, 1, 4, 4);
		roi.setGroup(3);
		assertEquals(new Color(GlasbeyLut.create().getRGB(3)), roi.getStrokeColor());
	}
}
