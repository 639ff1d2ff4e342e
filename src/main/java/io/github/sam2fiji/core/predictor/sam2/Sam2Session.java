package io.github.sam2fiji.core.predictor.sam2;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FramePreprocessor;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.image.PercentileNormalization;
import io.github.sam2fiji.core.image.Resampling;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.predictor.sam2.MemorySelection.Pointer;
import io.github.sam2fiji.core.predictor.sam2.MemorySelection.Selection;
import io.github.sam2fiji.core.predictor.sam2.MemorySelection.SpatialMemory;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.HeadsOutput;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.HeadsPrompt;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.ImageFeatures;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * SAM 2 video segmentation over one frame sequence, reproducing the official SAM2VideoPredictor
 * (docs/sam2-runtime.md names each rule's source): prompts are segmented when added (memory-free
 * on frames not yet tracked, memory-conditioned on tracked ones, previous logits fed back for
 * refinement); propagation first encodes the prompted frames' memories, then runs every object
 * frame by frame with its own memory bank.
 * <p>
 * Differences from the official predictor, on purpose: frames are read and encoded lazily and only
 * the last two frames' features are cached; outputs that no frame can select any more are dropped
 * (memories beyond the FIFO window, pointers beyond the pointer window, except around prompted
 * frames, where a later run in the other direction may start), so memory does not grow with the
 * sequence length. A correction click on a frame whose stored output was dropped therefore refines
 * from scratch instead of from the previous logits. Direction BACKWARD starts at the latest
 * prompted frame (the official reverse run starts at the earliest); BOTH is the official pair: a
 * forward run from the earliest prompted frame, then a reverse run from it (that frame is delivered
 * once).
 */
final class Sam2Session implements TrackingSession {

	private static final int FEATURE_CACHE_FRAMES = 2;
	private static final float REFED_LOGIT_LIMIT = 32f;

	private final Sam2Model model;
	private final Sam2Settings s;
	private final FrameSource frames;
	private final FramePreprocessor preprocessor;
	private final MemorySelection selection;
	private final boolean nonOverlapMasks;
	private final boolean correctionsAsConditioning;
	/** Objects in order of first use (the official object index order: non-overlap ties go to the first). */
	private final LinkedHashMap<Integer, ObjectTrack> objects = new LinkedHashMap<>();
	private final LinkedHashMap<Integer, ImageFeatures> featureCache = new LinkedHashMap<>(4, 0.75f, true);
	/** maskmem_pos_enc: the memory encoder's position encoding, the same for every frame and object. */
	private float[] memoryPosition;
	private boolean closed;

	/**
	 * @param nonOverlapMasks at each pixel only the object with the highest logit keeps it (outputs only)
	 * @param correctionsAsConditioning prompts on already tracked frames become conditioning frames
	 *          (the official add_all_frames_to_correct_as_cond), so corrections persist through re-propagation
	 */
	Sam2Session(Sam2Model model, FrameSource frames, PercentileNormalization normalization, boolean nonOverlapMasks, boolean correctionsAsConditioning) {
		if (frames.frameCount() < 1) throw new IllegalArgumentException("The sequence has no frames");
		this.model = model;
		this.s = model.settings;
		this.frames = frames;
		this.preprocessor = new FramePreprocessor(s.imageSize(), s.mean(), s.std(), normalization);
		this.selection = s.memorySelection();
		this.nonOverlapMasks = nonOverlapMasks;
		this.correctionsAsConditioning = correctionsAsConditioning;
	}

	// ---------------------------------------------------------------- prompts

	/** Clicks add to the frame's earlier clicks of the object; a box or a mask replaces them. */
	@Override
	public void addPrompt(ObjectPrompt prompt) {
		addPrompt(prompt, prompt.box() != null);
	}

