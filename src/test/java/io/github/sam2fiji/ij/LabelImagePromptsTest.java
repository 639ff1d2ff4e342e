package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.testing.TestImages;

class LabelImagePromptsTest {

	private final ImagePlus movie = TestImages.hyperstack("movie", 32, 24, 1, 1, 4);
	private final SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.AUTO, 1);

	private static ShortProcessor labelPlane(int... idsAndCentres) {
		ShortProcessor ip = new ShortProcessor(32, 24);
		for (int i = 0; i < idsAndCentres.length; i += 3) {
			ip.setValue(idsAndCentres[i]);
			ip.fill(new OvalRoi(idsAndCentres[i + 1] - 3, idsAndCentres[i + 2] - 3, 7, 7));
		}
		return ip;
	}

	@Test
	void singlePlaneGivesOneMaskPromptPerLabelOnTheGivenFrame() {
		ShortProcessor plane = labelPlane(3, 8, 8, 7, 20, 12);
		PromptSet set = LabelImagePrompts.convert(new ImagePlus("labels", plane), layout, 2, 0);
		assertEquals(List.of(3, 7), set.prompts().stream().map(p -> p.prompt().objectId()).toList());
		for (PlacedPrompt p : set.prompts()) {
			ObjectPrompt prompt = p.prompt();
			assertEquals(2, prompt.frame());
			int expected = 0;
			for (int i = 0; i < 32 * 24; i++) if (plane.get(i) == prompt.objectId()) expected++;
			assertEquals(expected, prompt.mask().area());
			assertTrue(prompt.mask().get(prompt.objectId() == 3 ? 8 : 20, prompt.objectId() == 3 ? 8 : 12));
		}
	}

	@Test
	void aStackOfTheInputsSizePromptsEachPlane() {
		ImageStack stack = new ImageStack(32, 24);
		stack.addSlice(labelPlane(1, 8, 8));
		stack.addSlice(new ShortProcessor(32, 24));
		stack.addSlice(labelPlane(1, 10, 8, 2, 20, 15));
		stack.addSlice(new ShortProcessor(32, 24));
		ImagePlus labels = new ImagePlus("labels", stack);
		labels.setDimensions(1, 1, 4);
		PromptSet set = LabelImagePrompts.convert(labels, layout, 0, 0);
		assertEquals(List.of("1@0", "1@2", "2@2"), set.prompts().stream().map(p -> p.prompt().objectId() + "@" + p.prompt().frame()).toList());
	}

	@Test
	void badLabelImagesAreExplained() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelImagePrompts.convert(new ImagePlus("small", new ShortProcessor(10, 10)), layout, 0, 0));
		assertTrue(e.getMessage().contains("10 x 10"), e.getMessage());
		FloatProcessor fp = new FloatProcessor(32, 24);
		fp.setf(5, 5, 1.5f);
		e = assertThrows(IllegalArgumentException.class, () -> LabelImagePrompts.convert(new ImagePlus("prob", fp), layout, 0, 0));
		assertTrue(e.getMessage().contains("whole numbers"), e.getMessage());
		ImageStack three = new ImageStack(32, 24);
		for (int i = 0; i < 3; i++) three.addSlice(new ShortProcessor(32, 24));
		e = assertThrows(IllegalArgumentException.class, () -> LabelImagePrompts.convert(new ImagePlus("three", three), layout, 0, 0));
		assertTrue(e.getMessage().contains("same z and t"), e.getMessage());
	}
}
