package io.github.sam2fiji.core.predictor.sam1;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.result.ShownFrames;

/**
 * Tracking state of one sequence for a SAM 1 interface model: the prompts per object and frame.
 * Propagation sweeps the frames in order, encoding each frame once for all objects (its embedding is
 * kept only while that frame is worked on, and afterwards for repeated clicks on it). On a frame
 * where an object has a prompt, the prompt decides (so every prompted frame re-anchors the object);
 * on other frames the object's previous mask is carried forward ({@link CarryForward}). Rules:
 * <ul>
 * <li>Candidates: {@link CandidateRule} (no whole-frame masks).</li>
 * <li>Missed: no acceptable candidate, a carried mask under {@code minArea} pixels, or one that
 * grows more than {@code maxGrowth} times in a frame. The object is absent (empty mask) on that
 * frame and its last accepted mask is carried on; after more than {@code maxMisses} misses in a
 * row it is lost and stays absent until its next prompted frame in the sweep's direction.</li>
 * <li>Appearance: a carried answer must look like the object on its last accepted frame (mean image
 * embedding under the mask, {@link Appearance}); when no carried answer is acceptable, the object is
 * searched by its look around its last box ({@link #search}).</li>
 * <li>Held: a missed object that is not leaving the frame, and whose last mask still looks like it,
 * shows its last accepted mask instead
 * (objectScore {@link #HELD_SCORE}) for up to {@code maxHeldFrames} frames in a row, and that mask
 * stays its prompt; held frames are not misses.</li>
 * <li>Overlaps: a pixel claimed by several objects goes to the highest logit ({@link OverlapResolver}).</li>
 * <li>IDs: the user's object IDs, unchanged.</li>
 * <li>{@link ObjectResult#objectScore()}: no presence head in SAM 1, so it is the chosen mask's
 * predicted IoU when the object is present and -1 when it is absent.</li>
 * <li>{@link Direction#BOTH}: forward from the earliest prompted frame to the end, then backward
 * to the start, each object carried backward from its own first prompted frame (see
 * {@link #propagateBoth}).</li>
 * </ul>
 */
final class Sam1Session implements TrackingSession {

	/**
	 * An object's state carried to the next frame: its last accepted mask and logits, the frames since
	 * then on which it was absent ({@code misses}) and held ({@code held}), the largest area since its
	 * last prompt, the accepted mask's predicted IoU and its look to the model ({@link Appearance};
	 * null when the model's embedding is not a SAM 1 grid).
	 */
	private record Carried(BinaryMask mask, float[] lowRes, int misses, int held, int peakArea, float iou, float[] look) {}

	/** What the model said for one object on one frame, before overlaps are resolved. */
	private record Proposal(float[] frameLogits, float[] lowRes, float iou) {}

	/** A proposal that passed the area rules; its frame-sized logits already went to the overlap resolver. */
	private record Accepted(float[] lowRes, float iou, float stability) {}

	/** Share of its largest area under which an object touching the border counts as leaving. */
	static final double LEAVING_SHARE = 0.5;

	/** Logit of a held mask's pixels in the overlap resolution: under any confident live answer. */
	static final float HELD_LOGIT = 0.5f;

	/** {@link ObjectResult#objectScore()} of a held mask: present, but not the model's answer on this frame. */
	static final float HELD_SCORE = 0f;

