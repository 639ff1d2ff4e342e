package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * A model's answers to grid clicks, remembered per frame: a click's candidates depend only on the
 * frame and the click, so when a frame is searched again (the tracked objects' coverage changed after
 * a round) only the clicks not decoded before go to the model. Exact: what it returns is what the
 * model returned for those clicks. Masks are kept as run lengths within a byte budget; beyond it
 * the least recently searched frames are forgotten (and decoded again if searched again).
 * <p>
 * Serves one pair of bars (predicted IoU, stability), the run's; calls with other bars, or without
 * bars, go to the model.
 */
final class RememberedClicks implements ClickCandidates {

	private record Remembered(PointPrompt click, int[] runs, float predictedIou, float stability, float objectScore) {}

	private final ClickCandidates model;
	private final int width, height;
	private final double minPredictedIou, minStability;
	private final long budgetBytes;
	/** Per frame, per click decoded, its candidates passing the bars (often none); least recently searched frame first. */
	private final LinkedHashMap<Integer, Map<PointPrompt, List<Remembered>>> frames = new LinkedHashMap<>(16, 0.75f, true);
	private final Map<Integer, Long> frameBytes = new HashMap<>();
	private long bytes;
	private long decoded;

	RememberedClicks(ClickCandidates model, int width, int height, double minPredictedIou, double minStability, long budgetBytes) {
		this.model = model;
		this.width = width;
		this.height = height;
		this.minPredictedIou = minPredictedIou;
		this.minStability = minStability;
		this.budgetBytes = budgetBytes;
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, CancellationToken cancel) {
		decoded += clicks.size();
		return model.candidates(frame, clicks, cancel);
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, double minIou, double minStab, CancellationToken cancel) {
		if (minIou != minPredictedIou || minStab != minStability) {
			decoded += clicks.size();
			return model.candidates(frame, clicks, minIou, minStab, cancel);
		}
		Map<PointPrompt, List<Remembered>> known = frames.computeIfAbsent(frame, f -> new HashMap<>());
		List<PointPrompt> fresh = clicks.stream().filter(c -> !known.containsKey(c)).distinct().toList();
		if (!fresh.isEmpty()) {
			decoded += fresh.size();
			Map<PointPrompt, List<Remembered>> answers = new LinkedHashMap<>();
			for (PointPrompt c : fresh) answers.put(c, new ArrayList<>());
			for (Candidate c : model.candidates(frame, fresh, minIou, minStab, cancel)) {
				int[] runs = c.mask().toRuns();
				answers.get(c.click()).add(new Remembered(c.click(), runs, c.predictedIou(), c.stability(), c.objectScore()));
				add(frame, 4L * runs.length + 64);
			}
			known.putAll(answers);
			add(frame, 64L * fresh.size());
		}
		List<Candidate> out = new ArrayList<>();
		for (PointPrompt c : clicks)
			for (Remembered r : known.get(c)) out.add(new Candidate(r.click(), BinaryMask.fromRuns(width, height, r.runs()), r.predictedIou(), r.stability(), r.objectScore()));
		forgetBeyondBudget(frame);
		return out;
	}

	/** Clicks the model decoded through this object. */
	long decoded() {
		return decoded;
	}

	private void add(int frame, long n) {
		frameBytes.merge(frame, n, Long::sum);
		bytes += n;
	}

	/** Forgets the least recently searched frames (never {@code current}) until within the budget. */
	private void forgetBeyondBudget(int current) {
		var it = frames.keySet().iterator();
		while (bytes > budgetBytes && it.hasNext()) {
			int f = it.next();
			if (f == current) continue;
			it.remove();
			Long freed = frameBytes.remove(f);
			if (freed != null) bytes -= freed;
		}
	}
}
