package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * Verification by tracking back, one of the doubt signals of SAM 2's data engine: every object is
 * prompted with its mask on the last frame it is on and tracked in reverse with the same model; where
 * the masks tracked back and forward disagree (IoU under a bar, or one of them absent) on frames of
 * its span, the masklet is doubtful there: a swap, a merge, a drift or a lost object the forward run
 * did not notice. One propagation over the sequence for all objects together.
 */
public final class ReverseCheck {

	/**
	 * Frames where an object's forward and backward masks disagree.
	 *
	 * @param lastFrame the frame it was prompted on for the backward run (0-based)
	 * @param frames the frames (0-based, ascending) where they disagree
	 * @param lowestIou the lowest IoU of the two masks on those frames (0 where one was absent)
	 */
	public record Disagreement(int lastFrame, List<Integer> frames, double lowestIou) {}

	/** Masks tracked back and forward with a lower IoU disagree. */
	public static final double MIN_IOU = 0.5;

	private ReverseCheck() {}

	/**
	 * The objects of {@code results} whose masks tracked back from their last frame disagree with
	 * the forward ones (IoU under {@code minIou}) on some frame of their span; objects on one frame
	 * only have nothing to compare and are left out.
	 */
	static Map<Integer, Disagreement> of(Tracker tracker, FrameEncodings<?> encodings, List<FrameResult> results, double minIou, CancellationToken cancel) {
		// each object's span and its mask on the last frame of it
		Map<Integer, int[]> spans = new TreeMap<>();
		Map<Integer, BinaryMask> lastMasks = new TreeMap<>();
		for (int f = 0; f < results.size(); f++)
			for (ObjectResult o : results.get(f).objects()) {
				if (!o.present() || o.mask().isEmpty()) continue;
				spans.computeIfAbsent(o.objectId(), k -> new int[] { o.frame(), o.frame() })[1] = o.frame();
				lastMasks.put(o.objectId(), o.mask());
			}
		spans.values().removeIf(s -> s[0] == s[1]);
		if (spans.isEmpty()) return Map.of();
		Map<Integer, List<Integer>> frames = new TreeMap<>();
		Map<Integer, Double> lowest = new TreeMap<>();
		try (TrackingSession session = tracker.newSession(encodings, SessionOptions.interactive().withImageCache(0))) {
			for (var e : spans.entrySet()) session.addPrompt(ObjectPrompt.mask(e.getKey(), e.getValue()[1], lastMasks.get(e.getKey())));
			session.propagate(Direction.BACKWARD, back -> {
				int f = back.frame();
				Map<Integer, BinaryMask> forward = masksOf(results.get(f));
				Map<Integer, BinaryMask> backward = masksOf(back);
				for (var e : spans.entrySet()) {
					int id = e.getKey();
					if (f < e.getValue()[0] || f >= e.getValue()[1]) continue;
					BinaryMask a = forward.get(id), b = backward.get(id);
					if (a == null && b == null) continue;
					double iou = a == null || b == null ? 0 : a.iou(b);
					if (iou >= minIou) continue;
					frames.computeIfAbsent(id, k -> new ArrayList<>()).add(f);
					lowest.merge(id, iou, Math::min);
				}
			}, ProgressListener.NONE, cancel);
		}
		Map<Integer, Disagreement> out = new TreeMap<>();
		for (var e : frames.entrySet()) {
			List<Integer> sorted = new ArrayList<>(e.getValue());
			sorted.sort(null);
			out.put(e.getKey(), new Disagreement(spans.get(e.getKey())[1], List.copyOf(sorted), lowest.get(e.getKey())));
		}
		return out;
	}

	/** The present objects' masks of a frame, by ID. */
	private static Map<Integer, BinaryMask> masksOf(FrameResult r) {
		Map<Integer, BinaryMask> masks = new TreeMap<>();
		for (ObjectResult o : r.objects()) if (o.present() && !o.mask().isEmpty()) masks.put(o.objectId(), o.mask());
		return masks;
	}
}
