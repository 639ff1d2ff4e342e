package io.github.sam2fiji.testing;

import java.util.HashMap;
import java.util.Map;

import ij.ImagePlus;
import io.github.sam2fiji.core.image.BinaryMask;

/** What a 16-bit label stack (one plane per frame) holds where a test's generated cells are. */
public final class LabelStacks {

	private LabelStacks() {}

	/** Whether {@code label} is on frame {@code t} (0-based) anywhere. */
	public static boolean contains(ImagePlus labels, int t, int label) {
		for (short p : (short[]) labels.getStack().getProcessor(t + 1).getPixels())
			if ((p & 0xffff) == label) return true;
		return false;
	}

	/** The label covering more than {@code share} of the region's pixels on frame {@code t} (0-based), 0 if none does. */
	public static int covering(ImagePlus labels, int t, BinaryMask region, double share) {
		short[] pixels = (short[]) labels.getStack().getProcessor(t + 1).getPixels();
		byte[] inside = region.toBytes();
		Map<Integer, Integer> votes = new HashMap<>();
		for (int i = 0; i < inside.length; i++) if (inside[i] != 0 && pixels[i] != 0) votes.merge(pixels[i] & 0xffff, 1, Integer::sum);
		long area = region.area();
		return votes.entrySet().stream().filter(e -> e.getValue() > share * area).map(Map.Entry::getKey).findFirst().orElse(0);
	}
}
