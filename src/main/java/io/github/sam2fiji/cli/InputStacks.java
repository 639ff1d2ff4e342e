package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.TiffDecoder;

/**
 * Opens input stacks for the command line without loading their pixels: TIFFs as virtual stacks
 * (planes read when tracking needs them), after checking that the file holds every plane its
 * header promises (a half-copied file is refused, not tracked as a shorter stack), and that the
 * label image the run will hold fits the Java heap. All of this before a model is loaded.
 */
final class InputStacks {

	private static final Pattern IMAGES = Pattern.compile("(?m)^images=(\\d+)");

	private InputStacks() {}

	static ImagePlus open(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
		if (!Files.isReadable(file)) throw new IllegalArgumentException(file + ": cannot be read (permissions)");
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		ImagePlus image;
		if (name.endsWith(".tif") || name.endsWith(".tiff")) {
			long[] size = checkComplete(file);
			checkLabelsFit(size[0], size[1], size[2], file);
			image = IJ.openVirtual(file.toString());
		}
		else image = IJ.openImage(file.toString());
		if (image == null) throw new IllegalArgumentException(file + ": cannot be read as an image");
		return image;
	}

	/**
	 * Checks that the planes the header promises are all in the file (uncompressed TIFFs, as ImageJ
	 * writes them); returns {width, height, planes} from the header.
	 */
	static long[] checkComplete(Path file) throws IOException {
		FileInfo[] info;
		try {
			Path dir = file.toAbsolutePath().getParent();
			info = new TiffDecoder(dir.toString() + java.io.File.separator, file.getFileName().toString()).getTiffInfo();
		}
		catch (IOException | RuntimeException e) {
			throw new IllegalArgumentException(file + ": not a readable TIFF (" + e.getMessage() + ")");
		}
		if (info == null || info.length == 0) throw new IllegalArgumentException(file + ": not a readable TIFF (no image in it)");
		long length = Files.size(file);
		long planes = 0;
		for (FileInfo fi : info) {
			long plane = (long) fi.width * fi.height * fi.getBytesPerPixel();
			if (fi.width <= 0 || fi.height <= 0) throw new IllegalArgumentException(file + ": the TIFF declares an image of " + fi.width + " x " + fi.height + " pixels");
			if ((long) fi.width * fi.height > Integer.MAX_VALUE)
				throw new IllegalArgumentException(file + ": planes of " + fi.width + " x " + fi.height + " pixels are larger than ImageJ can hold (2^31 pixels); crop or tile the image");
			int n = Math.max(1, fi.nImages);
			planes += n;
			if (fi.compression == FileInfo.COMPRESSION_NONE && fi.getOffset() + n * (plane + Math.max(0, fi.getGap())) - Math.max(0, fi.getGap()) > length) {
				long held = Math.max(0, (length - fi.getOffset() + Math.max(0, fi.getGap())) / (plane + Math.max(0, fi.getGap())));
				throw new IllegalArgumentException(file + ": truncated: the header declares " + n + " planes of " + fi.width + " x " + fi.height
					+ ", the file holds " + held + " (a half-copied file? copy it again)");
			}
		}
		String description = info[0].description;
		if (description != null) {
			Matcher m = IMAGES.matcher(description);
			if (m.find() && Long.parseLong(m.group(1)) > planes)
				throw new IllegalArgumentException(file + ": truncated: ImageJ's header declares " + m.group(1) + " images, the file holds " + planes
					+ " (a half-copied file? copy it again)");
		}
		return new long[] { info[0].width, info[0].height, planes };
	}

	/**
	 * Refuses an image whose 16-bit label image (one channel, every z and t) would not fit the Java
	 * heap that is left; says how much it needs.
	 */
	static void checkLabelsFit(ImagePlus image, Path file) {
		checkLabelsFit(image.getWidth(), image.getHeight(), (long) image.getNSlices() * image.getNFrames(), file);
	}

	private static void checkLabelsFit(long width, long height, long planes, Path file) {
		long bytes = 2L * width * height * planes;
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		// the labels plus working room for a frame's masks and the model's tensors
		if (bytes > free * 0.7)
			throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: %d x %d x %d planes needs %.1f GB for its label image, Java has %.1f GB free: "
				+ "give Java more memory (-Xmx) or crop the image", file, width, height, planes, bytes / 1e9, free / 1e9));
	}

	/**
	 * One position of a hyperstack: the z slice {@code position} of every time point when tracking
	 * along t, else the time point {@code position} of every z slice; all channels. Only those planes
	 * are read (the input is a virtual stack).
	 */
	static ImagePlus position(ImagePlus image, boolean alongT, int position) {
		int c = image.getNChannels(), z = image.getNSlices(), t = image.getNFrames();
		ImagePlus one = alongT ? new ij.plugin.Duplicator().run(image, 1, c, position, position, 1, t) : new ij.plugin.Duplicator().run(image, 1, c, 1, z, position, position);
		one.setTitle(image.getTitle());
		return one;
	}
}