	/**
	 * add_new_points_or_box / add_new_mask: with {@code clearOldPoints} the prompt replaces the
	 * object's earlier clicks on that frame, else its clicks are appended to them.
	 */
	void addPrompt(ObjectPrompt prompt, boolean clearOldPoints) {
		checkOpen();
		prompt.checkWithin(frames.width(), frames.height(), frames.frameCount());
		int frame = prompt.frame();
		if (prompt.box() != null && !clearOldPoints)
			throw new IllegalArgumentException("Object " + prompt.objectId() + " on frame " + frame + ": a box must replace earlier clicks (as in SAM 2, the box comes first)");
		// a new object joins the session only once its first prompt has been segmented
		ObjectTrack track = objects.get(prompt.objectId());
		boolean isNew = track == null;
		if (isNew) track = new ObjectTrack(prompt.objectId());
		boolean initial = !track.tracked.containsKey(frame);
		boolean reverse = !initial && track.tracked.get(frame);
		boolean conditioning = initial || correctionsAsConditioning;
		FrameOutput out;
		if (prompt.mask() != null) {
			float[] mask = maskAtModelSize(prompt.mask());
			track.points.remove(frame); // a mask prompt replaces the frame's clicks
			// use_mask_input_as_output_without_sam (required by Sam2Settings): the mask is the output
			out = maskAsOutput(features(frame), mask);
		}
		else {
			ObjectTrack.Points points = modelPoints(prompt.points(), prompt.box());
			ObjectTrack.Points old = track.points.get(frame);
			if (old != null && !clearOldPoints) points = old.append(points);
			track.points.put(frame, points);
			FrameOutput previous = track.temp(conditioning).get(frame);
			if (previous == null) previous = track.conditioning.get(frame);
			if (previous == null) previous = track.nonConditioning.get(frame);
			float[] previousLogits = previous != null && previous.lowResLogits() != null ? MaskLogits.clamp(previous.lowResLogits(), REFED_LOGIT_LIMIT) : null;
			out = segment(track, frame, initial, points, reverse, false, previousLogits);
		}
		track.temp(conditioning).put(frame, out);
		if (isNew) objects.put(track.id, track);
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
		if (objects.remove(objectId) == null)
			throw new IllegalArgumentException("There is no object " + objectId + " (objects: " + objectIds() + ")");
	}

	@Override
	public void reset() {
		checkOpen();
		objects.clear();
	}

	@Override
	public SortedSet<Integer> objectIds() {
		return Collections.unmodifiableSortedSet(new TreeSet<>(objects.keySet()));
	}

	// ---------------------------------------------------------------- one frame, one object

	/**
	 * _run_single_frame_inference / track_step for one object without a mask prompt:
	 * memory-conditioned (or, on an initial conditioning frame, memory-free) SAM heads; optionally
	 * the new memory.
	 */
	private FrameOutput segment(ObjectTrack track, int frame, boolean initial, ObjectTrack.Points points,
		boolean reverse, boolean encodeMemory, float[] previousLogits) {
		ImageFeatures f = features(frame);
		float[] pixFeat = initial ? withNoMemory(f.visionFeat()) : conditionOnMemory(track, frame, f, reverse);
		int pointCount = points == null ? 0 : points.labels().length;
		HeadsPrompt prompt = points == null ? new HeadsPrompt(new float[2], new int[] { -1 }, previousLogits)
			: new HeadsPrompt(points.coords(), points.labels(), previousLogits);
		HeadsOutput heads = model.heads(pixFeat, f, List.of(prompt));
		Chosen chosen = choose(heads, 0, s.multimask(initial, pointCount));
		short[] memory = null;
		if (encodeMemory) memory = encodeMemory(f, chosen.lowRes, chosen.score, points != null);
		float[] filled = MaskLogits.fillHoles(chosen.lowRes, s.lowResMaskSize(), s.lowResMaskSize(), s.fillHoleArea());
		return new FrameOutput(memory, filled, chosen.pointer, chosen.score, chosen.iou);
	}

	/** The mask token chosen for one object of a sam_heads run, gated by its object score. */
	private record Chosen(float[] lowRes, float[] pointer, float score, float iou, int token) {}

