package io.github.sam2fiji.core.predictor.sam1;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

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
 * <li>Overlaps: a pixel claimed by several objects goes to the highest logit ({@link OverlapResolver}).</li>
 * <li>IDs: the user's object IDs, unchanged.</li>
 * <li>{@link ObjectResult#objectScore()}: no presence head in SAM 1, so it is the chosen mask's
 * predicted IoU when the object is present and -1 when it is absent.</li>
 * <li>{@link Direction#BOTH}: forward from the earliest prompted frame to the end, then backward
 * from there to the start, carrying each object from its state on that earliest frame (as SAM 2's
 * video predictor); an object first prompted later is tracked from its own first prompt onwards.</li>
 * </ul>
 */
final class Sam1Session implements TrackingSession {

	/** An object's state carried to the next frame; {@code misses}: frames since the mask was last accepted. */
	private record Carried(BinaryMask mask, float[] lowRes, int misses) {}

	/** What the model said for one object on one frame, before overlaps are resolved. */
	private record Proposal(float[] frameLogits, float[] lowRes, float iou) {}

	/** A proposal that passed the area rules; its frame-sized logits already went to the overlap resolver. */
	private record Accepted(float[] lowRes, float iou) {}

	private final FrameSource frames;
	private final Sam1Networks networks;
	private final Sam1Preprocessor preprocessor;
	private final Sam1Settings settings;
	private final int lowResSize;
	private final FrameGeometry geometry;
	private final CandidateRule candidateRule;
	private final CarryForward carryForward;
	private final Map<Integer, TreeMap<Integer, ObjectPrompt>> prompts = new TreeMap<>();
	private int embeddedFrame = -1;
	private float[] embedding;

	Sam1Session(FrameSource frames, Sam1Networks networks, Sam1Preprocessor preprocessor, Sam1Settings settings, int lowResSize) {
		this.frames = frames;
		this.networks = networks;
		this.preprocessor = preprocessor;
		this.settings = settings;
		this.lowResSize = lowResSize;
		this.geometry = preprocessor.geometry(frames.width(), frames.height());
		this.candidateRule = new CandidateRule(settings.maxAreaFraction(), settings.minCarriedIou(), settings.minStability());
		this.carryForward = new CarryForward(settings.boxMargin());
	}

	@Override
	public void addPrompt(ObjectPrompt prompt) {
		prompt.checkWithin(frames.width(), frames.height(), frames.frameCount());
		prompts.computeIfAbsent(prompt.objectId(), id -> new TreeMap<>()).merge(prompt.frame(), prompt, Sam1Session::combine);
	}

	/** Clicks add up and a new box replaces the old one; a mask replaces everything (it stands alone). */
	private static ObjectPrompt combine(ObjectPrompt old, ObjectPrompt added) {
		if (added.mask() != null || old.mask() != null) return added;
		List<PointPrompt> points = new ArrayList<>(old.points());
		points.addAll(added.points());
		return new ObjectPrompt(added.objectId(), added.frame(), points, added.box() != null ? added.box() : old.box(), null);
	}

	@Override
	public void removeObject(int objectId) {
		prompts.remove(objectId);
	}

	@Override
	public void reset() {
		prompts.clear();
		dropEmbedding();
	}

	@Override
	public SortedSet<Integer> objectIds() {
		return new TreeSet<>(prompts.keySet());
	}

	@Override
	public FrameResult segmentFrame(int frame, CancellationToken cancel) {
		frames.checkIndex(frame);
		cancel.throwIfCancelled();
		return step(frame, new HashMap<>());
	}

	@Override
	public void propagate(Direction direction, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		if (prompts.isEmpty()) throw new IllegalStateException("No object to track: add a prompt (points, box or mask) first");
		int first = Integer.MAX_VALUE, last = -1;
		for (TreeMap<Integer, ObjectPrompt> byFrame : prompts.values()) {
			first = Math.min(first, byFrame.firstKey());
			last = Math.max(last, byFrame.lastKey());
		}
		int n = frames.frameCount();
		int[] done = { 0 };
		int total = switch (direction) {
			case FORWARD -> n - first;
			case BACKWARD -> last + 1;
			case BOTH -> n;
		};
		Consumer<FrameResult> counted = r -> {
			sink.accept(r);
			progress.progress(++done[0], total, "frame " + (r.frame() + 1) + " of " + n);
		};
		try {
			switch (direction) {
				case FORWARD -> sweep(first, n - 1, new HashMap<>(), counted, cancel, null);
				case BACKWARD -> sweep(last, 0, new HashMap<>(), counted, cancel, null);
				case BOTH -> {
					Map<Integer, Carried> atFirst = new HashMap<>();
					sweep(first, n - 1, new HashMap<>(), counted, cancel, atFirst);
					if (first > 0) sweep(first - 1, 0, atFirst, counted, cancel, null);
				}
			}
		}
		finally {
			dropEmbedding();
		}
	}

	/** Frames {@code from} to {@code to} (either way); {@code captureFirst}, if given, receives the states after the first frame. */
	private void sweep(int from, int to, Map<Integer, Carried> states, Consumer<FrameResult> sink, CancellationToken cancel, Map<Integer, Carried> captureFirst) {
		int stepBy = to >= from ? 1 : -1;
		for (int f = from; f != to + stepBy; f += stepBy) {
			cancel.throwIfCancelled();
			FrameResult result = step(f, states);
			if (f == from && captureFirst != null) captureFirst.putAll(states);
			sink.accept(result);
		}
	}

	/** Segments every object on frame {@code f} from its prompt there or its carried state; updates {@code states}. */
	private FrameResult step(int f, Map<Integer, Carried> states) {
		Map<Integer, int[]> anchors = anchors(f, states);
		Map<Integer, Accepted> accepted = new TreeMap<>();
		OverlapResolver overlaps = new OverlapResolver(geometry.width(), geometry.height());
		for (int id : prompts.keySet()) {
			ObjectPrompt prompt = prompts.get(id).get(f);
			Carried carried = states.get(id);
			int[] others = othersAnchors(anchors, id);
			Proposal proposal = prompt != null ? fromPrompt(prompt, others, f) : carried != null ? fromCarried(carried, others, f) : null;
			if (proposal == null) continue;
			int area = positive(proposal.frameLogits());
			boolean lost = prompt == null ? area < settings.minArea() || area > settings.maxGrowth() * carried.mask().area() : area == 0;
			if (lost) continue;
			overlaps.add(id, proposal.frameLogits());
			accepted.put(id, new Accepted(proposal.lowRes(), proposal.iou()));
		}
		List<ObjectResult> results = new ArrayList<>();
		for (int id : prompts.keySet()) {
			Accepted proposal = accepted.get(id);
			BinaryMask mask = proposal != null ? overlaps.maskOf(id) : null;
			boolean prompted = prompts.get(id).containsKey(f);
			boolean present = mask != null && !mask.isEmpty() && (prompted || mask.area() >= settings.minArea());
			if (present) {
				states.put(id, new Carried(mask, proposal.lowRes(), 0));
				results.add(new ObjectResult(id, f, mask, proposal.iou(), proposal.iou(), true));
			}
			else {
				Carried carried = states.get(id);
				// A carried object may miss a few frames (a blurry or low-confidence answer) before it counts as lost.
				if (!prompted && carried != null && carried.misses() < settings.maxMisses())
					states.put(id, new Carried(carried.mask(), carried.lowRes(), carried.misses() + 1));
				else states.remove(id);
				results.add(new ObjectResult(id, f, BinaryMask.empty(geometry.width(), geometry.height()), -1f, 0f, false));
			}
		}
		return new FrameResult(f, results);
	}

	/** Per object on frame f: the low-res cells of its clicks there, or of its carried mask's interior point. */
	private Map<Integer, int[]> anchors(int f, Map<Integer, Carried> states) {
		Map<Integer, int[]> anchors = new HashMap<>();
		for (int id : prompts.keySet()) {
			ObjectPrompt prompt = prompts.get(id).get(f);
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
		return decide(DecoderPrompt.of(prompt.points(), prompt.box(), null, geometry), false, others, f);
	}

	private Proposal fromCarried(Carried carried, int[] others, int f) {
		return decide(carryForward.prompt(carried.mask(), carried.lowRes(), geometry), true, others, f);
	}

	private Proposal decide(DecoderPrompt prompt, boolean carried, int[] others, int f) {
		MaskCandidates candidates = networks.decode(embedding(f), prompt, geometry);
		int k = candidateRule.choose(candidates, prompt.ambiguous(), carried, others, geometry);
		if (k < 0) return null;
		float[] lowRes = candidates.logits()[k];
		return new Proposal(LowResMasks.toFrame(lowRes, lowResSize, geometry), lowRes, candidates.ious()[k]);
	}

	/** The frame's image embedding; only the current frame's is kept. */
	private float[] embedding(int f) {
		if (embeddedFrame != f) {
			Frame frame = frames.read(f);
			if (frame.width() != geometry.width() || frame.height() != geometry.height())
				throw new IllegalStateException("Frame " + f + " is " + frame.width() + " x " + frame.height() + ", the sequence is " + geometry.width() + " x " + geometry.height());
			embedding = null; // let the previous one go before the next is made
			embedding = networks.encode(preprocessor.encoderInput(frame, frames.bitDepth()));
			embeddedFrame = f;
		}
		return embedding;
	}

	private void dropEmbedding() {
		embedding = null;
		embeddedFrame = -1;
	}

	private static int positive(float[] logits) {
		int n = 0;
		for (float v : logits) if (v > 0) n++;
		return n;
	}

	@Override
	public void close() {
		prompts.clear();
		dropEmbedding();
	}
}
