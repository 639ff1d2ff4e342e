package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.PointRoi;
import ij.gui.PolygonRoi;
import ij.gui.Roi;
import ij.gui.RotatedRectRoi;
import ij.gui.ShapeRoi;
import ij.process.ByteProcessor;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.testing.TestImages;

class RoiPromptsTest {

	private final ImagePlus timeLapse = TestImages.hyperstack("cells.tif", 64, 48, 1, 1, 5);
	private final SequenceLayout layout = SequenceLayout.of(timeLapse, TrackAxis.AUTO, 1);

	private static ObjectPrompt only(PromptSet set) {
		assertEquals(1, set.prompts().size(), set.toString());
		return set.prompts().get(0).prompt();
	}

	private static Roi at(Roi roi, int position) {
		roi.setPosition(position);
		return roi;
	}

	@Test
	void pointsArePositiveClicksAndCounterOneIsNegative() {
		PointRoi points = new PointRoi(new float[] { 10, 20, 30 }, new float[] { 5, 6, 7 }, 3);
		points.setCounters(new int[] { 0, 1, 0 });
		ObjectPrompt p = only(RoiPrompts.convert(List.of(at(points, 2)), layout, false));
		assertEquals(1, p.frame());
		assertEquals(List.of(new PointPrompt(10, 5, true), new PointPrompt(20, 6, false), new PointPrompt(30, 7, true)), p.points());
		assertNull(p.box());
		assertNull(p.mask());
	}