	/** MaskDecoder.forward's mask choice plus _forward_sam_heads' gating (docs/sam2-runtime.md, section 5). */
	private Chosen choose(HeadsOutput out, int object, boolean multimask) {
		int l2 = s.lowResMaskSize() * s.lowResMaskSize(), c = s.hiddenDim();
		float[] ious = Arrays.copyOfRange(out.ious(), object * 4, object * 4 + 4);
		int bestMulti = 1;
		for (int t = 2; t < 4; t++) if (ious[t] > ious[bestMulti]) bestMulti = t;
		int token, pointerToken;
		if (multimask) {
			token = bestMulti;
			pointerToken = s.multimaskTokenForPointer() ? bestMulti : 0;
		}
		else if (s.dynamicMultimask()) {
			float[] single = Arrays.copyOfRange(out.masks(), (object * 4) * l2, (object * 4 + 1) * l2);
			token = MaskLogits.stability(single, s.stabilityDelta()) >= s.stabilityThreshold() ? 0 : bestMulti;
			pointerToken = 0;
		}
		else {
			token = 0;
			pointerToken = 0;
		}
		float score = out.objectScores()[object];
		float[] lowRes = Arrays.copyOfRange(out.masks(), (object * 4 + token) * l2, (object * 4 + token + 1) * l2);
		if (!(score > 0)) Arrays.fill(lowRes, MaskLogits.NO_OBJECT_SCORE);
		float[] pointer = Arrays.copyOfRange(out.pointers(), (object * 4 + pointerToken) * c, (object * 4 + pointerToken + 1) * c);
		return new Chosen(lowRes, pointer, score, ious[token], token);
	}

	/** _use_mask_as_output: the mask prompt itself is the output; its pointer comes from the SAM heads. */
	private FrameOutput maskAsOutput(ImageFeatures f, float[] mask) {
		int size = s.imageSize(), l = s.lowResMaskSize();
		float[] highRes = new float[mask.length];
		boolean present = false;
		for (int i = 0; i < mask.length; i++) {
			highRes[i] = mask[i] * s.maskAsOutputScale() + s.maskAsOutputBias();
			present |= mask[i] > 0;
		}
		float[] lowRes = Resampling.bilinearAntialiased(highRes, size, size, l, l);
		HeadsPrompt prompt = new HeadsPrompt(new float[2], new int[] { -1 }, model.maskDownsample(mask));
		Chosen chosen = choose(model.heads(f.visionFeat(), f, List.of(prompt)), 0, false);
		float[] pointer = present ? chosen.pointer : model.noObjPtr.clone();
		float score = present ? s.maskAsOutputScale() + s.maskAsOutputBias() : s.maskAsOutputBias();
		float[] filled = MaskLogits.fillHoles(lowRes, l, l, s.fillHoleArea());
		return new FrameOutput(null, filled, pointer, score, 1f);
	}

	/** vision_feat + no_mem_embed at every position (directly_add_no_mem_embed). */
	private float[] withNoMemory(float[] visionFeat) {
		int c = s.hiddenDim(), hw = s.featureSize() * s.featureSize();
		float[] out = new float[visionFeat.length];
		for (int ch = 0; ch < c; ch++) {
			float add = model.noMemEmbed[ch];
			for (int i = 0; i < hw; i++) out[ch * hw + i] = visionFeat[ch * hw + i] + add;
		}
		return out;
	}

