package io.github.sam2fiji.core.predictor.parity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.image.Resampling;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.npy.NpyArray;
import io.github.sam2fiji.core.script.PromptScript;

/**
 * One case of test-data/sam2-reference (made by scripts/make_reference.py with the official
 * SAM2VideoPredictor; layout in its README): its clip, its calls and the official result of every
 * frame and object each call showed. {@link #replay} makes the same calls through the public
 * {@link TrackingSession} API; {@link #compare} holds the results against the official ones.
 */
public final class ReferenceCase {

	public static final Path FIXTURES = Path.of(System.getProperty("sam2.reference", "test-data/sam2-reference"));

	/**
	 * A pixel whose official logit is this close to the threshold 0, or (non-overlap on) whose
	 * object's official logit is this close to the best other object's, is decided by float rounding:
	 * such pixels are not held against parity; every other differing pixel is.
	 */
	private static final float TIE = 1e-3f;

	final String name;
	final Clip clip;
	final JsonObject json;
	final JsonObject settings;
	private final Path folder;
	private final byte[] packedMasks;
	private final int maskRowBytes;
	private final float[] officialLogits;
	/** step -> "frame/object" -> the official record. */
	private final Map<Integer, Map<String, JsonObject>> expected = new HashMap<>();

	private ReferenceCase(Path folder) throws IOException {
		this.folder = folder;
		this.name = folder.getFileName().toString();
		this.json = json(folder.resolve("case.json"));
		this.settings = json.getAsJsonObject("settings");
		NpyArray frameArray = NpyArray.read(folder.resolve(json.get("frames").getAsString()));
		long[] shape = frameArray.shape();
		this.clip = new Clip(frameArray.bytes(), (int) shape[0], (int) shape[1], (int) shape[2], shape.length == 4 ? (int) shape[3] : 1);
		NpyArray masks = NpyArray.read(folder.resolve(json.get("masks_packed").getAsString()));
		this.packedMasks = masks.bytes();
		this.maskRowBytes = (int) masks.shape()[1];
		this.officialLogits = NpyArray.read(folder.resolve(json.get("low_res_logits").getAsString())).floats();
		for (JsonElement e : json.getAsJsonArray("outputs")) {
			JsonObject o = e.getAsJsonObject();
			expected.computeIfAbsent(o.get("step").getAsInt(), k -> new HashMap<>()).put(o.get("frame").getAsInt() + "/" + o.get("obj_id").getAsInt(), o);
		}
	}

	/** The cases listed in the fixtures' manifest, in its order. */
	public static List<String> names() throws IOException {
		List<String> names = new ArrayList<>();
		for (JsonElement e : json(FIXTURES.resolve("manifest.json")).getAsJsonArray("cases")) names.add(e.getAsString());
		return names;
	}

	public static ReferenceCase load(String name) throws IOException {
		return new ReferenceCase(FIXTURES.resolve(name));
	}

	/** The reference package the fixtures were made with. */
	public static Path modelFolder() throws IOException {
		return FIXTURES.resolve(json(FIXTURES.resolve("manifest.json")).getAsJsonObject("model").get("package").getAsString());
	}

	private static JsonObject json(Path file) throws IOException {
		return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
	}

	/** The official predictor settings of this case as session options (the given memory budget). */
	public SessionOptions options(long memoryBudget) {
		return SessionOptions.interactive().withNonOverlapMasks(settings.get("non_overlap_masks").getAsBoolean())
			.withCorrectionsAsConditioning(settings.get("add_all_frames_to_correct_as_cond").getAsBoolean()).withMemoryBudget(memoryBudget);
	}

	public int frameCount() {
		return clip.frames();
	}

	public String name() {
		return name;
	}

	/** The case's clip as a frame source. */
	public FrameSource frames() {
		return clip;
	}

	public int stepCount() {
		return json.getAsJsonArray("steps").size();
	}

	/** The clip: uint8 frames [T, H, W, 3] or [T, H, W]. */
	record Clip(byte[] pixels, int frames, int height, int width, int channels) implements FrameSource {
		@Override
		public int frameCount() {
			return frames;
		}

		@Override
		public Frame read(int index) {
			checkIndex(index);
			int plane = width * height;
			float[] data = new float[channels * plane];
			int base = index * plane * channels;
			for (int i = 0; i < plane; i++)
				for (int c = 0; c < channels; c++) data[c * plane + i] = pixels[base + i * channels + c] & 0xff;
			return new Frame(width, height, channels, data);
		}
	}

