package io.github.sam2fiji.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Dimension;
import java.awt.Point;
import java.awt.Rectangle;

import org.junit.jupiter.api.Test;

/** The annotator panel stays on the screen wherever the image window is. */
class AnnotatorWindowPlacementTest {

	private static final Rectangle SCREEN = new Rectangle(0, 0, 1024, 768);
	private static final Dimension PANEL = new Dimension(400, 500);

	@Test
	void right_of_the_image_when_there_is_room() {
		assertEquals(new Point(10 + 500 + 4, 130), AnnotatorWindow.besideImage(new Rectangle(10, 130, 500, 400), PANEL, SCREEN));
	}

	@Test
	void left_of_an_image_at_the_screens_right_edge() {
		assertEquals(new Point(600 - 4 - 400, 50), AnnotatorWindow.besideImage(new Rectangle(600, 50, 420, 300), PANEL, SCREEN));
	}

	@Test
	void over_a_maximised_image_at_the_screens_right_edge_and_above_its_bottom() {
		assertEquals(new Point(1024 - 400, 768 - 500), AnnotatorWindow.besideImage(new Rectangle(0, 300, 1024, 468), PANEL, SCREEN));
	}

	@Test
	void on_a_second_screen() {
		Rectangle right = new Rectangle(1920, 0, 1280, 1024);
		assertEquals(new Point(1920 + 10 + 600 + 4, 20), AnnotatorWindow.besideImage(new Rectangle(1930, 20, 600, 500), PANEL, right));
	}
}
