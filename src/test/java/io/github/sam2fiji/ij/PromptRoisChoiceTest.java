package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.process.ShortProcessor;

/**
 * Which ROIs are prompts: a re-run after "add rois" must not read the previous run's output ROIs
 * back as mask prompts on every frame (it made 3 cells into 6 objects); they are left out, counted
 * and said in the log.
 */
class PromptRoisChoiceTest {

	@Test
	void outputRoisOfAnEarlierRunAreNeverPrompts() {
		ShortProcessor labels = new ShortProcessor(20, 20);
		for (int y = 5; y < 10; y++)
			for (int x = 5; x < 10; x++) labels.set(x, y, 1);
		List<Roi> outputs = LabelRois.of(new ImagePlus("labels", labels), List.of(new ObjectMeasurement(1, 1, 1, 25, 7, 7, 1f, 1f, true)), java.util.Map.of());
		assertEquals(1, outputs.size());
		Roi click = new OvalRoi(2, 2, 3, 3);

		ImageJTracking.PromptRois withClick = ImageJTracking.choose(List.of(outputs.get(0), click), null);
		assertEquals(List.of(click), withClick.rois());
		assertEquals("1 ROI is an output of an earlier run (property sam2fiji_output), not used as prompts", withClick.note());

		// only outputs in the ROI Manager: the image's own (new) selection is the prompt
		Roi drawn = new Roi(1, 1, 4, 4);
		ImageJTracking.PromptRois selection = ImageJTracking.choose(List.of(outputs.get(0)), drawn);
		assertEquals(List.of(drawn), selection.rois());
		assertTrue(selection.imageSelection());

		// an output ROI selected on the image is not a prompt either
		assertEquals(List.of(), ImageJTracking.choose(List.of(outputs.get(0)), outputs.get(0)).rois());
		assertNull(ImageJTracking.choose(List.of(click), null).note());
	}

	/**
	 * A rectangle drawn on the image while the ROI Manager holds other ROIs is the prompt (it used to
	 * be dropped silently for the ROI Manager's); a selection that is one of the ROI Manager's (as
	 * after roiManager("add")) leaves the ROI Manager the source.
	 */
	@Test
	void aNewSelectionWinsOverTheRoiManagerAndSaysSo() {
		Roi a = new OvalRoi(2, 2, 3, 3), b = new OvalRoi(10, 10, 3, 3);
		Roi drawn = new Roi(5, 5, 6, 4);
		ImageJTracking.PromptRois own = ImageJTracking.choose(List.of(a, b), drawn);
		assertEquals(List.of(drawn), own.rois());
		assertTrue(own.imageSelection());
		assertEquals("the prompt is the image's selection; the ROI Manager's 2 ROIs are not used (Edit > Selection > Select None to use them)", own.note());

		ImageJTracking.PromptRois managed = ImageJTracking.choose(List.of(a, b), (Roi) b.clone());
		assertEquals(List.of(a, b), managed.rois());
		assertNull(managed.note());
	}
}
