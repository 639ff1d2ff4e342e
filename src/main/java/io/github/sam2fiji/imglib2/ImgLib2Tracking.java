package io.github.sam2fiji.imglib2;

import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedShortType;

import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.core.track.SequenceTracking;

/**
 * Tracking for ImgLib2 images (scripts in Fiji, other ImgLib2 hosts): a sequence (x, y, frame) in,
 * a 16-bit label image of the same size out, through the core use case ({@link SequenceTracking})
 * with {@link RaiFrameSource} reading planes lazily and {@link LabelImgWriter} painting them.
 */
public final class ImgLib2Tracking {

	private ImgLib2Tracking() {}

	/**
	 * Propagates the prompted objects through {@code frames} (x, y, frame; frame is time unless
	 * {@code volume}) and returns their labels (x, y, frame).
	 */
	public static <T extends RealType<T>> Img<UnsignedShortType> track(Tracker tracker, RandomAccessibleInterval<T> frames, boolean volume, List<ObjectPrompt> prompts,
		Direction direction, ProgressListener progress, CancellationToken cancel) {
		RaiFrameSource<T> source = new RaiFrameSource<>(frames, volume);
		Img<UnsignedShortType> labels = ArrayImgs.unsignedShorts(source.width(), source.height(), source.frameCount());
		LabelImgWriter writer = new LabelImgWriter(labels);
		SequenceTracking.track(tracker, List.of(new SequenceTracking.Sequence(0, source, prompts)), direction, (sequence, result) -> writer.write(result), progress, cancel);
		return labels;
	}

	/** Replays a prompt script on {@code frames}; each frame's labels are the last result a call showed there. */
	public static <T extends RealType<T>> Img<UnsignedShortType> replay(Tracker tracker, RandomAccessibleInterval<T> frames, boolean volume, PromptScript script,
		ProgressListener progress, CancellationToken cancel) {
		RaiFrameSource<T> source = new RaiFrameSource<>(frames, volume);
		Img<UnsignedShortType> labels = ArrayImgs.unsignedShorts(source.width(), source.height(), source.frameCount());
		LabelImgWriter writer = new LabelImgWriter(labels);
		// a removed object leaves every frame it was on, as the user saw it go
		SequenceTracking.replay(tracker, source, script, SequenceTracking.rewriting(source.width(), source.height(), (sequence, result) -> writer.write(result)), progress,
			cancel);
		return labels;
	}
}
