package io.github.sam2fiji.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which tracked objects a person should look at, and why, from what was measured on each plane (the
 * verification step of SAM 2's data engine, where doubtful masklets go to people to refine): the
 * model was unsure on some frame (low predicted IoU), the mask's area jumped between consecutive
 * frames (a merge, a split, a lost object), the object was shown where the model's object score did
 * not say present (a SAM 1 interface model's held mask: the last mask it found, kept over frames where
 * it found none), another object took a large part of the mask the model gave it (an overlap fight:
 * two masklets claiming one cell, a merge or a swap in the making), the model's mask had a soft
 * boundary (low stability: the mask changes much when the logit threshold moves), the model's object
 * score fell far below its usual value while the object was still shown (SAM 2's presence head
 * losing it: fading, leaving or being taken by a neighbour), the object was seen
 * on only a few frames, or it vanished and came back. Works for clicked and automatic tracking alike.
 */
public final class Doubts {

	/**
	 * @param minIou a predicted IoU below this on any frame is doubtful
	 * @param areaJump an area growing or shrinking by more than this factor from one frame to the next
	 * @param minFrames an object present on fewer frames (in a sequence at least this long)
	 * @param minObjectScore an object shown on a frame where its object score is at most this is
	 *          doubtful (0: the model did not say present there)
	 * @param maxLostShare an object that lost more than this share of the mask the model gave it to
	 *          other objects on a frame is doubtful
	 * @param minStability a stability score below this on any frame the model gave a mask is doubtful
	 * @param minScoreShare an object score (still above {@code minObjectScore}) under this share of the
	 *          object's median score on the frames it was found is a falling score; judged only where the
	 *          score is a presence logit of its own, not the predicted IoU that models without a presence
	 *          head report as their score (the IoU bar judges that)
	 */
	public record Thresholds(double minIou, double areaJump, int minFrames, double minObjectScore, double maxLostShare, double minStability,
		double minScoreShare) {

		public Thresholds {
			if (!(minScoreShare >= 0 && minScoreShare < 1)) throw new IllegalArgumentException("the object score share must be in [0, 1), got " + minScoreShare);
		}

		public static Thresholds defaults() {
			return new Thresholds(0.8, 1.8, 3, 0, 0.25, 0.8, 0.5);
		}
	}

	private Doubts() {}

	/**
	 * Per doubtful object ID, its reasons ("area x2.3 from frame 4 to 5"), frames 1-based along the
	 * tracking axis; objects without doubt are left out.
	 *
	 * @param alongT whether frames are time points (else z slices)
	 */
	public static Map<Integer, List<String>> of(List<ObjectMeasurement> measurements, boolean alongT, Thresholds th) {
		// per object, per sequence (the other axis), area and IoU by frame
		Map<Integer, Map<Integer, TreeMap<Integer, ObjectMeasurement>>> byObject = new TreeMap<>();
		int frameCount = 0;
		for (ObjectMeasurement m : measurements) {
			int frame = alongT ? m.t() : m.z(), sequence = alongT ? m.z() : m.t();
			frameCount = Math.max(frameCount, frame);
			byObject.computeIfAbsent(m.objectId(), k -> new TreeMap<>()).computeIfAbsent(sequence, k -> new TreeMap<>()).put(frame, m);
		}
		Map<Integer, List<String>> doubts = new TreeMap<>();
		for (Map.Entry<Integer, Map<Integer, TreeMap<Integer, ObjectMeasurement>>> object : byObject.entrySet()) {
			List<String> reasons = new ArrayList<>();
			for (TreeMap<Integer, ObjectMeasurement> frames : object.getValue().values()) {
				List<Integer> present = frames.values().stream().filter(m -> m.area() > 0).map(m -> alongT ? m.t() : m.z()).toList();
				if (present.isEmpty()) continue;
				ObjectMeasurement leastSure = frames.values().stream().filter(m -> m.area() > 0).min((a, b) -> Float.compare(a.iou(), b.iou())).orElseThrow();
				if (leastSure.iou() < th.minIou())
					reasons.add(String.format(Locale.ROOT, "predicted IoU %.2f on frame %d", leastSure.iou(), alongT ? leastSure.t() : leastSure.z()));
				ObjectMeasurement leastStable = frames.values().stream().filter(m -> m.area() > 0 && !Float.isNaN(m.stability()))
					.min((a, b) -> Float.compare(a.stability(), b.stability())).orElse(null);
				if (leastStable != null && leastStable.stability() < th.minStability())
					reasons.add(String.format(Locale.ROOT, "stability %.2f on frame %d (a soft mask boundary)", leastStable.stability(), alongT ? leastStable.t() : leastStable.z()));
				List<Integer> unsure = frames.values().stream().filter(m -> m.area() > 0 && m.objectScore() <= th.minObjectScore()).map(m -> alongT ? m.t() : m.z()).toList();
				if (!unsure.isEmpty())
					reasons.add(String.format(Locale.ROOT, "object score %s %.2f on %s (shown, not found by the model there)", th.minObjectScore() == 0 ? "not above" : "at most",
						th.minObjectScore(), framesText(unsure)));
				String falling = fallingScore(frames.values(), alongT, th);
				if (falling != null) reasons.add(falling);
				List<Integer> fought = new ArrayList<>();
				double mostLost = 0;
				for (ObjectMeasurement m : frames.values()) {
					double share = m.lostToOthers() / (double) Math.max(1, m.area() + m.lostToOthers());
					if (m.lostToOthers() > 0 && share > th.maxLostShare()) {
						fought.add(alongT ? m.t() : m.z());
						mostLost = Math.max(mostLost, share);
					}
				}
				if (!fought.isEmpty())
					reasons.add(String.format(Locale.ROOT, "up to %.0f %% of its mask taken by other objects on %s", 100 * mostLost, framesText(fought)));
				double worst = 1;
				int worstFrom = -1;
				for (int i = 1; i < present.size(); i++) {
					if (present.get(i) != present.get(i - 1) + 1) continue;
					double a = frames.get(present.get(i - 1)).area(), b = frames.get(present.get(i)).area();
					double ratio = Math.max(a, b) / Math.min(a, b);
					if (ratio > worst) {
						worst = ratio;
						worstFrom = present.get(i - 1);
					}
				}
				if (worst > th.areaJump()) reasons.add(String.format(Locale.ROOT, "area x%.1f from frame %d to %d", worst, worstFrom, worstFrom + 1));
				if (present.size() < th.minFrames() && frameCount >= th.minFrames())
					reasons.add("present on " + present.size() + " frame" + (present.size() == 1 ? "" : "s") + " only");
				for (int i = 1; i < present.size(); i++)
					if (present.get(i) > present.get(i - 1) + 1)
						reasons.add("gone on " + framesText(java.util.stream.IntStream.range(present.get(i - 1) + 1, present.get(i)).boxed().toList()) + ", then back");
			}
			if (!reasons.isEmpty()) doubts.put(object.getKey(), reasons);
		}
		return doubts;
	}

	/**
	 * "object score down to 1.20 on frames 6 to 7 (under 50 % of its median 9.80: fading, leaving or
	 * being lost)" where the model's own
	 * presence score fell far below its usual value on frames it still found the object; null otherwise.
	 */
	private static String fallingScore(java.util.Collection<ObjectMeasurement> frames, boolean alongT, Thresholds th) {
		// found by the model, with a presence score that is not the predicted IoU (SAM 1 interface models report that)
		List<ObjectMeasurement> found = frames.stream().filter(m -> m.area() > 0 && m.objectScore() > th.minObjectScore() && m.objectScore() != m.iou()).toList();
		if (found.size() < 2) return null;
		float[] scores = new float[found.size()];
		for (int i = 0; i < scores.length; i++) scores[i] = found.get(i).objectScore();
		java.util.Arrays.sort(scores);
		double median = scores.length % 2 == 1 ? scores[scores.length / 2] : (scores[scores.length / 2 - 1] + scores[scores.length / 2]) / 2.0;
		double bar = th.minScoreShare() * median;
		List<ObjectMeasurement> low = found.stream().filter(m -> m.objectScore() < bar).toList();
		if (low.isEmpty()) return null;
		float lowest = low.stream().map(ObjectMeasurement::objectScore).min(Float::compare).orElseThrow();
		return String.format(Locale.ROOT, "object score down to %.2f on %s (under %.0f %% of its median %.2f: fading, leaving or being lost)", lowest,
			framesText(low.stream().map(m -> alongT ? m.t() : m.z()).toList()), 100 * th.minScoreShare(), median);
	}

	/** "frame 4", "frames 4 to 6", "frames 4 to 6, 9": ascending frame numbers as runs. */
	static String framesText(List<Integer> frames) {
		List<String> runs = new ArrayList<>();
		for (int i = 0; i < frames.size();) {
			int j = i;
			while (j + 1 < frames.size() && frames.get(j + 1) == frames.get(j) + 1) j++;
			runs.add(j == i ? String.valueOf(frames.get(i)) : frames.get(i) + " to " + frames.get(j));
			i = j + 1;
		}
		return (frames.size() == 1 ? "frame " : "frames ") + String.join(", ", runs);
	}
}