	private final FrameSource frames;
	private final Sam1Model networks;
	private final Sam1Preprocessor preprocessor;
	private final Sam1Settings settings;
	private final int lowResSize;
	private final FrameGeometry geometry;
	private final CandidateRule candidateRule;
	private final CarryForward carryForward;
	private final Map<Integer, TreeMap<Integer, ObjectPrompt>> prompts = new TreeMap<>();
	/** A batch session refuses prompts once it has propagated (the same contract as SAM 2 sessions). */
	private final boolean batch;
	private boolean propagated;
	/** The frames' image embeddings: the session's own, or shared with the caller's other sessions on the sequence. */
	private final FrameEncodings<float[]> embeddings;
	/** Whether the embeddings are the session's own, dropped with it (shared ones are the caller's). */
	private final boolean ownEmbeddings;
	/**
	 * The decoder's answers to the users' prompts, most recent first: showing a frame decodes every
	 * object's prompt there, so an annotator's click on one object would decode all of them again.
	 * The decoder is a function of the frame's embedding and the prompt, so this changes no result.
	 */
	private final Map<PromptKey, MaskCandidates> promptAnswers = new java.util.LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<PromptKey, MaskCandidates> eldest) {
			return size() > PROMPT_ANSWERS_KEPT;
		}
	};
	/** Decoded prompts kept (about 1 MB each for a 256 x 256 low-res size). */
	private static final int PROMPT_ANSWERS_KEPT = 64;
	/**
	 * Interactive sessions: every object's latest propagated mask per frame, so that a run started on
	 * a frame where an object has no prompt carries on from what it showed there (as SAM 2 carries on
	 * from its memories), instead of losing it.
	 */
	private final ShownFrames tracked;
	/** During a run: the start frame's masks of objects not prompted there, used as their prompts on it. */
	private Map<Integer, ObjectPrompt> seeds = Map.of();
	private int seedFrame = -1;

	/** A session with its own embeddings, within {@code imageCacheBytes}. */
	Sam1Session(FrameSource frames, Sam1Model networks, Sam1Preprocessor preprocessor, Sam1Settings settings, int lowResSize, boolean batch, long imageCacheBytes) {
		this(embeddings(networks, frames, networks, preprocessor, imageCacheBytes), true, networks, preprocessor, settings, lowResSize, batch);
	}

	/**
	 * The frames' image embeddings as {@code networks} compute them (at least the frame in hand kept).
	 *
	 * @param owner who sessions check made them (the tracker)
	 */
	static FrameEncodings<float[]> embeddings(Object owner, FrameSource frames, Sam1Model networks, Sam1Preprocessor preprocessor, long budgetBytes) {
		FrameGeometry geometry = preprocessor.geometry(frames.width(), frames.height());
		return new FrameEncodings<>(owner, frames, budgetBytes, 1, e -> 4L * e.length, i -> {
			Frame frame = frames.readForModel(i);
			if (frame.width() != geometry.width() || frame.height() != geometry.height())
				throw new IllegalStateException("Frame " + i + " is " + frame.width() + " x " + frame.height() + ", the sequence is " + geometry.width() + " x " + geometry.height());
			return networks.encode(preprocessor.encoderInput(frame, frames.bitDepth()));
		});
	}

	/**
	 * @param embeddings the frames' embeddings ({@link Sam1Tracker#encodings})
	 * @param ownEmbeddings the session's own (cleared with it), else shared and left to the caller
	 */
	Sam1Session(FrameEncodings<float[]> embeddings, boolean ownEmbeddings, Sam1Model networks, Sam1Preprocessor preprocessor, Sam1Settings settings, int lowResSize, boolean batch) {
		this.frames = embeddings.frames();
		this.embeddings = embeddings;
		this.ownEmbeddings = ownEmbeddings;
		this.tracked = batch ? null : new ShownFrames(frames.width(), frames.height());
		this.batch = batch;
		this.networks = networks;
		this.preprocessor = preprocessor;
		this.settings = settings;
		this.lowResSize = lowResSize;
		this.geometry = preprocessor.geometry(frames.width(), frames.height());
		this.candidateRule = new CandidateRule(settings.maxAreaFraction(), settings.minCarriedIou(), settings.minStability(), settings.minInPlaceIou(), settings.minInPlaceStability(), settings.maxSurroundSimilarity(), settings.minLookSimilarity());
		this.carryForward = new CarryForward(settings.boxMargin());
	}

	@Override
	public void addPrompt(ObjectPrompt prompt, PromptMode mode) {
		checkPromptsAllowed();
		prompt.checkWithin(frames.width(), frames.height(), frames.frameCount());
		if ((prompt.box() != null || prompt.mask() != null) && mode != PromptMode.REPLACE)
			throw new IllegalArgumentException("Object " + prompt.objectId() + " on frame " + prompt.frame() + ": a " + (prompt.box() != null ? "box" : "mask")
				+ " cannot be appended to earlier clicks; it replaces them");
		TreeMap<Integer, ObjectPrompt> byFrame = prompts.computeIfAbsent(prompt.objectId(), id -> new TreeMap<>());
		if (mode == PromptMode.REPLACE) byFrame.put(prompt.frame(), prompt);
		else byFrame.merge(prompt.frame(), prompt, Sam1Session::combine);
	}

	/** Clicks add up; a mask replaces everything (it stands alone). */
	private static ObjectPrompt combine(ObjectPrompt old, ObjectPrompt added) {
		if (added.mask() != null || old.mask() != null) return added;
		List<PointPrompt> points = new ArrayList<>(old.points());
		points.addAll(added.points());
		return new ObjectPrompt(added.objectId(), added.frame(), points, old.box(), null);
	}

	@Override
	public void clearPrompts(int objectId, int frame) {
		checkPromptsAllowed();
		frames.checkIndex(frame);
		TreeMap<Integer, ObjectPrompt> byFrame = prompts.get(objectId);
		if (byFrame == null) throw new IllegalArgumentException("There is no object " + objectId + " (objects: " + objectIds() + ")");
		byFrame.remove(frame);
	}

	private void checkPromptsAllowed() {
		if (batch && propagated)
			throw new IllegalStateException("This session was opened for a batch run and has propagated: prompts cannot be added or cleared any more. "
				+ "Track again in an interactive session to correct the result");
	}

	@Override
	public void removeObject(int objectId) {
		if (prompts.remove(objectId) == null) throw new IllegalArgumentException("There is no object " + objectId + " (objects: " + objectIds() + ")");
		if (tracked != null) tracked.forget(objectId);
	}

	/** The object's prompt on the frame, or during a run its seed on the start frame. */
	private ObjectPrompt promptOn(int id, int f) {
		ObjectPrompt prompt = prompts.get(id).get(f);
		return prompt != null || f != seedFrame ? prompt : seeds.get(id);
	}

	/** Objects with no prompt on {@code start} that a propagation showed there: their masks, as prompts for a run from it. */
	private Map<Integer, ObjectPrompt> seedsOn(int start) {
		FrameResult before = tracked == null ? null : tracked.result(start);
		if (before == null) return Map.of();
		Map<Integer, ObjectPrompt> found = new HashMap<>();
		for (ObjectResult o : before.objects())
			if (o.present() && !o.mask().isEmpty() && prompts.containsKey(o.objectId()) && !prompts.get(o.objectId()).containsKey(start))
				found.put(o.objectId(), ObjectPrompt.mask(o.objectId(), start, o.mask()));
		return found;
	}

	/** Remembers what a propagation showed (interactive sessions). */
	private Consumer<FrameResult> remembering(Consumer<FrameResult> sink) {
		return tracked == null ? sink : r -> {
			tracked.show(r);
			sink.accept(r);
		};
	}

	@Override
	public void reset() {
		prompts.clear();
		if (tracked != null) tracked.clear();
	}

	@Override
	public SortedSet<Integer> objectIds() {
		return new TreeSet<>(prompts.keySet());
	}

	@Override
	public FrameResult segmentFrame(int frame, CancellationToken cancel) {
		frames.checkIndex(frame);
		cancel.throwIfCancelled();
		return step(frame, new HashMap<>(), prompts.keySet(), null);
	}

	/** The earliest and the latest prompted frame over all objects; every object must have a prompt. */
	private int[] promptedSpan() {
		if (prompts.isEmpty()) throw new IllegalStateException("No object to track: add a prompt (points, box or mask) first");
		int first = Integer.MAX_VALUE, last = -1;
		for (Map.Entry<Integer, TreeMap<Integer, ObjectPrompt>> e : prompts.entrySet()) {
			if (e.getValue().isEmpty())
				throw new IllegalStateException("Object " + e.getKey() + " has no prompt any more: add one, or remove the object");
			first = Math.min(first, e.getValue().firstKey());
			last = Math.max(last, e.getValue().lastKey());
		}
		return new int[] { first, last };
	}

	/**
	 * One sweep over the frames of {@code run}, all objects carried from their prompted frames on:
	 * objects are absent on the frames of the sweep before their first prompt in it. In an interactive
	 * session an object an earlier propagation showed on the start frame, and not prompted there,
	 * carries on from that mask (re-anchored on it as on a mask prompt), so a run from a corrected
	 * frame keeps the other objects.
	 */
	@Override
	public void propagate(Propagation run, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		int[] order = run.frames(promptedSpan()[0], frames.frameCount());
		propagated = true;
		if (order.length == 0) return;
		int[] done = { 0 };
		seedFrame = order[0];
		seeds = seedsOn(order[0]);
		try {
			sweep(order[0], order[order.length - 1], new HashMap<>(), remembering(r -> {
				sink.accept(r);
				progress.progress(++done[0], order.length, "frame " + (r.frame() + 1) + " of " + frames.frameCount());
			}), cancel);
		}
		finally {
			seeds = Map.of();
			seedFrame = -1;
			dropEmbedding();
		}
	}

	@Override
	public void propagate(Direction direction, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		int[] span = promptedSpan();
		int first = span[0], last = span[1];
		propagated = true;
		int n = frames.frameCount();
		int[] done = { 0 };
		int total = switch (direction) {
			case FORWARD -> n - first;
			case BACKWARD -> last + 1;
			case BOTH -> n;
		};
		Consumer<FrameResult> counted = remembering(r -> {
			sink.accept(r);
			progress.progress(++done[0], total, "frame " + (r.frame() + 1) + " of " + n);
		});
		try {
			switch (direction) {
				case FORWARD -> sweep(first, n - 1, new HashMap<>(), counted, cancel);
				case BACKWARD -> sweep(last, 0, new HashMap<>(), counted, cancel);
				case BOTH -> propagateBoth(first, counted, cancel);
			}
		}
		finally {
			dropEmbedding();
		}
	}

	/** Frames {@code from} to {@code to} (either way), all objects. */
	private void sweep(int from, int to, Map<Integer, Carried> states, Consumer<FrameResult> sink, CancellationToken cancel) {
		int stepBy = to >= from ? 1 : -1;
		for (int f = from; f != to + stepBy; f += stepBy) {
			cancel.throwIfCancelled();
			sink.accept(step(f, states, prompts.keySet(), null));
		}
	}

	/**
	 * Both ways: forward from the earliest prompted frame to the end, then backward to the start,
	 * each object carried backward from its own first prompted frame. Frames before the last object's
	 * first prompt are held back (as a label map) until the backward sweep has added the objects
	 * first prompted after them; the backward sweep gives those objects only pixels no forward-tracked
	 * object holds. Every frame is delivered once.
	 */
	private void propagateBoth(int first, Consumer<FrameResult> sink, CancellationToken cancel) {
		Map<Integer, Integer> firstPrompt = new TreeMap<>();
		prompts.forEach((id, byFrame) -> firstPrompt.put(id, byFrame.firstKey()));
		int lastStart = firstPrompt.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
		Map<Integer, Carried> states = new HashMap<>();
		Map<Integer, Carried> startStates = new HashMap<>();
		Map<Integer, HeldFrame> held = new HashMap<>();
		for (int f = first; f < frames.frameCount(); f++) {
			cancel.throwIfCancelled();
			FrameResult result = step(f, states, prompts.keySet(), null);
			for (var e : firstPrompt.entrySet())
				if (e.getValue() == f && states.containsKey(e.getKey())) startStates.put(e.getKey(), states.get(e.getKey()));
			if (f < lastStart) held.put(f, HeldFrame.of(result, geometry.width() * geometry.height()));
			else sink.accept(result);
		}
		Map<Integer, Carried> back = new HashMap<>();
		for (int f = lastStart - 1; f >= 0; f--) {
			cancel.throwIfCancelled();
			Set<Integer> active = new TreeSet<>();
			for (var e : firstPrompt.entrySet()) {
				if (e.getValue() <= f) continue;
				active.add(e.getKey());
				if (e.getValue() == f + 1 && startStates.containsKey(e.getKey())) back.put(e.getKey(), startStates.get(e.getKey()));
			}
			HeldFrame forward = held.remove(f);
			FrameResult backward = step(f, back, active, forward == null ? null : forward.labels());
			sink.accept(forward == null ? backward : forward.merge(backward, geometry.width(), geometry.height()));
		}
	}

	/** A frame's forward result kept compactly (one int label per pixel, each object's scores) until the backward sweep has added to it. */
	record HeldFrame(int frame, int[] labels, Map<Integer, Scores> scores) {

		/** An object's result without its mask (the labels hold it). */
		record Scores(float objectScore, float iou, boolean present, int lostToOthers, float stability) {}

		static HeldFrame of(FrameResult r, int pixels) {
			int[] labels = new int[pixels];
			Map<Integer, Scores> scores = new TreeMap<>();
			for (ObjectResult o : r.objects()) {
				scores.put(o.objectId(), new Scores(o.objectScore(), o.iou(), o.present(), o.lostToOthers(), o.stability()));
				if (!o.present()) continue;
				byte[] bits = o.mask().toBytes();
				for (int i = 0; i < pixels; i++) if (bits[i] != 0) labels[i] = o.objectId();
			}
			return new HeldFrame(r.frame(), labels, scores);
		}

		/** The held objects plus the backward sweep's objects (those not held present). */
		FrameResult merge(FrameResult backward, int width, int height) {
			Map<Integer, ObjectResult> byId = new TreeMap<>();
			for (var e : scores.entrySet()) {
				int id = e.getKey();
				Scores o = e.getValue();
				if (!o.present()) {
					byId.put(id, new ObjectResult(id, frame, BinaryMask.empty(width, height), o.objectScore(), o.iou(), false));
					continue;
				}
				byte[] bits = new byte[labels.length];
				for (int i = 0; i < bits.length; i++) bits[i] = labels[i] == id ? (byte) 1 : 0;
				byId.put(id, new ObjectResult(id, frame, BinaryMask.of(width, height, bits), o.objectScore(), o.iou(), true, null, o.lostToOthers(), o.stability()));
			}
			for (ObjectResult o : backward.objects())
				if (o.present() || !byId.containsKey(o.objectId()) || !byId.get(o.objectId()).present()) byId.put(o.objectId(), o);
			return new FrameResult(frame, new ArrayList<>(byId.values()));
		}
	}

	/**
	 * Segments the {@code active} objects on frame {@code f} from their prompts there or their
	 * carried states; updates {@code states}. Pixels where {@code claimed} is non-zero (held by
	 * objects of another sweep; may be null) are not given to these objects.
	 */
	private FrameResult step(int f, Map<Integer, Carried> states, Set<Integer> active, int[] claimed) {
		Map<Integer, int[]> anchors = anchors(f, states, active);
		Map<Integer, Accepted> accepted = new TreeMap<>();
		Set<Integer> held = new TreeSet<>();
		OverlapResolver overlaps = new OverlapResolver(geometry.width(), geometry.height());
		for (int id : active) {
			ObjectPrompt prompt = promptOn(id, f);
			Carried carried = states.get(id);
			int[] others = othersAnchors(anchors, id);
			Proposal proposal = prompt != null ? fromPrompt(prompt, others, f) : carried != null ? fromCarried(carried, others, f) : null;
			int area = proposal == null ? 0 : positive(proposal.frameLogits());
			boolean missed = proposal == null
					|| (prompt == null ? area < settings.minArea() || area > settings.maxGrowth() * carried.mask().area() : area == 0);
			if (!missed) {
				overlaps.add(id, proposal.frameLogits());
				accepted.put(id, new Accepted(proposal.lowRes(), proposal.iou(), (float) LowResMasks.stability(proposal.lowRes(), lowResSize, geometry)));
			}
			else if (prompt == null && holds(carried) && stillThere(carried, f)) held.add(id);
		}
		// Held masks go in last with a low logit, so live answers win the pixels they share.
		for (int id : held) overlaps.add(id, heldLogits(states.get(id).mask()));
		List<ObjectResult> results = new ArrayList<>();
		for (int id : active) {
			Accepted proposal = accepted.get(id);
			BinaryMask mask = proposal != null || held.contains(id) ? overlaps.maskOf(id, claimed) : null;
			boolean prompted = promptOn(id, f) != null;
			boolean present = mask != null && !mask.isEmpty() && (prompted || mask.area() >= settings.minArea());
			Carried before = states.get(id);
			if (present && proposal != null) {
				float[] look = look(f, proposal.lowRes());
				states.put(id, new Carried(mask, proposal.lowRes(), 0, 0, prompted || before == null ? mask.area() : Math.max(mask.area(), before.peakArea()), proposal.iou(), look));
				results.add(new ObjectResult(id, f, mask, proposal.iou(), proposal.iou(), true, null, overlaps.claimedArea(id) - mask.area(), proposal.stability()));
			}
			else if (present) {
				// Held: the last accepted mask is shown again and stays the prompt for the next frame.
				states.put(id, new Carried(before.mask(), before.lowRes(), before.misses(), before.held() + 1, before.peakArea(), before.iou(), before.look()));
				results.add(new ObjectResult(id, f, mask, HELD_SCORE, before.iou(), true, null, overlaps.claimedArea(id) - mask.area()));
			}
			else {
				// A carried object may miss a few frames (a blurry or low-confidence answer) before it counts as lost.
				if (!prompted && before != null && before.misses() < settings.maxMisses())
					states.put(id, new Carried(before.mask(), before.lowRes(), before.misses() + 1, before.held(), before.peakArea(), before.iou(), before.look()));
				else states.remove(id);
				results.add(new ObjectResult(id, f, BinaryMask.empty(geometry.width(), geometry.height()), -1f, 0f, false));
			}
		}
		return new FrameResult(f, results);
	}

	/**
	 * Whether a carried object that was missed on this frame keeps its last mask: it is not leaving
	 * the frame and has been held fewer than {@code maxHeldFrames} frames in a row ({@code
	 * maxHeldSlices} in a volume, 0 by default: in z an object that is missed has usually ended). Cells in
	 * transmitted light barely move and often get no confident answer for a few frames; holding
	 * them is better than dropping them, and the held mask stays the prompt for the next frame.
	 */
	private boolean holds(Carried carried) {
		int limit = frames.isVolume() ? settings.maxHeldSlices() : settings.maxHeldFrames();
		return carried != null && carried.held() < limit && !leaving(carried);
	}

	/**
	 * Whether a missed object's last mask still shows the object on frame f, to the model: the look
	 * under it is at least {@code minLookSimilarity} like the object's last accepted look. A cell that
	 * moved away leaves background under its old mask, which should not be shown as the cell.
	 */
	private boolean stillThere(Carried carried, int f) {
		if (settings.minLookSimilarity() <= 0 || carried.look() == null) return true;
		float[] now = look(f, carried.lowRes());
		return now == null || Appearance.cosine(now, carried.look()) >= settings.minLookSimilarity();
	}

	/** A held mask's claim: {@link #HELD_LOGIT} inside, so any confident live answer takes shared pixels. */
	private float[] heldLogits(BinaryMask mask) {
		float[] logits = new float[geometry.width() * geometry.height()];
		for (int y = 0; y < geometry.height(); y++)
			for (int x = 0; x < geometry.width(); x++)
				logits[y * geometry.width() + x] = mask.get(x, y) ? HELD_LOGIT : -HELD_LOGIT;
		return logits;
	}

	/** Per object on frame f: the low-res cells of its clicks there, or of its carried mask's interior point. */
	private Map<Integer, int[]> anchors(int f, Map<Integer, Carried> states, Set<Integer> active) {
		Map<Integer, int[]> anchors = new HashMap<>();
		for (int id : active) {
			ObjectPrompt prompt = promptOn(id, f);
			List<PointPrompt> points = new ArrayList<>();
			if (prompt != null) {
				prompt.points().stream().filter(PointPrompt::positive).forEach(points::add);
				if (prompt.mask() != null) points.add(CarryForward.interiorPoint(prompt.mask()));
			}
			else if (states.containsKey(id)) points.add(CarryForward.interiorPoint(states.get(id).mask()));
			anchors.put(id, points.stream().mapToInt(p -> LowResMasks.cellOf(p.x(), p.y(), lowResSize, geometry)).toArray());
		}
		return anchors;
	}

	private static int[] othersAnchors(Map<Integer, int[]> anchors, int id) {
		return anchors.entrySet().stream().filter(e -> e.getKey() != id).flatMapToInt(e -> java.util.Arrays.stream(e.getValue())).toArray();
	}

	private Proposal fromPrompt(ObjectPrompt prompt, int[] others, int f) {
		if (prompt.mask() != null) {
			// A mask prompt is the object's mask on its frame (as SAM 2 uses a mask input as output).
			BinaryMask m = prompt.mask();
			float[] logits = new float[geometry.width() * geometry.height()];
			for (int y = 0; y < geometry.height(); y++)
				for (int x = 0; x < geometry.width(); x++)
					logits[y * geometry.width() + x] = m.get(x, y) ? LowResMasks.CERTAIN : -LowResMasks.CERTAIN;
			return new Proposal(logits, LowResMasks.fromMask(m, lowResSize, geometry), 1f);
		}
		DecoderPrompt decoderPrompt = DecoderPrompt.of(prompt.points(), prompt.box(), null, geometry);
		MaskCandidates candidates = promptAnswers.computeIfAbsent(new PromptKey(f, decoderPrompt), k -> networks.decode(embedding(f), decoderPrompt, geometry));
		int k = candidateRule.choose(candidates, decoderPrompt.ambiguous(), null, others, geometry);
		return k < 0 ? null : new Choice(candidates.logits()[k], candidates.ious()[k]).proposal(lowResSize, geometry);
	}

	/** A user's prompt (clicks, box) on a frame, compared by content, as the key of its decoded answers. */
	private record PromptKey(int frame, float[] coords, float[] labels) {
		PromptKey(int frame, DecoderPrompt prompt) {
			this(frame, prompt.coords(), prompt.labels());
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof PromptKey k && k.frame == frame && java.util.Arrays.equals(k.coords, coords) && java.util.Arrays.equals(k.labels, labels);
		}

		@Override
		public int hashCode() {
			return 31 * (31 * frame + java.util.Arrays.hashCode(coords)) + java.util.Arrays.hashCode(labels);
		}
	}

	/**
	 * The carried prompt is decoded twice: with the previous mask as mask input, and with its box and
	 * interior point alone. Each answer is chosen by the candidate rule; the higher predicted IoU wins
	 * (the mask input's on a tie). With the mask input, SAM 1 models tend to copy the previous mask,
	 * also where the cell has changed shape or gone; without it they follow the image but lose more
	 * cells. Both together raised TRA on all four HeLa and MSC sequences (docs/model-format.md).
	 */
	private Proposal fromCarried(Carried carried, int[] others, int f) {
		DecoderPrompt withMask = carryForward.prompt(carried.mask(), carried.lowRes(), geometry);
		CandidateRule.Previous previous = new CandidateRule.Previous(carried.lowRes(), leaving(carried), Appearance.View.of(embedding(f), lowResSize, geometry), carried.look());
		Choice copied = choose(withMask, previous, others, f);
		Choice seen = choose(withMask.withoutMaskInput(), previous, others, f);
		Choice best = copied == null ? seen : seen == null || copied.iou() >= seen.iou() ? copied : seen;
		if (best == null && settings.searchWindow() > 0 && carried.look() != null && previous.view() != null) best = search(carried, previous, others, f);
		return best == null ? null : best.proposal(lowResSize, geometry);
	}

	/**
	 * Whether a carried object may be leaving the frame: its mask touches the border and has shrunk
	 * under {@link #LEAVING_SHARE} of the largest area it had since it was last prompted. A cell that
	 * merely lies at the border keeps its size; one that moves out shrinks to a sliver first.
	 */
	private static boolean leaving(Carried carried) {
		return leaving(carried.mask(), carried.peakArea());
	}

	static boolean leaving(BinaryMask mask, int peakArea) {
		return LowResMasks.touchesBorder(mask) && mask.area() < LEAVING_SHARE * peakArea;
	}

	/**
	 * The carried prompt found nothing acceptable: the object may have moved further than its box
	 * (Fluo-C2DL-MSC's cells jump by half their length between frames). One click at the embedding
	 * cell most like the object's last look, within its box widened by {@code searchWindow} times its
	 * size on each side, decoded without mask input and chosen by the candidate rule (strict limits,
	 * appearance checked).
	 */
	private Choice search(Carried carried, CandidateRule.Previous previous, int[] others, int f) {
		BoxPrompt b = new CarryForward(0).box(carried.mask());
		double w = settings.searchWindow() * (b.x1() - b.x0()), h = settings.searchWindow() * (b.y1() - b.y0());
		PointPrompt click = previous.view().mostSimilar(carried.look(), b.x0() - w, b.y0() - h, b.x1() + w, b.y1() + h);
		if (click == null) return null;
		// As a carried prompt away from its previous mask (nothing in place) and possibly leaving: strict limits, appearance checked.
		CandidateRule.Previous elsewhere = new CandidateRule.Previous(new float[previous.lowRes().length], true, previous.view(), carried.look());
		return choose(DecoderPrompt.of(List.of(click), null, null, geometry), elsewhere, others, f);
	}

	/** The model's view of a mask on frame f: the mean embedding under it (null when it has none). */
	private float[] look(int f, float[] lowRes) {
		Appearance.View view = Appearance.View.of(embedding(f), lowResSize, geometry);
		return view == null ? null : view.look(lowRes);
	}


	/** The candidate the rule chose for a prompt: its low-res logits and predicted IoU. */
	private record Choice(float[] lowRes, float iou) {
		Proposal proposal(int size, FrameGeometry g) {
			return new Proposal(LowResMasks.toFrame(lowRes, size, g), lowRes, iou);
		}
	}

	private Choice choose(DecoderPrompt prompt, CandidateRule.Previous previous, int[] others, int f) {
		MaskCandidates candidates = networks.decode(embedding(f), prompt, geometry);
		int k = candidateRule.choose(candidates, prompt.ambiguous(), previous, others, geometry);
		return k < 0 ? null : new Choice(candidates.logits()[k], candidates.ious()[k]);
	}

	/** The frame's image embedding; the current frame's is kept, and recent ones within the image cache. */
	private float[] embedding(int f) {
		return embeddings.get(f);
	}

	@Override
	public void prepareFrame(int frame) {
		if (frame < 0 || frame >= frames.frameCount()) throw new IllegalArgumentException("Frame " + frame + " is not in the sequence (frames 0 to " + (frames.frameCount() - 1) + ")");
		embedding(frame);
	}

	/** After a batch propagation nothing is needed again; an interactive session keeps its cache for the user's next prompts. */
	private void dropEmbedding() {
		if (batch && ownEmbeddings) embeddings.clear();
	}

	private static int positive(float[] logits) {
		int n = 0;
		for (float v : logits) if (v > 0) n++;
		return n;
	}

	@Override
	public void close() {
		prompts.clear();
		if (ownEmbeddings) embeddings.clear();
		promptAnswers.clear();
	}
}
