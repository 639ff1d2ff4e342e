package io.github.sam2fiji.ij;

import java.nio.file.Path;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.script.PromptScript;

/** Mask files of prompt scripts read by ImageJ (any format it opens: TIFF, PNG, ...). */
public final class ImageMaskFiles implements PromptScript.MaskFiles {

	@Override
	public BinaryMask read(Path file, Integer label) {
		ImagePlus image = IJ.openImage(file.toString());
		if (image == null) throw new IllegalArgumentException(file + ": cannot be read as an image");
		if (image.getStackSize() != 1) throw new IllegalArgumentException(file + ": a mask file must have one plane, it has " + image.getStackSize());
		ImageProcessor ip = image.getProcessor();
		byte[] bits = new byte[ip.getPixelCount()];
		for (int i = 0; i < bits.length; i++) {
			float v = ip.getf(i);
			bits[i] = (byte) (label == null ? (v != 0 ? 1 : 0) : (v == label ? 1 : 0));
		}
		return BinaryMask.of(image.getWidth(), image.getHeight(), bits);
	}
}
