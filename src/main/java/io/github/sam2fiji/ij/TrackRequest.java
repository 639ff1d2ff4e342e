package io.github.sam2fiji.ij;

import java.util.List;

import ij.ImagePlus;
import ij.gui.Roi;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.script.PromptScript;

/**
 * What the user asked for, as collected by a command, an ImageJ 1 dialog/macro or the CLI.
 *
 * @param image the input (never modified)
 * @param axis propagation axis
 * @param channel 1-based channel the model sees
 * @param direction propagation direction (ignored when segmenting one frame)
 * @param labelImage a label image giving one mask prompt per label, or null to use {@code rois}
 * @param rois prompt ROIs (ignored with a label image)
 * @param roisAreImageSelection true when {@code rois} is the image's own selection
 * @param segmentOnly segment the image's current plane only, no propagation
 * @param script a prompt script to replay instead of ROIs or a label image (tracking only), or null
 */
public record TrackRequest(ImagePlus image, TrackAxis axis, int channel, Direction direction, ImagePlus labelImage, List<Roi> rois, boolean roisAreImageSelection,
	boolean segmentOnly, PromptScript script) {

	public TrackRequest {
		rois = rois == null ? List.of() : List.copyOf(rois);
		if (script != null && segmentOnly) throw new IllegalArgumentException("A prompt script is replayed by SAM 2 Track, not by SAM 2 Segment");
	}

	/** The layout this request implies (checks axis and channel). */
	public SequenceLayout layout() {
		return SequenceLayout.of(image, axis, channel);
	}

	/** The prompts: from the label image when there is one, else from the ROIs. */
	public PromptSet prompts(SequenceLayout layout) {
		int[] current = layout.currentFrameAndSequence();
		if (labelImage != null) {
			int sequence = layout.sequenceCount() == 1 ? 0 : current[1];
			return LabelImagePrompts.convert(labelImage, layout, current[0], sequence);
		}
		return RoiPrompts.convert(rois, layout, roisAreImageSelection);
	}
}