	@Test
	void aNegativePropertyMakesEveryClickOfTheRoiNegative() {
		PointRoi points = new PointRoi(new float[] { 10, 20 }, new float[] { 5, 6 }, 2);
		points.setProperty(RoiPrompts.PROMPT_PROPERTY, "negative");
		ObjectPrompt p = only(RoiPrompts.convert(List.of(points), layout, false));
		assertEquals(List.of(new PointPrompt(10, 5, false), new PointPrompt(20, 6, false)), p.points());
		points.setProperty(RoiPrompts.PROMPT_PROPERTY, "maybe");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(points), layout, false));
		assertTrue(e.getMessage().contains("sam_prompt=maybe"), e.getMessage());
	}

	@Test
	void aMultiPointRoiOfPositiveClicksIsOneObjectPerPointUnlessNamedGroupedOrWithANegativeClick() {
		PointRoi threeCells = (PointRoi) at(new PointRoi(new float[] { 10, 30, 50 }, new float[] { 5, 20, 40 }, 3), 3);
		RoiPrompts.SplitPoints split = RoiPrompts.pointsAsObjects(List.of(threeCells));
		PromptSet set = RoiPrompts.convert(split.rois(), layout, false);
		assertEquals(3, set.prompts().size());
		assertEquals(List.of(1, 2, 3), set.prompts().stream().map(p -> p.prompt().objectId()).toList());
		assertEquals(List.of(List.of(new PointPrompt(10, 5, true)), List.of(new PointPrompt(30, 20, true)), List.of(new PointPrompt(50, 40, true))),
			set.prompts().stream().map(p -> p.prompt().points()).toList());
		assertTrue(set.prompts().stream().allMatch(p -> p.prompt().frame() == 2), "each point keeps the ROI's frame");
		assertEquals("a multi-point ROI made 3 objects, one per point (to make a ROI's points one object: multi-point ROIs = one object, or name or group the ROI)",
			split.note());

		PointRoi named = new PointRoi(new float[] { 10, 30 }, new float[] { 5, 20 }, 2);
		named.setName("cell");
		PointRoi grouped = new PointRoi(new float[] { 10, 30 }, new float[] { 5, 20 }, 2);
		grouped.setGroup(4);
		PointRoi withNegative = new PointRoi(new float[] { 10, 30 }, new float[] { 5, 20 }, 2);
		withNegative.setCounters(new int[] { 0, 1 });
		for (PointRoi oneObject : List.of(named, grouped, withNegative)) {
			RoiPrompts.SplitPoints kept = RoiPrompts.pointsAsObjects(List.of(oneObject));
			assertEquals(List.of(oneObject), kept.rois());
			assertNull(kept.note());
			assertEquals(2, only(RoiPrompts.convert(kept.rois(), layout, false)).points().size());
		}
	}

	@Test
	void splitPointsKeepTheirOwnStackPositions() {
		PointRoi points = new PointRoi(new float[] { 10, 30 }, new float[] { 5, 20 }, 2);
		points.setPosition(0);
		points.setCounters(new int[] { 0, 0 });
		// a multi-point ROI made on two frames: per-point positions
		PointRoi perPoint = new PointRoi(10, 5);
		perPoint.addPoint(timeLapse, 30, 20);
		timeLapse.setT(4);
		perPoint.addPoint(timeLapse, 40, 30);
		List<Roi> split = RoiPrompts.pointsAsObjects(List.of(perPoint)).rois();
		assertEquals(3, split.size());
		PromptSet set = RoiPrompts.convert(split, layout, false);
		assertEquals(3, set.prompts().size());
		assertEquals(3, set.prompts().get(2).prompt().frame(), set.toString());
	}

	@Test
	void otherCountersAreRefused() {
		PointRoi points = new PointRoi(new float[] { 10 }, new float[] { 5 }, 1);
		points.setCounters(new int[] { 2 });
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(points), layout, false));
		assertTrue(e.getMessage().contains("counter 2"), e.getMessage());
	}

	@Test
	void rectangleIsABox() {
		ObjectPrompt p = only(RoiPrompts.convert(List.of(at(new Roi(5, 6, 10, 12), 3)), layout, false));
		assertEquals(2, p.frame());
		assertEquals(5, p.box().x0());
		assertEquals(6, p.box().y0());
		assertEquals(15, p.box().x1());
		assertEquals(18, p.box().y1());
		assertNull(p.mask());
	}

	@Test
	void rectangleReachingOutsideIsClipped() {
		ObjectPrompt p = only(RoiPrompts.convert(List.of(new Roi(50, 40, 30, 30)), layout, false));
		assertEquals(64, p.box().x1());
		assertEquals(48, p.box().y1());
	}

	@Test
	void everyAreaKindIsAMaskOfItsPixels() {
		Roi[] kinds = {
			new OvalRoi(10, 10, 20, 14),
			new PolygonRoi(new float[] { 5, 30, 20 }, new float[] { 5, 8, 30 }, Roi.POLYGON),
			new PolygonRoi(new float[] { 5, 30, 28, 20, 6 }, new float[] { 5, 8, 20, 30, 25 }, Roi.FREEROI),
			new PolygonRoi(new int[] { 5, 25, 25, 5 }, new int[] { 5, 5, 20, 20 }, 4, Roi.TRACED_ROI),
			new RotatedRectRoi(10, 10, 40, 30, 8),
			new ShapeRoi(new OvalRoi(5, 5, 10, 10)).or(new ShapeRoi(new Roi(30, 20, 8, 8))),
			roundedRectangle(),
		};
		for (Roi roi : kinds) {
			ObjectPrompt p = only(RoiPrompts.convert(List.of(roi), layout, false));
			assertNotNull(p.mask(), roi.getTypeAsString());
			assertNull(p.box());
			assertEquals(pixelCount(roi), p.mask().area(), roi.getTypeAsString());
			Rectangle b = roi.getBounds();
			// Pixels inside the ROI's mask are set, pixels outside its bounds are not.
			assertFalse(p.mask().get(Math.max(0, b.x - 1), Math.max(0, b.y - 1)) && b.x > 0 && b.y > 0, roi.getTypeAsString());
		}
	}

	private static Roi roundedRectangle() {
		Roi r = new Roi(10, 10, 20, 20);
		r.setCornerDiameter(8);
		return r;
	}

	private static int pixelCount(Roi roi) {
		ImageProcessor mask = roi.getMask();
		Rectangle b = roi.getBounds();
		if (mask == null) return b.width * b.height;
		int n = 0;
		for (int y = 0; y < b.height; y++)
			for (int x = 0; x < b.width; x++) if (mask.get(x, y) != 0) n++;
		return n;
	}

	@Test
	void linesAndRoisOutsideAreRefusedWithTheirName() {
		Line line = new Line(1, 1, 20, 20);
		line.setName("edge");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(line), layout, false));
		assertTrue(e.getMessage().contains("'edge'") && e.getMessage().contains("cannot be a prompt"), e.getMessage());

		Roi outside = new OvalRoi(100, 100, 10, 10);
		outside.setName("far");
		e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(outside), layout, false));
		assertTrue(e.getMessage().contains("'far'") && e.getMessage().contains("outside"), e.getMessage());

		PointRoi point = new PointRoi(70, 10);
		e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(point), layout, false));
		assertTrue(e.getMessage().contains("outside the 64 x 48 image"), e.getMessage());

		Roi late = at(new Roi(1, 1, 5, 5), 9);
		e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(late), layout, false));
		assertTrue(e.getMessage().contains("slice 9"), e.getMessage());
	}

	@Test
	void groupsAndNamesMakeObjectsAndUnnamedRoisAreSeparate() {
		Roi g3a = at(new Roi(1, 1, 5, 5), 1);
		g3a.setGroup(3);
		Roi g3b = at(new Roi(10, 10, 5, 5), 4);
		g3b.setGroup(3);
		Roi cellA = at(new PointRoi(20, 20), 1);
		cellA.setName("cell");
		Roi cellB = at(new PointRoi(22, 22), 5);
		cellB.setName("cell");
		Roi loose1 = at(new PointRoi(30, 30), 1);
		Roi loose2 = at(new PointRoi(40, 30), 1);
		PromptSet set = RoiPrompts.convert(List.of(cellA, g3a, loose1, g3b, cellB, loose2), layout, false);
		// Group 3 keeps its number; the others take the lowest free IDs in ROI order: cell 1, loose 2 and 4.
		assertEquals(List.of(1, 3, 2, 3, 1, 4), set.prompts().stream().map(p -> p.prompt().objectId()).toList());
		assertEquals(java.util.Set.of(1, 2, 3, 4), set.names().keySet());
		assertEquals("cell", set.names().get(1));
		assertEquals("group 3", set.names().get(3));
		// Prompts on several frames of one object are all kept.
		assertEquals(List.of(0, 4), framesOf(set, 1));
		assertEquals(List.of(0, 3), framesOf(set, 3));
		assertEquals(List.of(0), framesOf(set, 2));
		assertEquals(List.of(0), framesOf(set, 4));
	}

	private static List<Integer> framesOf(PromptSet set, int id) {
		return set.prompts().stream().map(PlacedPrompt::prompt).filter(p -> p.objectId() == id).map(ObjectPrompt::frame).sorted().toList();
	}

	@Test
	void roisOfOneObjectOnOneFrameAreMerged() {
		Roi a = at(new PointRoi(10, 10), 2);
		a.setName("x");
		Roi b = at(new Roi(5, 5, 20, 20), 2);
		b.setName("x");
		ObjectPrompt p = only(RoiPrompts.convert(List.of(a, b), layout, false));
		assertEquals(1, p.points().size());
		assertNotNull(p.box());

		Roi mask = at(new OvalRoi(5, 5, 10, 10), 2);
		mask.setName("x");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(a, mask), layout, false));
		assertTrue(e.getMessage().contains("stands alone"), e.getMessage());

		Roi box2 = at(new Roi(1, 1, 3, 3), 2);
		box2.setName("x");
		e = assertThrows(IllegalArgumentException.class, () -> RoiPrompts.convert(List.of(b, box2), layout, false));
		assertTrue(e.getMessage().contains("Two rectangles"), e.getMessage());
	}

	@Test
	void unsetPositionMeansTheCurrentFrame() {
		timeLapse.setT(4);
		ObjectPrompt p = only(RoiPrompts.convert(List.of(new PointRoi(10, 10)), SequenceLayout.of(timeLapse, TrackAxis.T, 1), false));
		assertEquals(3, p.frame());
	}

	@Test
	void hyperstackPositionsPickFrameAndSequence() {
		ImagePlus image = TestImages.hyperstack("4d", 32, 32, 2, 3, 4);
		SequenceLayout alongT = SequenceLayout.of(image, TrackAxis.AUTO, 2);
		assertEquals(TrackAxis.T, alongT.axis());
		assertEquals(4, alongT.frameCount());
		assertEquals(3, alongT.sequenceCount());

		Roi onZ2T3 = new Roi(1, 1, 5, 5);
		onZ2T3.setPosition(1, 2, 3);
		PlacedPrompt placed = RoiPrompts.convert(List.of(onZ2T3), alongT, false).prompts().get(0);
		assertEquals(1, placed.sequence());
		assertEquals(2, placed.prompt().frame());

		// A plain stack index is converted with the hyperstack's order (c fastest, then z, then t).
		Roi byIndex = at(new Roi(1, 1, 5, 5), image.getStackIndex(2, 3, 4));
		placed = RoiPrompts.convert(List.of(byIndex), alongT, false).prompts().get(0);
		assertEquals(2, placed.sequence());
		assertEquals(3, placed.prompt().frame());

		// Only t given: every z slice is prompted; as the image's selection: the current z.
		Roi onlyT = new Roi(1, 1, 5, 5);
		onlyT.setPosition(0, 0, 2);
		assertEquals(PlacedPrompt.ALL_SEQUENCES, RoiPrompts.convert(List.of(onlyT), alongT, false).prompts().get(0).sequence());
		image.setPosition(1, 3, 1);
		assertEquals(2, RoiPrompts.convert(List.of(onlyT), alongT, true).prompts().get(0).sequence());

		// Along z the roles swap: the frame is z, the sequence t.
		SequenceLayout alongZ = SequenceLayout.of(image, TrackAxis.Z, 1);
		placed = RoiPrompts.convert(List.of(onZ2T3), alongZ, false).prompts().get(0);
		assertEquals(2, placed.sequence());
		assertEquals(1, placed.prompt().frame());
	}

	@Test
	void multiPointRoiUsesEachPointsOwnPosition() {
		ImagePlus image = TestImages.hyperstack("t", 32, 32, 1, 1, 6);
		// ImageJ records the stack position of each click made on a stack.
		image.setT(2);
		PointRoi onFrames = new PointRoi(3, 3, image);
		image.setT(5);
		onFrames.addPoint(image, 4, 4);
		PromptSet set = RoiPrompts.convert(List.of(onFrames), SequenceLayout.of(image, TrackAxis.T, 1), false);
		List<Integer> frames = set.prompts().stream().map(p -> p.prompt().frame()).sorted().toList();
		assertEquals(List.of(1, 4), frames);
	}

	@Test
	void maskOfAComposite() {
		ByteProcessor bp = new ByteProcessor(64, 48);
		bp.setColor(255);
		bp.fill(new OvalRoi(2, 2, 8, 8));
		bp.fill(new OvalRoi(30, 30, 8, 8));
		bp.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		Roi traced = new ThresholdToSelection().convert(bp);
		ObjectPrompt p = only(RoiPrompts.convert(List.of(traced), layout, false));
		int expected = 0;
		for (int i = 0; i < 64 * 48; i++) if (bp.get(i) == 255) expected++;
		assertEquals(expected, p.mask().area());
	}
}