	/** _prepare_memory_conditioned_features for a frame that is not an initial conditioning frame. */
	private float[] conditionOnMemory(ObjectTrack track, int frame, ImageFeatures f, boolean reverse) {
		if (track.conditioning.isEmpty())
			throw new IllegalStateException("Object " + track.id + " has no prompted frame to take memory from");
		Selection chosen = selection.select(frame, track.conditioning.navigableKeySet(), track.nonConditioning.keySet(), frames.frameCount(), reverse);
		int m = s.memDim(), hw = s.featureSize() * s.featureSize();
		int n = chosen.memories().size();
		List<short[]> memories = new ArrayList<>(n);
		for (SpatialMemory sm : chosen.memories()) {
			FrameOutput out = stored(track, sm.frame());
			if (!out.hasMemory())
				throw new IllegalStateException("Memory of object " + track.id + " on frame " + sm.frame() + " was dropped but is needed for frame " + frame);
			memories.add(out.memoryBf16());
		}
		Consumer<FloatBuffer> memory = buffer -> memories.forEach(bits -> FrameOutput.putBf16(bits, buffer));
		Consumer<FloatBuffer> memoryPos = buffer -> {
			for (SpatialMemory sm : chosen.memories()) {
				int tpos = s.numMaskmem() - sm.temporalPosition() - 1;
				for (int ch = 0; ch < m; ch++) {
					float add = model.maskmemTposEnc[tpos * m + ch];
					for (int i = 0; i < hw; i++) buffer.put(memoryPosition[ch * hw + i] + add);
				}
			}
		};
		int c = s.hiddenDim(), kp = chosen.pointers().size();
		float[] pointers = new float[kp * c];
		float[] tpos = new float[kp];
		// official quirk: with a 1-frame sequence t_diff_max is 0 and the positions become 0/0 = NaN
		// (only reachable by a click on the frame after tracking it); positions 0 instead
		float scale = Math.max(1, selection.pointerDistanceScale(frames.frameCount()));
		for (int k = 0; k < kp; k++) {
			Pointer p = chosen.pointers().get(k);
			System.arraycopy(stored(track, p.frame()).pointer(), 0, pointers, k * c, c);
			tpos[k] = p.distance() / scale;
		}
		return model.attend(f, n, memory, memoryPos, kp, pointers, tpos);
	}

	private static FrameOutput stored(ObjectTrack track, int frame) {
		FrameOutput out = track.conditioning.get(frame);
		return out != null ? out : track.nonConditioning.get(frame);
	}

	/** _encode_new_memory from low-res logits (upsampled bilinearly to S x S), rounded to bfloat16. */
	private short[] encodeMemory(ImageFeatures f, float[] lowRes, float score, boolean fromPoints) {
		int l = s.lowResMaskSize(), size = s.imageSize();
		float[] highRes = Resampling.bilinear(lowRes, l, l, size, size);
		float[][] out = model.encodeMemory(f.visionFeat(), highRes, score, s.binarizeMaskFromPoints() && fromPoints);
		if (memoryPosition == null) memoryPosition = out[1];
		return FrameOutput.toBf16(out[0]);
	}

	/** Image features of a frame, read and encoded on demand; the last few frames are cached. */
	private ImageFeatures features(int frame) {
		ImageFeatures f = featureCache.get(frame);
		if (f != null) return f;
		f = model.encodeImage(preprocessor.apply(frames.read(frame), frames.bitDepth()));
		featureCache.put(frame, f);
		for (Iterator<Integer> it = featureCache.keySet().iterator(); featureCache.size() > FEATURE_CACHE_FRAMES;) {
			it.next();
			it.remove();
		}
		return f;
	}

	// ---------------------------------------------------------------- results

	/**
	 * The objects' current outputs on a frame, as the official predictor returns them after a
	 * prompt: the prompt's own output where the object was prompted there (memory-free on a frame
	 * not yet tracked: SAM-style image mode), else its tracked output if the session still holds it;
	 * otherwise the object is reported absent.
	 */
	@Override
	public FrameResult segmentFrame(int frame, CancellationToken cancel) {
		checkOpen();
		frames.checkIndex(frame);
		cancel.throwIfCancelled();
		Map<Integer, FrameOutput> outputs = new LinkedHashMap<>();
		for (ObjectTrack track : objects.values()) {
			FrameOutput out = track.latest(frame);
			// an output reduced to its pointer (bounded memory) has no mask to show any more
			outputs.put(track.id, out != null && out.lowResLogits() != null ? out : null);
		}
		return result(frame, outputs);
	}

