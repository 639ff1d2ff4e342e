package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.HashMap;
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
 * model returned for those clicks. Masks are kept as run lengths within a byte budget.
 * <p>
 * Serves the search's bars ({@link AutomaticMasks.Settings}: predicted IoU, stability and size, all
 * functions of the candidate alone): only candidates passing all three are remembered and returned,
 * since the search drops the others anyway (background masks are many, with hundreds to thousands
 * of runs each at 1024 x 1024: kept, they filled the budget on Fluo-N2DH-GOWT1 01 and the second
 * round decoded the grid again). Calls with other bars, or without bars, go to the model and
 * return all it gives.
 * <p>
 * Beyond the budget new answers are not remembered, and those remembered stay: every round searches
 * the frames in the same order, so keeping the first ones saves their decodes in every later round,
 * where forgetting the least recently searched (the next to be searched again) would save none.
 */
final class RememberedClicks implements ClickCandidates {

	private record Remembered(PointPrompt click, int[] runs, float predictedIou, float stability, float objectScore) {}

	private final ClickCandidates model;
	private final int width, height;
	private final AutomaticMasks.Settings bars;
	private final long budgetBytes;
	/** Per frame, per click decoded, its candidates passing the bars (often none). */
	private final Map<Integer, Map<PointPrompt, List<Remembered>>> frames = new HashMap<>();
	private long bytes;
	private long decoded;

	/** @param bars the search's settings: their predicted IoU, stability and size bars, the size on this width x height frame (or tile) */
	RememberedClicks(ClickCandidates model, int width, int height, AutomaticMasks.Settings bars, long budgetBytes) {
		this.model = model;
		this.width = width;
		this.height = height;
		this.bars = bars;
		this.budgetBytes = budgetBytes;
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, CancellationToken cancel) {
		decoded += clicks.size();
		return model.candidates(frame, clicks, cancel);
	}

	@Override
	public List<Candidate> candidates(int frame, List<PointPrompt> clicks, double minIou, double minStab, CancellationToken cancel) {
		if (minIou != bars.minPredictedIou() || minStab != bars.minStability()) {
			decoded += clicks.size();
			return model.candidates(frame, clicks, minIou, minStab, cancel);
		}
		Map<PointPrompt, List<Remembered>> known = frames.computeIfAbsent(frame, f -> new HashMap<>());
		List<PointPrompt> fresh = clicks.stream().filter(c -> !known.containsKey(c)).distinct().toList();
		Map<PointPrompt, List<Remembered>> answers = new HashMap<>();
		if (!fresh.isEmpty()) {
			decoded += fresh.size();
			for (PointPrompt c : fresh) answers.put(c, new ArrayList<>());
			long added = 64L * fresh.size();
			for (Candidate c : model.candidates(frame, fresh, minIou, minStab, cancel)) {
				if (!bars.objectSized(c.mask().area(), width, height)) continue;
				int[] runs = c.mask().toRuns();
				answers.get(c.click()).add(new Remembered(c.click(), runs, c.predictedIou(), c.stability(), c.objectScore()));
				added += 4L * runs.length + 64;
			}
			if (bytes + added <= budgetBytes) {
				known.putAll(answers);
				bytes += added;
			}
		}
		List<Candidate> out = new ArrayList<>();
		for (PointPrompt c : clicks)
			for (Remembered r : known.containsKey(c) ? known.get(c) : answers.get(c))
				out.add(new Candidate(r.click(), BinaryMask.fromRuns(width, height, r.runs()), r.predictedIou(), r.stability(), r.objectScore()));
		return out;
	}

	/** Clicks the model decoded through this object. */
	long decoded() {
		return decoded;
	}
}
