package io.github.sam2fiji.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ij.ImagePlus;
import io.github.sam2fiji.core.auto.AutoTracking;
import io.github.sam2fiji.core.auto.ReverseCheck;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.core.track.SequenceTracking;

/**
 * Tracks prompted objects through a hyperstack with any {@link Tracker}: the ImageJ adapter of
 * {@link SequenceTracking} (one tracking session per sequence that has prompts, per z slice for
 * 3-D + t along t), results written into a new label image as they arrive. The input is only read. On cancel a {@link
 * io.github.sam2fiji.core.progress.CancelledException} leaves this method and the partly written
 * label image is dropped, never returned.
 */
public final class HyperstackTracking {

	private HyperstackTracking() {}

	/**
	 * The finished output.
	 *
	 * @param labels the label image (not shown)
	 * @param measurements every object on every written plane
	 * @param prompts the prompts that were used, with object names
	 * @param axis the axis objects were tracked along (frames for the doubt signals)
	 * @param parents divisions: a daughter's object ID to its mother's (automatic tracking finds them)
	 * @param checks doubts found by verification runs (automatic tracking's reverse check), by object
	 *          ID, added to those of the measurements
	 */
	public record Result(ImagePlus labels, List<ObjectMeasurement> measurements, PromptSet prompts, TrackAxis axis, Map<Integer, Integer> parents,
		Map<Integer, List<String>> checks) {

		public Result {
			parents = Map.copyOf(parents);
			checks = Map.copyOf(checks);
		}

		/** A result without verification runs. */
		public Result(ImagePlus labels, List<ObjectMeasurement> measurements, PromptSet prompts, TrackAxis axis, Map<Integer, Integer> parents) {
			this(labels, measurements, prompts, axis, parents, Map.of());
		}

		/** A result without divisions. */
		public Result(ImagePlus labels, List<ObjectMeasurement> measurements, PromptSet prompts, TrackAxis axis) {
			this(labels, measurements, prompts, axis, Map.of());
		}

		/** A result tracked along t. */
		public Result(ImagePlus labels, List<ObjectMeasurement> measurements, PromptSet prompts) {
			this(labels, measurements, prompts, TrackAxis.T);
		}

		/** The objects a person should look at, with the reasons ({@link Doubts}, then the checks'). */
		public Map<Integer, List<String>> doubts() {
			Map<Integer, List<String>> doubts = new java.util.TreeMap<>(Doubts.of(measurements, axis != TrackAxis.Z, Doubts.Thresholds.defaults()));
			checks.forEach((id, reasons) -> doubts.merge(id, reasons, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
			return doubts;
		}
	}

	/** Propagates every object along the layout's axis, each sequence in turn ({@link SequenceTracking#track}). */
	public static Result track(Tracker tracker, SequenceLayout layout, PromptSet prompts, Direction direction, ProgressListener progress, CancellationToken cancel) {
		List<SequenceTracking.Sequence> sequences = new ArrayList<>();
		for (int s : sequencesWithPrompts(layout, prompts)) sequences.add(new SequenceTracking.Sequence(s, layout.source(s), prompts.forSequence(s)));
		LabelImageWriter writer = LabelImageWriter.like(layout.image());
		SequenceTracking.track(tracker, sequences, direction, (sequence, result) -> {
			int[] zt = zt(layout, sequence, result.frame());
			writer.write(zt[0], zt[1], result);
		}, (done, total, message) -> progress.progress(done, total, layout.sequenceCount() > 1 ? message.replace("sequence ", layout.otherAxisLabel() + " ") : message), cancel);
		return new Result(writer.image(), writer.measurements(), prompts, layout.axis());
	}

	/**
	 * Tracking without clicks ({@link AutoTracking}), each sequence in turn: the given prompts (may be
	 * none) seed objects, the rest is found. The prompt set of the result names every object, seeds
	 * with their names, found ones "object N".
	 */
	public static Result autoTrack(Tracker tracker, SequenceLayout layout, PromptSet seeds, AutoTracking.Settings settings, ProgressListener progress,
		CancellationToken cancel) {
		LabelImageWriter writer = LabelImageWriter.like(layout.image());
		List<PlacedPrompt> all = new ArrayList<>();
		Map<Integer, Integer> parents = new java.util.TreeMap<>();
		Map<Integer, List<String>> checks = new java.util.TreeMap<>();
		for (int s = 0; s < layout.sequenceCount(); s++) {
			int sequence = s;
			String where = layout.sequenceCount() > 1 ? layout.otherAxisLabel() + " " + (s + 1) + ": " : "";
			AutoTracking.Result found = AutoTracking.track(tracker, layout.source(s), seeds.forSequence(s), settings, r -> {
				int[] zt = zt(layout, sequence, r.frame());
				writer.write(zt[0], zt[1], r);
			}, (done, total, message) -> progress.progress(done, total, where + message), cancel);
			for (io.github.sam2fiji.core.prompt.ObjectPrompt p : found.prompts()) all.add(new PlacedPrompt(s, p));
			parents.putAll(found.parents());
			found.disagreements().forEach((id, d) -> checks.computeIfAbsent(id, k -> new ArrayList<>()).add(where + reverseCheckText(d)));
		}
		java.util.SortedMap<Integer, String> names = new java.util.TreeMap<>(seeds.names());
		for (PlacedPrompt p : all) names.putIfAbsent(p.prompt().objectId(), "object " + p.prompt().objectId());
		return new Result(writer.image(), writer.measurements(), new PromptSet(all, names), layout.axis(), parents, checks);
	}

	/** "tracked back from frame 40, it differs on frames 12 to 15 (IoU down to 0.21)", frames 1-based along the axis. */
	static String reverseCheckText(ReverseCheck.Disagreement d) {
		return String.format(java.util.Locale.ROOT, "tracked back from frame %d, it differs on %s (IoU down to %.2f)", d.lastFrame() + 1,
			Doubts.framesText(d.frames().stream().map(f -> f + 1).toList()), d.lowestIou());
	}

	/**
	 * Replays a prompt script on a single-sequence layout ({@link SequenceTracking#replay}): each plane
	 * ends with the last result of its frame (what the user saw at the end of the session); planes no
	 * call showed stay empty.
	 */
	public static Result replay(Tracker tracker, SequenceLayout layout, PromptScript script, ProgressListener progress, CancellationToken cancel) {
		if (layout.sequenceCount() != 1)
			throw new IllegalArgumentException("A prompt script describes one sequence; this image has " + layout.sequenceCount() + " along " + layout.otherAxisLabel());
		LabelImageWriter writer = LabelImageWriter.like(layout.image());
		SequenceTracking.replay(tracker, layout.source(0), script, replaySink(layout, writer), progress, cancel);
		List<PlacedPrompt> prompts = new ArrayList<>();
		for (PromptScript.Step s : script.steps())
			if (s instanceof PromptScript.Add a) prompts.add(new PlacedPrompt(0, a.prompt()));
		return new Result(writer.image(), writer.measurements(), PromptSet.of(prompts), layout.axis());
	}

	/**
	 * Segments one frame of one sequence from the prompts on it alone (image mode, no memory);
	 * the result is a single-plane label image.
	 */
	public static Result segment(Tracker tracker, SequenceLayout layout, PromptSet prompts, int frame, int sequence, CancellationToken cancel) {
		List<ObjectPrompt> onFrame = prompts.forSequence(sequence).stream().filter(p -> p.frame() == frame).toList();
		if (onFrame.isEmpty())
			throw new IllegalArgumentException("No prompt on the current " + layout.axis().label() + " position (" + (frame + 1) + "): draw ROIs on it, or set the ROIs' positions to it");
		ImagePlus image = layout.image();
		LabelImageWriter writer = new LabelImageWriter(LabelImageWriter.uniqueLabelTitle(image.getTitle()), image.getWidth(), image.getHeight(), 1, 1, image.getCalibration());
		writer.write(1, 1, SequenceTracking.segment(tracker, layout.source(sequence), onFrame, frame, cancel));
		// one plane of labels, measured as the input's plane it segments (Results, ROIs and overlay say the real slice and frame)
		int[] zt = zt(layout, sequence, frame);
		return new Result(writer.image(), writer.measurements().stream().map(m -> m.onPlane(zt[0], zt[1])).toList(), prompts);
	}

	/**
	 * Writes a replayed session's frames into {@code writer}: each frame's latest result, and a
	 * removed object taken off every frame (those frames painted again from what they show).
	 */
	static SequenceTracking.ReplaySink replaySink(SequenceLayout layout, LabelImageWriter writer) {
		return SequenceTracking.rewriting(layout.width(), layout.height(), (sequence, result) -> {
			int[] zt = zt(layout, sequence, result.frame());
			writer.write(zt[0], zt[1], result);
		});
	}


	private static List<Integer> sequencesWithPrompts(SequenceLayout layout, PromptSet prompts) {
		if (prompts.isEmpty())
			throw new IllegalArgumentException("No prompts: draw point, rectangle or area ROIs on the image (or add them to the ROI Manager), or give a label image");
		List<Integer> sequences = new ArrayList<>();
		for (int s = 0; s < layout.sequenceCount(); s++)
			if (!prompts.forSequence(s).isEmpty()) sequences.add(s);
		return sequences;
	}

	/** 1-based (z, t) of a frame of a sequence. */
	public static int[] zt(SequenceLayout layout, int sequence, int frame) {
		return layout.axis() == TrackAxis.T ? new int[] { sequence + 1, frame + 1 } : new int[] { frame + 1, sequence + 1 };
	}
}
