package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

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
 * Divisions ({@link Divisions}): when a tracked object's mask becomes two separated cells, or a new
 * object is found touching one that shrank on that frame, the object's track ends there and two
 * daughters start, each with its part as a mask prompt and the mother as parent (the CTC export
 * writes the lineage). The tracker may still follow the mother past that frame; her output there is
 * dropped, as the daughters' is before it.
 * <p>
 * Returns ({@link Returns}): a new object found near the border where a tracked one left a few
 * frames before is its return: a new track from that frame with the old one as parent (CTC style).
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
	 * @param divisions find divisions ({@link Divisions}); off, a dividing cell stays one object
	 */
	public record Settings(AutomaticMasks.Settings masks, int searchEvery, boolean foregroundOnly, boolean divisions) {
		public Settings {
			if (searchEvery < 1) throw new IllegalArgumentException("search every must be at least 1 frame, got " + searchEvery);
		}

		/** With divisions found. */
		public Settings(AutomaticMasks.Settings masks, int searchEvery, boolean foregroundOnly) {
			this(masks, searchEvery, foregroundOnly, true);
		}

		public Settings(AutomaticMasks.Settings masks, int searchEvery) {
			this(masks, searchEvery, false);
		}

		public static Settings defaults() {
			return new Settings(AutomaticMasks.Settings.defaults(), 1, false);
		}
	}

	/**
	 * The objects tracked: each with the prompt it was found or seeded with.
	 *
	 * @param parents divisions: each daughter's ID to her mother's (the mother's track ends where they
	 *          start); returns: the returned track's ID to the one that left
	 */
	public record Result(List<ObjectPrompt> prompts, int propagations, Map<Integer, Integer> parents) {}

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
		// divisions: daughters start on their frame, mothers end before it (the model may track both further)
		Map<Integer, Integer> parents = new TreeMap<>(), startsAt = new TreeMap<>(), endsBefore = new TreeMap<>();
		int propagations = 0, returns = 0;
		int searchFrom = 0;
		while (true) {
			// everything known so far, tracked through the whole sequence
			if (prompts.isEmpty()) for (int f = 0; f < n; f++) results[f] = new FrameResult(f, List.of());
			else {
				try (TrackingSession session = tracker.newSession(frames, SessionOptions.interactive())) {
					for (ObjectPrompt p : prompts) session.addPrompt(p);
					session.propagate(Direction.BOTH, r -> results[r.frame()] = withinSpans(r, startsAt, endsBefore), ProgressListener.NONE, cancel);
				}
				propagations++;
			}
			// a tracked object whose mask became two cells: two daughters from that frame, then track again
			Set<Integer> found = prompts.stream().map(ObjectPrompt::objectId).collect(Collectors.toSet());
			Optional<Divisions.Division> split = settings.divisions()
				? Divisions.firstSplit(results, found, startsAt, endsBefore.keySet(), settings.masks().minAreaPixels()) : Optional.empty();
			if (split.isPresent()) {
				Divisions.Division d = split.get();
				nextId = divide(d.mother(), d.frame(), d.first(), nextId, prompts, parents, startsAt, endsBefore);
				nextId = divide(d.mother(), d.frame(), d.second(), nextId, prompts, parents, startsAt, endsBefore);
				progress.progress(d.frame(), n, "object " + d.mother() + " divided on frame " + (d.frame() + 1));
				continue;
			}
			// the first searched frame (from searchFrom on) where something new is found
			int foundOn = -1;
			for (int f = searchFrom; f < n && foundOn < 0; f += settings.searchEvery()) {
				cancel.throwIfCancelled();
				progress.progress(f, n, "searching frame " + (f + 1) + " of " + n + " (" + prompts.size() + " objects)");
				FrameResult here = results[f] == null ? new FrameResult(f, List.of()) : results[f];
				BinaryMask clickable = settings.foregroundOnly() ? Foreground.of(frames.read(f)) : null;
				List<AutomaticMasks.Masklet> masklets = AutomaticMasks.find(candidates, w, h, f, covered(here, w, h), clickable, settings.masks(), cancel);
				for (AutomaticMasks.Masklet m : masklets) {
					// born touching a tracked object that shrank: the other daughter of a division
					Optional<Divisions.Shrunk> mother = settings.divisions() ? Divisions.shrunkMother(results, f, m.mask(), startsAt, endsBefore.keySet()) : Optional.empty();
					if (mother.isPresent()) {
						int g = mother.get().frame();
						ObjectResult kept = Divisions.find(results[g], mother.get().mother());
						nextId = divide(mother.get().mother(), g, kept.mask(), nextId, prompts, parents, startsAt, endsBefore);
						int other = nextId++;
						prompts.add(ObjectPrompt.mask(other, f, m.mask()));
						parents.put(other, mother.get().mother());
						startsAt.put(other, g);
					}
					else {
						// found near the border where a tracked object left a few frames before: its return, a new track with it as parent
						Optional<Returns.Return> back = Returns.returning(results, f, m.mask(), found, startsAt, endsBefore.keySet());
						int id = nextId++;
						prompts.add(ObjectPrompt.mask(id, f, m.mask()));
						if (back.isPresent()) {
							parents.put(id, back.get().lost());
							startsAt.put(id, f);
							endsBefore.put(back.get().lost(), back.get().lastFrame() + 1);
							returns++;
						}
					}
				}
				if (!masklets.isEmpty()) foundOn = f;
			}
			if (foundOn < 0) break;
			searchFrom = foundOn + settings.searchEvery();
		}
		for (int f = 0; f < n; f++) sink.accept(results[f] == null ? new FrameResult(f, List.of()) : results[f]);
		progress.progress(n, n, prompts.size() + " objects, " + (parents.size() - returns) / 2 + " divisions, " + returns + " returns, " + propagations + " propagations");
		return new Result(List.copyOf(prompts), propagations, Map.copyOf(parents));
	}

	/** Ends {@code mother} before {@code frame} and adds a daughter prompted there with {@code mask}; returns the next free ID. */
	private static int divide(int mother, int frame, BinaryMask mask, int nextId, List<ObjectPrompt> prompts, Map<Integer, Integer> parents,
		Map<Integer, Integer> startsAt, Map<Integer, Integer> endsBefore) {
		endsBefore.put(mother, frame);
		int id = nextId++;
		prompts.add(ObjectPrompt.mask(id, frame, mask));
		parents.put(id, mother);
		startsAt.put(id, frame);
		return nextId;
	}

	/** The frame's objects without those outside their span: daughters before their division, mothers after it. */
	private static FrameResult withinSpans(FrameResult r, Map<Integer, Integer> startsAt, Map<Integer, Integer> endsBefore) {
		if (startsAt.isEmpty() && endsBefore.isEmpty()) return r;
		List<ObjectResult> kept = r.objects().stream()
			.filter(o -> r.frame() >= startsAt.getOrDefault(o.objectId(), Integer.MIN_VALUE) && r.frame() < endsBefore.getOrDefault(o.objectId(), Integer.MAX_VALUE)).toList();
		return new FrameResult(r.frame(), kept);
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