	/** What one call showed: the frames' results in the order they came. */
	public record Shown(int step, String op, List<FrameResult> results) {}

	/** Makes the case's calls on {@code session} (opened over {@link #clip}); returns what each call showed. */
	public List<Shown> replay(TrackingSession session) throws IOException {
		List<Shown> shown = new ArrayList<>();
		JsonArray steps = json.getAsJsonArray("steps");
		for (int step = 0; step < steps.size(); step++) {
			JsonObject s = steps.get(step).getAsJsonObject();
			String op = s.get("op").getAsString();
			List<FrameResult> results = new ArrayList<>();
			switch (op) {
				case "add_points" -> {
					session.addPrompt(pointsPrompt(s), s.get("clear_old_points").getAsBoolean() ? PromptMode.REPLACE : PromptMode.APPEND);
					results.add(session.segmentFrame(s.get("frame").getAsInt(), CancellationToken.NEVER));
				}
				case "add_mask" -> {
					NpyArray mask = NpyArray.read(folder.resolve(s.get("mask").getAsString()));
					session.addPrompt(ObjectPrompt.mask(s.get("obj_id").getAsInt(), s.get("frame").getAsInt(), BinaryMask.of(clip.width(), clip.height(), mask.bytes())),
						PromptMode.REPLACE);
					results.add(session.segmentFrame(s.get("frame").getAsInt(), CancellationToken.NEVER));
				}
				case "clear_prompts" -> {
					session.clearPrompts(s.get("obj_id").getAsInt(), s.get("frame").getAsInt());
					results.add(session.segmentFrame(s.get("frame").getAsInt(), CancellationToken.NEVER));
				}
				case "remove_object" -> {
					session.removeObject(s.get("obj_id").getAsInt());
					// the official call shows the frames the removed object had prompts on again
					for (JsonElement f : s.getAsJsonArray("frames")) results.add(session.segmentFrame(f.getAsInt(), CancellationToken.NEVER));
				}
				case "reset" -> session.reset();
				case "propagate" -> session.propagate(new Propagation(optionalInt(s, "start_frame"), optionalInt(s, "max_frame_num_to_track"), s.get("reverse").getAsBoolean()),
					results::add, ProgressListener.NONE, CancellationToken.NEVER);
				default -> throw new IllegalStateException("unknown op in " + s);
			}
			shown.add(new Shown(step, op, results));
		}
		return shown;
	}

	/** The case's calls as a prompt script (what the command line and macros replay). */
	public PromptScript script() throws IOException {
		List<PromptScript.Step> steps = new ArrayList<>();
		for (JsonElement e : json.getAsJsonArray("steps")) {
			JsonObject s = e.getAsJsonObject();
			switch (s.get("op").getAsString()) {
				case "add_points" -> steps.add(new PromptScript.Add(pointsPrompt(s), s.get("clear_old_points").getAsBoolean() ? PromptMode.REPLACE : PromptMode.APPEND));
				case "add_mask" -> steps.add(new PromptScript.Add(ObjectPrompt.mask(s.get("obj_id").getAsInt(), s.get("frame").getAsInt(),
					BinaryMask.of(clip.width(), clip.height(), NpyArray.read(folder.resolve(s.get("mask").getAsString())).bytes())), PromptMode.REPLACE));
				case "clear_prompts" -> steps.add(new PromptScript.Clear(s.get("obj_id").getAsInt(), s.get("frame").getAsInt()));
				case "remove_object" -> steps.add(new PromptScript.Remove(s.get("obj_id").getAsInt()));
				case "reset" -> steps.add(new PromptScript.Reset());
				case "propagate" -> steps.add(new PromptScript.Propagate(
					new Propagation(optionalInt(s, "start_frame"), optionalInt(s, "max_frame_num_to_track"), s.get("reverse").getAsBoolean()), null));
				default -> throw new IllegalStateException("unknown op in " + s);
			}
		}
		return new PromptScript(steps);
	}

	/**
	 * Per frame, the official mask of {@code objectId} the last call showing that frame showed (what
	 * the user saw at the end of the session), or null for a frame no call showed.
	 */
	public byte[][] finalMasks(int objectId) {
		byte[][] masks = new byte[clip.frames()][];
		int pixels = clip.width() * clip.height();
		for (JsonElement e : json.getAsJsonArray("outputs")) {
			JsonObject o = e.getAsJsonObject();
			if (o.get("obj_id").getAsInt() == objectId) masks[o.get("frame").getAsInt()] = unpackMask(o.get("row").getAsInt(), pixels);
		}
		return masks;
	}

