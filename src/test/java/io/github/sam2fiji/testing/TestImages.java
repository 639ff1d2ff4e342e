package io.github.sam2fiji.testing;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

/** Generated test images: bright discs on a dark, noisy background; and pixel checksums. */
public final class TestImages {

	private TestImages() {}

	/**
	 * A 16-bit hyperstack (c channels, z slices, t time points) of w x h; each plane holds a disc
	 * whose brightness encodes its (c, z, t) so tests can tell planes apart: value at the disc
	 * centre = 1000 * c + 100 * z + t. Calibrated 0.5 x 0.5 mm, 2 s per frame.
	 */
	public static ImagePlus hyperstack(String title, int w, int h, int c, int z, int t) {
		ImageStack stack = new ImageStack(w, h);
		java.util.Random random = new java.util.Random(42);
		for (int tt = 1; tt <= t; tt++)
			for (int zz = 1; zz <= z; zz++)
				for (int cc = 1; cc <= c; cc++) {
					ShortProcessor ip = new ShortProcessor(w, h);
					int cx = w / 3 + tt, cy = h / 2;
					for (int y = 0; y < h; y++)
						for (int x = 0; x < w; x++) {
							double d = Math.hypot(x - cx, y - cy);
							int v = d <= 6 ? 1000 * cc + 100 * zz + tt : 10 + random.nextInt(5);
							ip.set(x, y, v);
						}
					stack.addSlice(ip);
				}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(c, z, t);
		if ((c > 1 ? 1 : 0) + (z > 1 ? 1 : 0) + (t > 1 ? 1 : 0) > 1) imp.setOpenAsHyperStack(true);
		Calibration cal = new Calibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.5;
		cal.setUnit("mm");
		cal.frameInterval = 2;
		imp.setCalibration(cal);
		return imp;
	}

	/** A filled disc on one frame: its box's corner, its diameter and its grey value. */
	public record Disc(int x, int y, int diameter, int value) {}

	/**
	 * An 8-bit time-lapse of {@code frames} frames: noise 12-17 from {@code seed}, then each frame's
	 * discs filled in order (later ones over earlier ones). The cells of the automatic mode's tests.
	 */
	public static ImagePlus discMovie(String title, int w, int h, int frames, long seed, IntFunction<List<Disc>> discsOnFrame) {
		ImageStack stack = new ImageStack(w, h);
		Random noise = new Random(seed);
		for (int t = 0; t < frames; t++) {
			ByteProcessor ip = new ByteProcessor(w, h);
			for (int i = 0; i < w * h; i++) ip.set(i, 12 + noise.nextInt(6));
			for (Disc d : discsOnFrame.apply(t)) {
				ip.setValue(d.value());
				ip.fill(new OvalRoi(d.x(), d.y(), d.diameter(), d.diameter()));
			}
			stack.addSlice(ip);
		}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(1, 1, frames);
		return imp;
	}

	/** The pixels of an ellipse with bounding box (x, y, width, height) on a w x h frame, as ImageJ fills an OvalRoi: the truth of a generated cell. */
	public static io.github.sam2fiji.core.image.BinaryMask oval(int w, int h, int x, int y, int width, int height) {
		ByteProcessor ip = new ByteProcessor(w, h);
		ip.setValue(1);
		ip.fill(new OvalRoi(x, y, width, height));
		return io.github.sam2fiji.core.image.BinaryMask.of(w, h, (byte[]) ip.getPixels());
	}

	/** sha256 over every plane's pixels, to show an image was not modified. */
	public static String checksum(ImagePlus imp) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			ImageStack stack = imp.getStack();
			for (int i = 1; i <= stack.getSize(); i++) {
				Object pixels = stack.getPixels(i);
				if (pixels instanceof short[] s) for (short v : s) digest.update(new byte[] { (byte) (v >> 8), (byte) v });
				else if (pixels instanceof byte[] b) digest.update(b);
				else if (pixels instanceof float[] f) for (float v : f) digest.update(Float.toString(v).getBytes());
				else if (pixels instanceof int[] r) for (int v : r) digest.update(new byte[] { (byte) (v >> 16), (byte) (v >> 8), (byte) v });
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
