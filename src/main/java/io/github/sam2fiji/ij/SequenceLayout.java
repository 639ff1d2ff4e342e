package io.github.sam2fiji.ij;

import ij.ImagePlus;

/**
 * How a hyperstack (C, Z, T) is cut into sequences for tracking: one channel, a propagation axis
 * (z or t), and one sequence per position on the other axis (for 3-D + t tracked along t: one
 * sequence per z slice, each propagated through time in turn).
 *
 * @param image the input image (never modified)
 * @param channel 1-based channel whose pixels the model sees
 * @param axis {@link TrackAxis#Z} or {@link TrackAxis#T}, never AUTO
 * @param frameCount positions along the propagation axis
 * @param sequenceCount positions along the other axis (1 for 2-D + t and for 3-D)
 */
public record SequenceLayout(ImagePlus image, int channel, TrackAxis axis, int frameCount, int sequenceCount) {

	public SequenceLayout {
		if (axis == TrackAxis.AUTO) throw new IllegalArgumentException("Resolve the axis first");
	}

	/**
	 * Resolves {@code axis} against the image's dimensions and checks the channel; the messages
	 * say what is wrong and what to choose instead.
	 */
	public static SequenceLayout of(ImagePlus image, TrackAxis axis, int channel) {
		if (image == null) throw new IllegalArgumentException("No image: open an image first");
		int c = image.getNChannels(), z = image.getNSlices(), t = image.getNFrames();
		if (channel < 1 || channel > c)
			throw new IllegalArgumentException("Channel " + channel + " does not exist: " + image.getTitle() + " has " + (c == 1 ? "1 channel" : "channels 1 to " + c));
		if (image.getBitDepth() == 24 && c > 1)
			throw new IllegalArgumentException(image.getTitle() + " is an RGB image with " + c + " channels, which is not supported: convert it to a composite or single-channel image");
		TrackAxis resolved = axis;
		if (axis == TrackAxis.AUTO) resolved = t > 1 ? TrackAxis.T : TrackAxis.Z;
		if (resolved == TrackAxis.T && t == 1 && z > 1)
			throw new IllegalArgumentException(image.getTitle() + " has 1 time point and " + z + " z slices: use axis=z to propagate through the slices (or Image > Properties to make them time points)");
		if (resolved == TrackAxis.Z && z == 1 && t > 1)
			throw new IllegalArgumentException(image.getTitle() + " has 1 z slice and " + t + " time points: use axis=t to propagate through time");
		int frames = resolved == TrackAxis.T ? t : z;
		int sequences = resolved == TrackAxis.T ? z : t;
		return new SequenceLayout(image, channel, resolved, frames, sequences);
	}

	/**
	 * What axis=auto chose when the choice may not be what the user meant, else null: a stack of z
	 * slices and one time point (File > Import > Image Sequence opens a time-lapse so) is tracked
	 * through z, which the log must say before the run.
	 */
	public String autoAxisNote(TrackAxis requested) {
		if (requested != TrackAxis.AUTO || axis != TrackAxis.Z || frameCount < 2 || image.getNFrames() > 1) return null;
		return "tracking through z: " + image.getTitle() + " has " + frameCount + " z slices and 1 time point (if the slices are time points, "
			+ "make them frames with Image > Properties, or use axis=t after that)";
	}

	public int width() {
		return image.getWidth();
	}

	public int height() {
		return image.getHeight();
	}

	/** 1-based ImageJ stack index of {@code frame} (0-based) in {@code sequence} (0-based). */
	public int stackIndex(int sequence, int frame) {
		int z = axis == TrackAxis.Z ? frame + 1 : sequence + 1;
		int t = axis == TrackAxis.T ? frame + 1 : sequence + 1;
		return image.getStackIndex(channel, z, t);
	}

	/** The frames of one sequence, read lazily from the image's stack. */
	public ImagePlusFrameSource source(int sequence) {
		if (sequence < 0 || sequence >= sequenceCount)
			throw new IndexOutOfBoundsException("Sequence " + sequence + " outside 0 to " + (sequenceCount - 1));
		return new ImagePlusFrameSource(this, sequence);
	}

	/** The other axis' name, "z" or "t", for messages and table columns. */
	public String otherAxisLabel() {
		return axis == TrackAxis.T ? "z" : "t";
	}

	/** 0-based (frame, sequence) of a 1-based hyperstack position; a 0 coordinate stays -1 (unset). */
	public int[] frameAndSequence(int z, int t) {
		int frame = (axis == TrackAxis.Z ? z : t) - 1;
		int sequence = (axis == TrackAxis.Z ? t : z) - 1;
		return new int[] { frame, sequence };
	}

	/** The image's current (frame, sequence), 0-based. */
	public int[] currentFrameAndSequence() {
		return frameAndSequence(image.getSlice(), image.getFrame());
	}
}