	/** How far the Java results are from the official ones. */
	public static final class Report {
		public int compared;
		public double worstIou = 1;
		/** Largest |Java - official| low-res logit, and the largest relative to max(1, |official|). */
		public double worstLogit, worstRelativeLogit;
		/** Differing pixels excused as near-ties (see {@link ReferenceCase#TIE}). */
		public int nearTiePixels;
		public final List<String> failures = new ArrayList<>();

		@Override
		public String toString() {
			return String.format("%d frame/object results compared, worst IoU %.5f, max |low-res logit difference| %.2e (relative %.2e), %d failures, %d differing pixels at near-ties",
				compared, worstIou, worstLogit, worstRelativeLogit, failures.size(), nearTiePixels);
		}
	}

	/**
	 * Holds every result against the official record of its call, frame and object: the frames of
	 * each call in the official order, mask IoU at least {@code minIou} (where non-overlap decides a
	 * pixel by a near-tie of official logits, that pixel is not counted), the same presence, and the
	 * low-res logits within {@code absTolerance + relTolerance * |official|}; every official record
	 * must be compared.
	 */
	public Report compare(List<Shown> shown, double minIou, double absTolerance, double relTolerance) {
		Report report = new Report();
		JsonArray steps = json.getAsJsonArray("steps");
		int w = clip.width(), h = clip.height();
		boolean nonOverlap = settings.get("non_overlap_masks").getAsBoolean();
		for (Shown s : shown) {
			List<Integer> officialFrames = new ArrayList<>();
			for (JsonElement f : steps.get(s.step()).getAsJsonObject().getAsJsonArray("frames")) officialFrames.add(f.getAsInt());
			List<Integer> javaFrames = s.results().stream().map(FrameResult::frame).toList();
			if (!officialFrames.equals(javaFrames)) {
				report.failures.add("step " + s.step() + " (" + s.op() + "): frames " + javaFrames + ", official " + officialFrames);
				continue;
			}
			Map<String, JsonObject> want = expected.getOrDefault(s.step(), Map.of());
			for (FrameResult r : s.results()) {
				if (r.objects().size() != countFor(want, r.frame()))
					report.failures.add("step " + s.step() + " frame " + r.frame() + ": " + r.objects().size() + " objects, official " + countFor(want, r.frame()));
				for (ObjectResult o : r.objects()) {
					String where = "step " + s.step() + " (" + s.op() + ") frame " + r.frame() + " object " + o.objectId();
					JsonObject record = want.get(r.frame() + "/" + o.objectId());
					if (record == null) {
						report.failures.add(where + ": no official record");
						continue;
					}
					report.compared++;
					int row = record.get("row").getAsInt();
					boolean officialHasOutput = record.get("object_score_logit") != null && !record.get("object_score_logit").isJsonNull();
					if (officialHasOutput != (o.lowResLogits() != null)) {
						report.failures.add(where + ": " + (officialHasOutput ? "no output, the official predictor has one" : "an output, the official predictor has none"));
						continue;
					}
					if (officialHasOutput) compareLogits(report, where, o.lowResLogits().values(), row, absTolerance, relTolerance);
					byte[] official = unpackMask(row, w * h);
					double iou = o.mask().iou(BinaryMask.of(w, h, official));
					boolean present = record.get("present").getAsBoolean();
					if (iou < minIou && officialHasOutput) {
						int[] counts = tiesOnly(want, r, o, official, w, h, nonOverlap);
						if (counts[0] == 0) {
							report.nearTiePixels += counts[1];
							iou = 1;
						}
					}
					report.worstIou = Math.min(report.worstIou, iou);
					if (iou < minIou || present != o.present())
						report.failures.add(String.format("%s: IoU %.4f, present %b (official %b), score %.4f (official %s)", where, iou, o.present(), present,
							o.objectScore(), record.get("object_score_logit")));
				}
			}
		}
		if (report.compared < json.getAsJsonArray("outputs").size())
			report.failures.add("only " + report.compared + " of " + json.getAsJsonArray("outputs").size() + " official records compared");
		return report;
	}

	private static long countFor(Map<String, JsonObject> records, int frame) {
		return records.keySet().stream().filter(k -> k.startsWith(frame + "/")).count();
	}

