package io.github.sam2fiji.core.predictor.sam2;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.function.Consumer;

import io.github.sam2fiji.core.image.Resampling;
import io.github.sam2fiji.core.predictor.sam2.MemorySelection.Pointer;
import io.github.sam2fiji.core.predictor.sam2.MemorySelection.Selection;
import io.github.sam2fiji.core.predictor.sam2.MemorySelection.SpatialMemory;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.HeadsOutput;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.HeadsPrompt;
import io.github.sam2fiji.core.predictor.sam2.Sam2Model.ImageFeatures;

/**
 * SAM 2's computation for one object on one frame (the official {@code track_step} and what it
 * calls: docs/sam2-runtime.md, sections 4-7), with no per-video state: everything it reads of the
 * object's past comes in through {@link Memories}, and it returns a new {@link FrameOutput}. The
 * per-video state (prompts, outputs, features) is the session's.
 */
final class Sam2FrameStep {

	/** What one object has stored, as the frame step reads it (the object's output dictionaries). */
	interface Memories {
		int objectId();

		NavigableSet<Integer> conditioningFrames();

		Set<Integer> nonConditioningFrames();

		/** The memory (bfloat16 bits) stored for {@code frame}, read for {@code forFrame}. */
		short[] memory(int frame, int forFrame);

		/** The object pointer stored for {@code frame}, read for {@code forFrame}. */
		float[] pointer(int frame, int forFrame);
	}

	private final Sam2Model model;
	private final Sam2Settings s;
	private final MemorySelection selection;
	/** maskmem_pos_enc: a model constant (the memory encoder's position encoding), known after its first call. */
	private float[] memoryPosition;

	Sam2FrameStep(Sam2Model model) {
		this.model = model;
		this.s = model.settings;
		this.selection = s.memorySelection();
	}

	MemorySelection selection() {
		return selection;
	}

	/**
	 * _run_single_frame_inference / track_step for one object without a mask prompt:
	 * memory-conditioned (or, on an initial conditioning frame, memory-free) SAM heads, then
	 * optionally the new memory.
	 *
	 * @param points clicks and box corners in model pixels, or null (tracking)
	 * @param previousLogits low-res logits fed back as mask input (refinement), or null
	 */
	FrameOutput segment(ImageFeatures f, Memories past, int frame, int frameCount, boolean initial, ObjectTrack.Points points,
		boolean reverse, boolean encodeMemory, float[] previousLogits) {
		float[] pixFeat = initial ? withNoMemory(f.visionFeat()) : conditionOnMemory(past, frame, frameCount, f, reverse);
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

	/** One multimask candidate of a click in image mode: low-res logits, predicted IoU, the click's object score. */
	record ClickCandidate(int click, float[] lowRes, float iou, float objectScore) {}

	/**
	 * Image mode (SAM2ImagePredictor, as SAM 2's automatic mask generator uses it): no memory
	 * (vision features plus no_mem_embed), each click its own prompt, all decoded in one sam_heads
	 * run; every click's three multimask candidates (tokens 1 to 3).
	 */
	List<ClickCandidate> clickCandidates(ImageFeatures f, List<ObjectTrack.Points> clicks) {
		float[] one = withNoMemory(f.visionFeat());
		// the heads take one feature map per prompt: the same one for every click
		float[] pixFeat = new float[one.length * clicks.size()];
		for (int k = 0; k < clicks.size(); k++) System.arraycopy(one, 0, pixFeat, k * one.length, one.length);
		List<HeadsPrompt> prompts = new ArrayList<>();
		for (ObjectTrack.Points p : clicks) prompts.add(new HeadsPrompt(p.coords(), p.labels(), null));
		HeadsOutput heads = model.heads(pixFeat, f, prompts);
		int l2 = s.lowResMaskSize() * s.lowResMaskSize();
		List<ClickCandidate> out = new ArrayList<>();
		for (int k = 0; k < clicks.size(); k++)
			for (int t = 1; t < 4; t++)
				out.add(new ClickCandidate(k, Arrays.copyOfRange(heads.masks(), (k * 4 + t) * l2, (k * 4 + t + 1) * l2), heads.ious()[k * 4 + t],
					heads.objectScores()[k]));
		return out;
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

	/** _use_mask_as_output: the mask prompt (S x S, 0/1) itself is the output; its pointer comes from the SAM heads. */
	FrameOutput maskAsOutput(ImageFeatures f, float[] mask) {
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
	private float[] conditionOnMemory(Memories past, int frame, int frameCount, ImageFeatures f, boolean reverse) {
		if (past.conditioningFrames().isEmpty())
			throw new IllegalStateException("Object " + past.objectId() + " has no prompted frame to take memory from");
		Selection chosen = selection.select(frame, past.conditioningFrames(), past.nonConditioningFrames(), frameCount, reverse);
		int m = s.memDim(), hw = s.featureSize() * s.featureSize();
		int n = chosen.memories().size();
		List<short[]> memories = new ArrayList<>(n);
		for (SpatialMemory sm : chosen.memories()) memories.add(past.memory(sm.frame(), frame));
		float[] position = memoryPosition();
		Consumer<FloatBuffer> memory = buffer -> memories.forEach(bits -> FrameOutput.putBf16(bits, buffer));
		Consumer<FloatBuffer> memoryPos = buffer -> {
			for (SpatialMemory sm : chosen.memories()) {
				int tpos = s.numMaskmem() - sm.temporalPosition() - 1;
				for (int ch = 0; ch < m; ch++) {
					float add = model.maskmemTposEnc[tpos * m + ch];
					for (int i = 0; i < hw; i++) buffer.put(position[ch * hw + i] + add);
				}
			}
		};
		int c = s.hiddenDim(), kp = chosen.pointers().size();
		float[] pointers = new float[kp * c];
		float[] tpos = new float[kp];
		// official quirk: with a 1-frame sequence t_diff_max is 0 and the positions become 0/0 = NaN
		// (only reachable by a click on the frame after tracking it); positions 0 instead
		float scale = Math.max(1, selection.pointerDistanceScale(frameCount));
		for (int k = 0; k < kp; k++) {
			Pointer p = chosen.pointers().get(k);
			System.arraycopy(past.pointer(p.frame(), frame), 0, pointers, k * c, c);
			tpos[k] = p.distance() / scale;
		}
		return model.attend(f, n, memory, memoryPos, kp, pointers, tpos);
	}

	/** _encode_new_memory from low-res logits (upsampled bilinearly to S x S), rounded to bfloat16. */
	short[] encodeMemory(ImageFeatures f, float[] lowRes, float score, boolean fromPoints) {
		int l = s.lowResMaskSize(), size = s.imageSize();
		float[] highRes = Resampling.bilinear(lowRes, l, l, size, size);
		float[][] out = model.encodeMemory(f.visionFeat(), highRes, score, s.binarizeMaskFromPoints() && fromPoints);
		if (memoryPosition == null) memoryPosition = out[1];
		return FrameOutput.toBf16(out[0]);
	}

	/**
	 * maskmem_pos_enc. Every stored memory was encoded by this step first, so it is known whenever a
	 * memory is attended to.
	 */
	private float[] memoryPosition() {
		if (memoryPosition == null) throw new IllegalStateException("No memory has been encoded yet");
		return memoryPosition;
	}
}