	/** Frame-size results of the given outputs (null: object absent), in ascending ID order. */
	private FrameResult result(int frame, Map<Integer, FrameOutput> outputs) {
		int w = frames.width(), h = frames.height(), l = s.lowResMaskSize();
		List<Integer> ids = new ArrayList<>(outputs.keySet());
		List<float[]> logits = new ArrayList<>();
		for (int id : ids) {
			FrameOutput out = outputs.get(id);
			if (out == null || out.lowResLogits() == null) {
				float[] absent = new float[w * h];
				Arrays.fill(absent, MaskLogits.NO_OBJECT_SCORE);
				logits.add(absent);
			}
			else logits.add(Resampling.bilinear(out.lowResLogits(), l, l, w, h));
		}
		if (nonOverlapMasks) logits = MaskLogits.nonOverlapping(logits);
		List<ObjectResult> results = new ArrayList<>();
		for (int k = 0; k < ids.size(); k++) {
			FrameOutput out = outputs.get(ids.get(k));
			BinaryMask mask = BinaryMask.threshold(w, h, logits.get(k), 0f);
			float score = out == null ? MaskLogits.NO_OBJECT_SCORE : out.objectScore();
			float iou = out == null ? 0f : out.iou();
			results.add(new ObjectResult(ids.get(k), frame, mask, score, iou, score > 0));
		}
		results.sort((a, b) -> Integer.compare(a.objectId(), b.objectId()));
		return new FrameResult(frame, results);
	}

	// ---------------------------------------------------------------- propagation

	/** propagate_in_video_preflight: encode the prompted frames' memories and store their outputs. */
	private void preflight() {
		if (objects.isEmpty()) throw new IllegalStateException("There is no object to track: add a prompt first");
		for (ObjectTrack track : objects.values()) {
			for (boolean conditioning : new boolean[] { false, true }) {
				Map<Integer, FrameOutput> temp = track.temp(conditioning);
				for (Map.Entry<Integer, FrameOutput> e : temp.entrySet()) {
					FrameOutput out = e.getValue();
					if (!out.hasMemory()) out = out.withMemory(encodeMemory(features(e.getKey()), out.lowResLogits(), out.objectScore(), true));
					(conditioning ? track.conditioning : track.nonConditioning).put(e.getKey(), out);
				}
				temp.clear();
			}
			if (track.conditioning.isEmpty())
				throw new IllegalStateException("Object " + track.id + " has no prompt on a frame it was not tracked on: add a prompt first");
			for (int frame : track.conditioning.keySet()) track.nonConditioning.remove(frame);
		}
	}

	@Override
	public void propagate(Direction direction, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
		checkOpen();
		preflight();
		int first = Integer.MAX_VALUE, last = Integer.MIN_VALUE;
		for (ObjectTrack t : objects.values()) {
			first = Math.min(first, t.conditioning.firstKey());
			last = Math.max(last, t.conditioning.lastKey());
		}
		int n = frames.frameCount();
		int total = switch (direction) {
			case FORWARD -> n - first;
			case BACKWARD -> last + 1;
			case BOTH -> n;
		};
		int[] done = { 0 };
		Consumer<FrameResult> counted = r -> {
			sink.accept(r);
			progress.progress(++done[0], Math.max(total, 1), "frame " + (r.frame() + 1) + " of " + n);
		};
		switch (direction) {
			case FORWARD -> run(first, n - 1, false, counted, cancel);
			case BACKWARD -> run(last, 0, true, counted, cancel);
			case BOTH -> {
				run(first, n - 1, false, counted, cancel);
				if (first > 0) {
					// the official reverse run re-yields its start frame; deliver each frame once
					run(first, first, true, r -> {}, cancel);
					run(first - 1, 0, true, counted, cancel);
				}
			}
		}
	}