	private void compareLogits(Report report, String where, float[] java, int row, double abs, double rel) {
		int n = java.length;
		double worst = 0;
		int at = -1;
		for (int i = 0; i < n; i++) {
			float official = officialLogits[row * n + i];
			double d = Math.abs(java[i] - official);
			report.worstLogit = Math.max(report.worstLogit, d);
			report.worstRelativeLogit = Math.max(report.worstRelativeLogit, d / Math.max(1, Math.abs(official)));
			double excess = d - (abs + rel * Math.abs(official));
			if (excess > worst) {
				worst = excess;
				at = i;
			}
		}
		if (at >= 0)
			report.failures.add(String.format("%s: low-res logit %d is %.6g, official %.6g (tolerance %.1e + %.1e x |official|)", where, at, java[at],
				officialLogits[row * n + at], abs, rel));
	}

	private byte[] unpackMask(int row, int pixels) {
		return unpackBits(packedMasks, maskRowBytes, row, pixels);
	}

	/** Row {@code row} of a masks_packed.npy ({@code rowBytes} a row): np.packbits of the flattened mask, first pixel in the highest bit. */
	public static byte[] unpackBits(byte[] packed, int rowBytes, int row, int pixels) {
		byte[] mask = new byte[pixels];
		for (int i = 0; i < pixels; i++) mask[i] = (byte) ((packed[row * rowBytes + (i >> 3)] >> (7 - (i & 7))) & 1);
		return mask;
	}

	/**
	 * For an object whose mask differs from the official one: {differing pixels that are NOT near-ties,
	 * differing pixels in all}. A pixel is a near-tie when its official logit at video size is within
	 * {@link #TIE} of the threshold 0 (a mask prompt's +-10 logits average to exactly 0 between two
	 * pixels, and float rounding then decides), or, with non-overlap, when the official logits of this
	 * object and the best other object are within {@link #TIE}. Official logits at video size are the
	 * official low-res rows of this call and frame, resized as the official predictor does.
	 */
	private int[] tiesOnly(Map<String, JsonObject> records, FrameResult r, ObjectResult o, byte[] official, int w, int h, boolean nonOverlap) {
		int rows = json.getAsJsonArray("outputs").size();
		int l = (int) Math.round(Math.sqrt(officialLogits.length / (double) rows));
		List<float[]> others = new ArrayList<>();
		float[] mine = null;
		for (ObjectResult other : r.objects()) {
			int row = records.get(r.frame() + "/" + other.objectId()).get("row").getAsInt();
			float[] video = Resampling.bilinear(Arrays.copyOfRange(officialLogits, row * l * l, (row + 1) * l * l), l, l, w, h);
			if (other.objectId() == o.objectId()) mine = video;
			else others.add(video);
		}
		int notTies = 0, differing = 0;
		for (int i = 0; i < w * h; i++) {
			if ((official[i] != 0) == o.mask().get(i % w, i / w)) continue;
			differing++;
			float best = -Float.MAX_VALUE;
			for (float[] v : others) best = Math.max(best, v[i]);
			boolean thresholdTie = Math.abs(mine[i]) < TIE;
			boolean overlapTie = nonOverlap && Math.abs(mine[i] - best) < TIE;
			if (!thresholdTie && !overlapTie) notTies++;
		}
		return new int[] { notTies, differing };
	}

	private static Integer optionalInt(JsonObject o, String key) {
		JsonElement e = o.get(key);
		return e == null || e.isJsonNull() ? null : e.getAsInt();
	}

	private static ObjectPrompt pointsPrompt(JsonObject s) {
		List<PointPrompt> points = new ArrayList<>();
		JsonArray coords = s.getAsJsonArray("points"), labels = s.getAsJsonArray("labels");
		for (int i = 0; i < coords.size(); i++) {
			JsonArray p = coords.get(i).getAsJsonArray();
			points.add(new PointPrompt(p.get(0).getAsDouble(), p.get(1).getAsDouble(), labels.get(i).getAsInt() == 1));
		}
		BoxPrompt box = null;
		JsonElement b = s.get("box");
		if (b != null && !b.isJsonNull()) {
			JsonArray a = b.getAsJsonArray();
			box = new BoxPrompt(a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsDouble(), a.get(3).getAsDouble());
		}
		return new ObjectPrompt(s.get("obj_id").getAsInt(), s.get("frame").getAsInt(), points, box, null);
	}
}
