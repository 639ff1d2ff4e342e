package io.github.sam2fiji.core.predictor.sam2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.image.Resampling;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.ImageFeatures;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.LowResLogits;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * The per-video state of SAM 2 tracking, as the official SAM2VideoPredictor's inference_state, and
 * the orchestration of its calls (docs/sam2-runtime.md, section 8, names each rule's source): prompts
 * are segmented when added (memory-free on frames not yet tracked, memory-conditioned on tracked
 * ones, previous logits fed back for refinement); propagation first encodes the prompted frames'
 * memories, then runs every object frame by frame with its own memory bank. The computation for one
 * object on one frame is the stateless {@link Sam2FrameStep}.
 * <p>
 * Like the official predictor, an interactive session keeps every output, so any later prompt or
 * run gives the official result; the large arrays live in an {@link OutputStore} that spills what
 * does not fit its RAM budget to a temporary file. A batch session ({@link SessionOptions#batch()})
 * drops, after each frame, the outputs no frame still to come in the current call can select (the
 * reach comes from {@link MemorySelection}), and refuses what would need them. Only the last two
 * frames' image features are cached (features are recomputed on demand: no effect on results).
 * Direction BACKWARD starts at the latest prompted frame (the official reverse run starts at the
 * earliest); BOTH is the official pair: a forward run from the earliest prompted frame, then a
 * reverse run from it (that frame is delivered once).
 */
final class Sam2Session implements TrackingSession {

	/** Image features kept whatever the cache budget: the frame being processed and the one before. */
	static final int FEATURE_CACHE_FRAMES = 2;
	private static final float REFED_LOGIT_LIMIT = 32f;

	private final Sam2Model model;
	private final Sam2FrameStep step;
	private final Sam2Settings s;
	private final FrameSource frames;
	private final boolean nonOverlapMasks;
	private final boolean correctionsAsConditioning;
	private final boolean batch;
	private final OutputStore store;
	/** Objects in order of first use (the official object index order: non-overlap ties go to the first). */
	private final LinkedHashMap<Integer, ObjectTrack> objects = new LinkedHashMap<>();
	/** The frames' image features: the session's own, or shared with the caller's other sessions on the sequence. */
	private final FrameEncodings<ImageFeatures> featureCache;
	private final boolean ownFeatures;
	/**
	 * Frame -> the kind of temporary output (conditioning or not) the latest prompt there made: the
	 * official predictor shows that kind only (see {@link #segmentFrame}).
	 */
	private final Map<Integer, Boolean> shownTemporaryKey = new HashMap<>();
	private boolean propagated;
	private boolean closed;

	/**
	 * @param features the frames' image features ({@link Sam2Tracker#encodings}), keeping at least
	 *          {@link #FEATURE_CACHE_FRAMES}
	 * @param ownFeatures the session's own (cleared with it), else shared and left to the caller
	 */
	Sam2Session(Sam2Model model, Sam2FrameStep step, FrameEncodings<ImageFeatures> features, boolean ownFeatures, SessionOptions options) {
		FrameSource frames = features.frames();
		if (frames.frameCount() < 1) throw new IllegalArgumentException("The sequence has no frames");
		this.model = model;
		this.step = step;
		this.s = model.settings;
		this.frames = frames;
		this.nonOverlapMasks = options.nonOverlapMasks() != null ? options.nonOverlapMasks() : s.nonOverlapMasks();
		this.correctionsAsConditioning = options.correctionsAsConditioning() != null ? options.correctionsAsConditioning()
			: s.addAllCorrectedFramesAsConditioning();
		this.batch = options.batch();
		int l = s.lowResMaskSize(), h = s.featureSize();
		this.store = new OutputStore(options.memoryBudgetBytes(), options.spillFolder(), s.memDim() * h * h, l * l);
		this.featureCache = features;
		this.ownFeatures = ownFeatures;
	}

	// ---------------------------------------------------------------- prompts

	/** add_new_points_or_box / add_new_mask. */
	@Override
	public void addPrompt(ObjectPrompt prompt, PromptMode mode) {
		checkOpen();
		checkPromptsAllowed();
		prompt.checkWithin(frames.width(), frames.height(), frames.frameCount());
		int frame = prompt.frame();
		if ((prompt.box() != null || prompt.mask() != null) && mode != PromptMode.REPLACE)
			throw new IllegalArgumentException("Object " + prompt.objectId() + " on frame " + frame + ": a " + (prompt.box() != null ? "box" : "mask")
				+ " cannot be appended to earlier clicks; it replaces them (as in SAM 2, the box comes first)");
		// a new object joins the session only once its first prompt has been segmented
		ObjectTrack track = objects.get(prompt.objectId());
		boolean isNew = track == null;
		if (isNew) track = new ObjectTrack(prompt.objectId(), store);
		boolean initial = !track.tracked.containsKey(frame);
		boolean reverse = !initial && track.tracked.get(frame);
		boolean conditioning = initial || correctionsAsConditioning;
		FrameOutput out;
		try {
			if (prompt.mask() != null) {
				track.points.remove(frame); // a mask prompt replaces the frame's clicks
				// use_mask_input_as_output_without_sam (required by Sam2Settings): the mask is the output
				out = step.maskAsOutput(features(frame), maskAtModelSize(prompt.mask()));
			}
			else {
				ObjectTrack.Points points = modelPoints(prompt.points(), prompt.box());
				ObjectTrack.Points old = track.points.get(frame);
				if (old != null && mode == PromptMode.APPEND) points = old.append(points);
				StoredOutput previous = track.temp(conditioning).get(frame);
				if (previous == null) previous = track.conditioning.get(frame);
				if (previous == null) previous = track.nonConditioning.get(frame);
				float[] previousLogits = previous != null ? MaskLogits.clamp(logitsOf(track, previous, frame), REFED_LOGIT_LIMIT) : null;
				out = step.segment(features(frame), track, frame, frames.frameCount(), initial, points, reverse, false, previousLogits);
				track.points.put(frame, points);
			}
		}
		catch (RuntimeException e) {
			if (isNew) track.releaseAll();
			throw e;
		}
		track.put(track.temp(conditioning), frame, StoredOutput.of(out, store));
		if (isNew) objects.put(track.id, track);
		shownTemporaryKey.put(frame, conditioning);
	}

	/** clear_all_prompts_in_frame. */
	@Override
	public void clearPrompts(int objectId, int frame) {
		checkOpen();
		checkPromptsAllowed();
		frames.checkIndex(frame);
		ObjectTrack track = existing(objectId);
		track.points.remove(frame);
		track.discard(track.tempConditioning, frame);
		track.discard(track.tempNonConditioning, frame);
		StoredOutput out = track.conditioning.remove(frame);
		if (out != null) {
			// not a conditioning frame any more: its output stays as a non-conditioning one
			track.put(track.nonConditioning, frame, out);
			track.tracked.remove(frame);
		}
		shownTemporaryKey.remove(frame);
	}

	/** Binary mask -> S x S model mask: antialiased bilinear resize, then >= 0.5 (add_new_mask). */
	private float[] maskAtModelSize(BinaryMask mask) {
		byte[] bits = mask.toBytes();
		float[] plane = new float[bits.length];
		for (int i = 0; i < bits.length; i++) plane[i] = bits[i];
		int size = s.imageSize();
		if (mask.width() == size && mask.height() == size) return plane;
		float[] resized = Resampling.bilinearAntialiased(plane, mask.width(), mask.height(), size, size);
		for (int i = 0; i < resized.length; i++) resized[i] = resized[i] >= 0.5f ? 1f : 0f;
		return resized;
	}

	/** Frame pixels -> model pixels (x / W * S in float32); a box becomes labels 2, 3 before the clicks. */
	private ObjectTrack.Points modelPoints(List<PointPrompt> clicks, BoxPrompt box) {
		int n = clicks.size() + (box != null ? 2 : 0);
		float[] coords = new float[2 * n];
		int[] labels = new int[n];
		int i = 0;
		if (box != null) {
			i = put(coords, labels, i, box.x0(), box.y0(), 2);
			i = put(coords, labels, i, box.x1(), box.y1(), 3);
		}
		for (PointPrompt p : clicks) i = put(coords, labels, i, p.x(), p.y(), p.positive() ? 1 : 0);
		return new ObjectTrack.Points(coords, labels);
	}

	private int put(float[] coords, int[] labels, int i, double x, double y, int label) {
		float size = s.imageSize();
		coords[2 * i] = (float) x / (float) frames.width() * size;
		coords[2 * i + 1] = (float) y / (float) frames.height() * size;
		labels[i] = label;
		return i + 1;
	}

	@Override
	public void removeObject(int objectId) {
		checkOpen();
		ObjectTrack track = existing(objectId);
		for (int frame : track.points.keySet()) shownTemporaryKey.remove(frame);
		for (int frame : track.tempConditioning.keySet()) shownTemporaryKey.remove(frame);
		for (int frame : track.tempNonConditioning.keySet()) shownTemporaryKey.remove(frame);
		track.releaseAll();
		objects.remove(objectId);
	}

	@Override
	public void reset() {
		checkOpen();
		for (ObjectTrack t : objects.values()) t.releaseAll();
		objects.clear();
		shownTemporaryKey.clear();
	}

	@Override
	public SortedSet<Integer> objectIds() {
		return Collections.unmodifiableSortedSet(new TreeSet<>(objects.keySet()));
	}

	private ObjectTrack existing(int objectId) {
		ObjectTrack track = objects.get(objectId);
		if (track == null) throw new IllegalArgumentException("There is no object " + objectId + " (objects: " + objectIds() + ")");
		return track;
	}

	private void checkPromptsAllowed() {
		if (batch && propagated)
			throw new IllegalStateException("This session was opened for a batch run and has propagated: it kept only what that run needed, "
				+ "so prompts cannot be added or cleared any more. Track again in an interactive session to correct the result");
	}

	// ---------------------------------------------------------------- results

	/**
	 * The objects' current outputs on a frame, as the official consolidation showed them after the
	 * latest call there: for each object its temporary output of the kind that call made (a prompt's
	 * own kind; after clearing prompts or removing an object, conditioning where some object has a
	 * temporary conditioning output there), else its stored output; objects without one are absent.
	 */
	@Override
	public FrameResult segmentFrame(int frame, CancellationToken cancel) {
		checkOpen();
		frames.checkIndex(frame);
		cancel.throwIfCancelled();
		Boolean key = shownTemporaryKey.get(frame);
		return result(frame, key != null ? key : anyTemporaryConditioning(frame));
	}

	private boolean anyTemporaryConditioning(int frame) {
		for (ObjectTrack t : objects.values()) if (t.tempConditioning.containsKey(frame)) return true;
		return false;
	}

	/** The frame's result with each object's output as consolidation shows it for {@code temporaryKey}. */
	private FrameResult result(int frame, boolean temporaryKey) {
		Map<Integer, StoredOutput> outputs = new LinkedHashMap<>();
		for (ObjectTrack track : objects.values()) outputs.put(track.id, track.shown(frame, temporaryKey));
		return result(frame, outputs);
	}

	/** Frame-size results of the given outputs (null: object absent), in ascending ID order. */
	private FrameResult result(int frame, Map<Integer, StoredOutput> outputs) {
		int w = frames.width(), h = frames.height(), l = s.lowResMaskSize();
		List<Integer> ids = new ArrayList<>(outputs.keySet());
		List<float[]> lowRes = new ArrayList<>(), logits = new ArrayList<>();
		for (int id : ids) {
			StoredOutput out = outputs.get(id);
			if (out == null) {
				float[] absent = new float[w * h];
				Arrays.fill(absent, MaskLogits.NO_OBJECT_SCORE);
				lowRes.add(null);
				logits.add(absent);
			}
			else {
				float[] low = logitsOf(objects.get(id), out, frame);
				lowRes.add(low);
				logits.add(Resampling.bilinear(low, l, l, w, h));
			}
		}
		int[] claimed = new int[ids.size()];
		if (nonOverlapMasks) {
			for (int k = 0; k < ids.size(); k++)
				for (float v : logits.get(k)) if (v > 0) claimed[k]++;
			logits = MaskLogits.nonOverlapping(logits);
		}
		List<ObjectResult> results = new ArrayList<>();
		for (int k = 0; k < ids.size(); k++) {
			StoredOutput out = outputs.get(ids.get(k));
			BinaryMask mask = BinaryMask.threshold(w, h, logits.get(k), 0f);
			int lost = nonOverlapMasks ? claimed[k] - mask.area() : 0;
			float score = out == null ? MaskLogits.NO_OBJECT_SCORE : out.objectScore;
			float iou = out == null ? 0f : out.iou;
			LowResLogits low = lowRes.get(k) == null ? null : new LowResLogits(l, lowRes.get(k));
			// the decoder's own mask, before non-overlap: as SAM's stability score of a candidate
			float stability = score > 0 && low != null ? MaskLogits.stability(low.values(), 1f) : Float.NaN;
			results.add(new ObjectResult(ids.get(k), frame, mask, score, iou, score > 0, low, lost, stability));
		}
		results.sort((a, b) -> Integer.compare(a.objectId(), b.objectId()));
		return new FrameResult(frame, results);
	}

	private float[] logitsOf(ObjectTrack track, StoredOutput out, int frame) {
		if (out.memoryDropped())
			throw new IllegalStateException("Object " + track.id + " on frame " + (frame + 1) + ": this batch session has already delivered and dropped that "
				+ "result; track again in an interactive session to look at it or correct it");
		return store.logits(out.logits);
	}

	/** Image features of a frame, read and encoded on demand; recently used frames' are cached. */
	private ImageFeatures features(int frame) {
		return featureCache.get(frame);
	}

	@Override
	public void prepareFrame(int frame) {
		checkOpen();
		if (frame < 0 || frame >= frames.frameCount()) throw new IllegalArgumentException("Frame " + frame + " is not in the sequence (frames 0 to " + (frames.frameCount() - 1) + ")");
		features(frame);
	}

	// ---------------------------------------------------------------- propagation

	/** propagate_in_video_preflight: encode the prompted frames' memories and store their outputs. */
	private void preflight() {
		if (objects.isEmpty()) throw new IllegalStateException("There is no object to track: add a prompt first");
		shownTemporaryKey.clear();
		for (ObjectTrack track : objects.values()) {
			for (boolean conditioning : new boolean[] { false, true }) {
				Map<Integer, StoredOutput> temp = track.temp(conditioning);
				for (Map.Entry<Integer, StoredOutput> e : temp.entrySet()) {
					StoredOutput out = e.getValue();
					int frame = e.getKey();
					if (!out.hasMemory()) out.memory = store.putMemory(step.encodeMemory(features(frame), store.logits(out.logits), out.objectScore, true));
					track.put(conditioning ? track.conditioning : track.nonConditioning, frame, out);
				}
				temp.clear();
			}
			if (track.conditioning.isEmpty())
				throw new IllegalStateException("Object " + track.id + " has no prompt on a frame it was not tracked on: add one, or remove the object");
			for (int frame : track.conditioning.keySet()) track.discard(track.nonConditioning, frame);
		}
	}

	private int earliestConditioningFrame() {
		return objects.values().stream().mapToInt(t -> t.conditioning.firstKey()).min().getAsInt();
	}

	/** propagate_in_video(start_frame_idx, max_frame_num_to_track, reverse). */
	@Override
	public void propagate(Propagation run, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		checkOpen();
		preflight();
		int[] order = run.frames(earliestConditioningFrame(), frames.frameCount());
		run(List.of(new Leg(order, run.reverse(), true)), sink, progress, cancel);
	}

	@Override
	public void propagate(Direction direction, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		checkOpen();
		preflight();
		int first = earliestConditioningFrame();
		int last = objects.values().stream().mapToInt(t -> t.conditioning.lastKey()).max().getAsInt();
		int n = frames.frameCount();
		List<Leg> legs = switch (direction) {
			case FORWARD -> List.of(new Leg(Propagation.forward().frames(first, n), false, true));
			case BACKWARD -> List.of(new Leg(Propagation.inReverse().from(last).frames(first, n), true, true));
			// the official reverse run re-yields its start frame: deliver each frame once
			case BOTH -> List.of(new Leg(Propagation.forward().frames(first, n), false, true),
				new Leg(Propagation.inReverse().frames(first, n), true, false));
		};
		run(legs, sink, progress, cancel);
	}

	/**
	 * Frames of one propagate_in_video call in processing order; with {@code deliverStart} false the
	 * first frame's result is computed but not delivered.
	 */
	private record Leg(int[] frames, boolean reverse, boolean deliverStart) {}

	private void run(List<Leg> legs, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		int total = 0;
		for (Leg leg : legs) total += leg.frames.length - (leg.deliverStart || leg.frames.length == 0 ? 0 : 1);
		int done = 0, n = frames.frameCount();
		propagated = true;
		for (int li = 0; li < legs.size(); li++) {
			Leg leg = legs.get(li);
			for (int i = 0; i < leg.frames.length; i++) {
				cancel.throwIfCancelled();
				int frame = leg.frames[i];
				FrameResult result = track(frame, leg.reverse);
				if (i > 0 || leg.deliverStart) {
					sink.accept(result);
					progress.progress(++done, Math.max(total, 1), "frame " + (frame + 1) + " of " + n);
				}
				if (batch) dropUnreachable(legs, li, i + 1);
			}
		}
	}

	/** One frame of propagate_in_video for every object. */
	private FrameResult track(int frame, boolean reverse) {
		Map<Integer, StoredOutput> outputs = new LinkedHashMap<>();
		for (ObjectTrack track : objects.values()) {
			StoredOutput out = track.conditioning.get(frame);
			if (out == null) {
				out = StoredOutput.of(step.segment(features(frame), track, frame, frames.frameCount(), false, null, reverse, true, null), store);
				track.put(track.nonConditioning, frame, out);
			}
			track.tracked.put(frame, reverse);
			outputs.put(track.id, out);
		}
		return result(frame, outputs);
	}

	/**
	 * Batch sessions: drops every non-conditioning output that no frame still to come in this call
	 * (leg {@code leg} from index {@code next} on, then the later legs) can select.
	 */
	private void dropUnreachable(List<Leg> legs, int leg, int next) {
		int n = frames.frameCount();
		List<int[]> memoryReach = new ArrayList<>(), pointerReach = new ArrayList<>();
		for (int li = leg; li < legs.size(); li++) {
			Leg l = legs.get(li);
			int from = li == leg ? next : 0;
			if (from >= l.frames.length) continue;
			// a leg's frames are consecutive and each frame's reach moves with it: the reaches of the
			// leg's remaining ends bound the reach of all its remaining frames
			int[][] a = step.selection().reach(l.frames[from], l.reverse, n), b = step.selection().reach(l.frames[l.frames.length - 1], l.reverse, n);
			for (int k = 0; k < 2; k++) {
				int[] hull = a[k] == null ? b[k] : b[k] == null ? a[k] : new int[] { Math.min(a[k][0], b[k][0]), Math.max(a[k][1], b[k][1]) };
				if (hull != null) (k == 0 ? memoryReach : pointerReach).add(hull);
			}
		}
		for (ObjectTrack track : objects.values()) {
			for (int t : outside(track.memoryKept, memoryReach)) track.dropMemory(t);
			for (int t : outside(track.pointerKept, pointerReach)) track.drop(t);
		}
	}

	private static List<Integer> outside(TreeSet<Integer> frames, List<int[]> intervals) {
		List<Integer> out = new ArrayList<>();
		for (int t : frames) {
			boolean inside = false;
			for (int[] r : intervals) inside |= r[0] <= t && t <= r[1];
			if (!inside) out.add(t);
		}
		return out;
	}

	// ---------------------------------------------------------------- diagnostics and life cycle

	/** Frames whose data the session holds: cached image features plus stored memories over all objects. */
	int retainedFrameCount() {
		int n = featureCache.size();
		for (ObjectTrack t : objects.values()) n += t.retainedMemories();
		return n;
	}

	/** Bytes of stored memories and logits in RAM, and in the spill file now. */
	long[] storedBytes() {
		return new long[] { store.ramBytes(), store.diskBytesInUse() };
	}

	/**
	 * The spill file's size (the most ever spilled at once), the arrays written to and read back from
	 * it, and the nanoseconds spent writing and reading them.
	 */
	long[] spillStatistics() {
		long[] counts = store.spillCounts();
		return new long[] { store.diskBytes(), counts[0], counts[1], counts[2] };
	}

	private void checkOpen() {
		if (closed) throw new IllegalStateException("This tracking session is closed");
	}

	@Override
	public void close() {
		if (closed) return;
		closed = true;
		objects.clear();
		if (ownFeatures) featureCache.clear();
		store.close();
	}
}
