package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * Tracking without clicks, as SAM 2's data engine makes masklets: automatic masklets
 * ({@link AutomaticMasks}) on the first frame become objects, which are tracked through the
 * sequence; then every {@code searchEvery} frames the parts of the frame no tracked object covers
 * are searched again, and what is found there (a cell that entered, one the first search missed)
 * becomes a new object from that frame on, and everything is tracked again. Seeds (clicked or
 * labelled objects) are tracked too and never searched for. The model's own rule decides what an
 * object does before the frame it was found on: a SAM 1 interface model starts it there; SAM 2
 * tracks it back, as its video predictor does with any prompt.
 * <p>
 * Each search that finds something costs one more propagation over the sequence (correct and
 * simple; re-propagating only from the found frame is the next step for long sequences).
 */
public final class AutoTracking {

	/**
	 * @param masks how masklets are found on a frame
	 * @param searchEvery search for new objects on every this many frames (1: every frame)
	 * @param foregroundOnly click only on the frame's bright foreground ({@link Foreground}): far
	 *          fewer clicks on fluorescence images, none on objects darker than the background
	 */
	public record Settings(AutomaticMasks.Settings masks, int searchEvery, boolean foregroundOnly) {
		public Settings {
			if (searchEvery < 1) throw new IllegalArgumentException("search every must be at least 1 frame, got " + searchEvery);
		}

		public Settings(AutomaticMasks.Settings masks, int searchEvery) {
			this(masks, searchEvery, false);
		}

		public static Settings defaults() {
			return new Settings(AutomaticMasks.Settings.defaults(), 1, false);
		}
	}

	/** The objects tracked: each with the prompt it was found or seeded with. */
	public record Result(List<ObjectPrompt> prompts, int propagations) {}

	private AutoTracking() {}

	/**
	 * Finds and tracks every object of one sequence and hands each frame's final result to
	 * {@code sink}, in frame order, once all searches are done.
	 *
	 * @param seeds objects given by the user (may be empty); new objects get IDs above theirs
	 */
	public static Result track(Tracker tracker, FrameSource frames, List<ObjectPrompt> seeds, Settings settings, Consumer<FrameResult> sink,
		ProgressListener progress, CancellationToken cancel) {
		int n = frames.frameCount(), w = frames.width(), h = frames.height();
		List<ObjectPrompt> prompts = new ArrayList<>(seeds);
		int nextId = seeds.stream().mapToInt(ObjectPrompt::objectId).max().orElse(0) + 1;
		ClickCandidates candidates = tracker.clickCandidates(frames);
		FrameResult[] results = new FrameResult[n];
		int propagations = 0;
		int searchFrom = 0;
		while (true) {
			// everything known so far, tracked through the whole sequence
			if (prompts.isEmpty()) for (int f = 0; f < n; f++) results[f] = new FrameResult(f, List.of());
			else {
				try (TrackingSession session = tracker.newSession(frames, SessionOptions.interactive())) {
					for (ObjectPrompt p : prompts) session.addPrompt(p);
					session.propagate(Direction.BOTH, r -> results[r.frame()] = r, ProgressListener.NONE, cancel);
				}
				propagations++;
			}
			// the first searched frame (from searchFrom on) where something new is found
			int found = -1;
			for (int f = searchFrom; f < n && found < 0; f += settings.searchEvery()) {
				cancel.throwIfCancelled();
				progress.progress(f, n, "searching frame " + (f + 1) + " of " + n + " (" + prompts.size() + " objects)");
				FrameResult here = results[f] == null ? new FrameResult(f, List.of()) : results[f];
				BinaryMask clickable = settings.foregroundOnly() ? Foreground.of(frames.read(f)) : null;
				List<AutomaticMasks.Masklet> masklets = AutomaticMasks.find(candidates, w, h, f, covered(here, w, h), clickable, settings.masks(), cancel);
				for (AutomaticMasks.Masklet m : masklets) prompts.add(ObjectPrompt.mask(nextId++, f, m.mask()));
				if (!masklets.isEmpty()) found = f;
			}
			if (found < 0) break;
			searchFrom = found + settings.searchEvery();
		}
		for (int f = 0; f < n; f++) sink.accept(results[f] == null ? new FrameResult(f, List.of()) : results[f]);
		progress.progress(n, n, prompts.size() + " objects, " + propagations + " propagations");
		return new Result(List.copyOf(prompts), propagations);
	}

	/** The pixels the frame's present objects cover. */
	static BinaryMask covered(FrameResult result, int w, int h) {
		byte[] bits = new byte[w * h];
		for (ObjectResult o : result.objects()) {
			if (!o.present()) continue;
			byte[] m = o.mask().toBytes();
			for (int i = 0; i < bits.length; i++) if (m[i] != 0) bits[i] = 1;
		}
		return BinaryMask.of(w, h, bits);
	}
}