	/**
	 * propagate_in_video exactly: from {@code start} (null: the earliest prompted frame) over at most
	 * {@code maxFrames} further frames (null: all), forward or in reverse; a reverse run from frame 0
	 * does nothing.
	 */
	void propagateInVideo(Integer start, Integer maxFrames, boolean reverse, Consumer<FrameResult> sink, CancellationToken cancel) {
		checkOpen();
		preflight();
		int n = frames.frameCount();
		int from = start != null ? start : objects.values().stream().mapToInt(t -> t.conditioning.firstKey()).min().getAsInt();
		frames.checkIndex(from);
		int max = maxFrames != null ? maxFrames : n;
		if (reverse) {
			if (from > 0) run(from, Math.max(from - max, 0), true, sink, cancel);
		}
		else run(from, Math.min(from + max, n - 1), false, sink, cancel);
	}

	/** propagate_in_video over frames {@code from} to {@code to} inclusive. */
	private void run(int from, int to, boolean reverse, Consumer<FrameResult> sink, CancellationToken cancel) {
		int step = reverse ? -1 : 1;
		for (int frame = from; reverse ? frame >= to : frame <= to; frame += step) {
			cancel.throwIfCancelled();
			Map<Integer, FrameOutput> outputs = new LinkedHashMap<>();
			for (ObjectTrack track : objects.values()) {
				FrameOutput out = track.conditioning.get(frame);
				if (out == null) {
					out = segment(track, frame, false, null, reverse, true, null);
					track.nonConditioning.put(frame, out);
				}
				track.tracked.put(frame, reverse);
				outputs.put(track.id, out);
			}
			sink.accept(result(frame, outputs));
			dropUnreachable(frame, reverse);
		}
	}

	/**
	 * Drops stored outputs no later frame can select (section 12 of docs/sam2-runtime.md): after
	 * frame {@code frame}, memories further than the FIFO reach and pointers further than the
	 * pointer window, unless they lie near a prompted frame, where a run may start later.
	 */
	private void dropUnreachable(int frame, boolean reverse) {
		int memoryReach = (s.numMaskmem() + 1) * s.memoryStride() + 1;
		int pointerReach = Math.max(s.maxObjectPointers(), memoryReach);
		TreeSet<Integer> anchors = new TreeSet<>();
		for (ObjectTrack t : objects.values()) anchors.addAll(t.conditioning.keySet());
		for (ObjectTrack track : objects.values()) {
			for (Iterator<Map.Entry<Integer, FrameOutput>> it = track.nonConditioning.entrySet().iterator(); it.hasNext();) {
				Map.Entry<Integer, FrameOutput> e = it.next();
				int t = e.getKey();
				int distance = Math.min(Math.abs(t - frame), nearest(anchors, t));
				if (distance > pointerReach) it.remove();
				else if (distance > memoryReach && e.getValue().hasMemory()) e.setValue(e.getValue().pointerOnly());
			}
		}
	}

	private static int nearest(TreeSet<Integer> anchors, int t) {
		Integer lo = anchors.floor(t), hi = anchors.ceiling(t);
		int d = Integer.MAX_VALUE;
		if (lo != null) d = t - lo;
		if (hi != null) d = Math.min(d, hi - t);
		return d;
	}

	// ---------------------------------------------------------------- diagnostics and life cycle

	/** The stored low-resolution logits (hole-filled) of an object on a frame, or null (diagnostics, parity tests). */
	float[] lowResLogits(int objectId, int frame) {
		ObjectTrack track = objects.get(objectId);
		FrameOutput out = track == null ? null : track.latest(frame);
		return out == null ? null : out.lowResLogits();
	}

	/** Frames whose data the session holds: cached image features plus stored memories over all objects. */
	int retainedFrameCount() {
		int n = featureCache.size();
		for (ObjectTrack t : objects.values()) n += t.retainedMemories();
		return n;
	}

	/** Stored outputs of any kind over all objects (memories, logits or pointers). */
	int retainedOutputCount() {
		int n = 0;
		for (ObjectTrack t : objects.values()) n += t.conditioning.size() + t.nonConditioning.size() + t.tempConditioning.size() + t.tempNonConditioning.size();
		return n;
	}

	private void checkOpen() {
		if (closed) throw new IllegalStateException("This tracking session is closed");
	}

	@Override
	public void close() {
		closed = true;
		objects.clear();
		featureCache.clear();
	}
}
