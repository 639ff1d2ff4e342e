package io.github.sam2fiji.core.script;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;

/**
 * An interactive session written down: an ordered list of the calls a user made (add or append a
 * prompt, clear an object's prompts on a frame, remove an object, reset, propagate from a frame for
 * some frames either way), so the session can be replayed from the command line, a macro or a
 * workflow and give the same result. The JSON format is in docs/prompt-script.md.
 * <p>
 * {@link #replay} makes the calls on a session and shows every frame result a call shows (the
 * prompted frame after a prompt or a clear; each frame of a propagation), in order, and forgets
 * removed objects on every frame: the last result of each frame is what the user saw at the end.
 */
public record PromptScript(List<Step> steps) {

	/** The version of the JSON format this class reads and writes. */
	public static final int FORMAT_VERSION = 1;

	/** Limits on what a script may ask for, checked before any model is loaded. */
	public static final int MAX_STEPS = 100_000, MAX_POINTS_PER_PROMPT = 1_000;

	/**
	 * What a replay shows, as a user's screen would: every frame result a call shows, and objects
	 * forgotten by {@code remove} or {@code reset}, which then show on no frame any more.
	 */
	public interface Display {
		void show(FrameResult result);

		void forget(int objectId);

		static Display of(Consumer<FrameResult> show, IntConsumer forget) {
			return new Display() {
				@Override
				public void show(FrameResult result) {
					show.accept(result);
				}

				@Override
				public void forget(int objectId) {
					forget.accept(objectId);
				}
			};
		}
	}

	/** One call. */
	public sealed interface Step permits Add, Clear, Remove, Reset, Propagate {
		/** Checks this call against the sequence and the objects that exist before it; updates {@code objects}. */
		void check(int width, int height, int frameCount, Set<Integer> objects);

		/** Makes the call; {@code display} gets what it shows and forgets. */
		void replay(TrackingSession session, Display display, ProgressListener progress, CancellationToken cancel);

		/** The call as a JSON step. */
		JsonObject toJson();
	}

	/** A prompt, appended to or replacing the object's earlier prompt on its frame. */
	public record Add(ObjectPrompt prompt, PromptMode mode) implements Step {
		@Override
		public void check(int width, int height, int frameCount, Set<Integer> objects) {
			prompt.checkWithin(width, height, frameCount);
			objects.add(prompt.objectId());
		}

		@Override
		public void replay(TrackingSession session, Display display, ProgressListener progress, CancellationToken cancel) {
			session.addPrompt(prompt, mode);
			display.show(session.segmentFrame(prompt.frame(), cancel));
		}

		@Override
		public JsonObject toJson() {
			JsonObject s = op("add");
			s.addProperty("object", prompt.objectId());
			s.addProperty("frame", prompt.frame());
			if (!prompt.points().isEmpty()) {
				JsonArray points = new JsonArray();
				for (PointPrompt pt : prompt.points()) {
					JsonArray one = new JsonArray();
					one.add(pt.x());
					one.add(pt.y());
					one.add(pt.positive() ? 1 : 0);
					points.add(one);
				}
				s.add("points", points);
			}
			if (prompt.box() != null) {
				JsonArray box = new JsonArray();
				box.add(prompt.box().x0());
				box.add(prompt.box().y0());
				box.add(prompt.box().x1());
				box.add(prompt.box().y1());
				s.add("box", box);
			}
			if (prompt.mask() != null) s.add("mask", Rle.encode(prompt.mask()));
			s.addProperty("mode", mode == PromptMode.APPEND ? "append" : "replace");
			return s;
		}
	}

	/** The object's prompts on a frame forgotten. */
	public record Clear(int objectId, int frame) implements Step {
		@Override
		public void check(int width, int height, int frameCount, Set<Integer> objects) {
			if (!objects.contains(objectId)) throw new IllegalArgumentException("there is no object " + objectId + " to clear prompts of");
			if (frame < 0 || frame >= frameCount) throw new IllegalArgumentException("frame " + frame + ", but the sequence has frames 0 to " + (frameCount - 1));
		}

		@Override
		public void replay(TrackingSession session, Display display, ProgressListener progress, CancellationToken cancel) {
			session.clearPrompts(objectId, frame);
			display.show(session.segmentFrame(frame, cancel));
		}

		@Override
		public JsonObject toJson() {
			JsonObject s = op("clear");
			s.addProperty("object", objectId);
			s.addProperty("frame", frame);
			return s;
		}
	}

	/** An object forgotten. */
	public record Remove(int objectId) implements Step {
		@Override
		public void check(int width, int height, int frameCount, Set<Integer> objects) {
			if (!objects.remove(objectId)) throw new IllegalArgumentException("there is no object " + objectId + " to remove");
		}

		@Override
		public void replay(TrackingSession session, Display display, ProgressListener progress, CancellationToken cancel) {
			session.removeObject(objectId);
			display.forget(objectId);
		}

		@Override
		public JsonObject toJson() {
			JsonObject s = op("remove");
			s.addProperty("object", objectId);
			return s;
		}
	}

	/** Everything forgotten. */
	public record Reset() implements Step {
		@Override
		public void check(int width, int height, int frameCount, Set<Integer> objects) {
			objects.clear();
		}

		@Override
		public void replay(TrackingSession session, Display display, ProgressListener progress, CancellationToken cancel) {
			Set<Integer> objects = session.objectIds();
			session.reset();
			objects.forEach(display::forget);
		}

		@Override
		public JsonObject toJson() {
			return op("reset");
		}
	}

	/**
	 * A propagation: either one official run ({@code run}, with start frame and length) or a
	 * direction from the prompted frames ({@code direction}: both, or backward from the latest).
	 */
	public record Propagate(Propagation run, Direction direction) implements Step {
		public Propagate {
			if ((run == null) == (direction == null)) throw new IllegalArgumentException("a propagation has a run or a direction");
		}

		@Override
		public void check(int width, int height, int frameCount, Set<Integer> objects) {
			if (objects.isEmpty()) throw new IllegalArgumentException("nothing to propagate: no object has a prompt");
			if (run != null && run.startFrame() != null && run.startFrame() >= frameCount)
				throw new IllegalArgumentException("propagation starts on frame " + run.startFrame() + ", but the sequence has frames 0 to " + (frameCount - 1));
		}

		@Override
		public void replay(TrackingSession session, Display display, ProgressListener progress, CancellationToken cancel) {
			if (run != null) session.propagate(run, display::show, progress, cancel);
			else session.propagate(direction, display::show, progress, cancel);
		}

		@Override
		public JsonObject toJson() {
			JsonObject s = op("propagate");
			if (run != null) {
				s.addProperty("direction", run.reverse() ? "reverse" : "forward");
				if (run.startFrame() != null) s.addProperty("start", run.startFrame());
				if (run.maxFrames() != null) s.addProperty("frames", run.maxFrames());
			}
			else s.addProperty("direction", direction.name().toLowerCase(Locale.ROOT));
			return s;
		}
	}

	private static JsonObject op(String name) {
		JsonObject s = new JsonObject();
		s.addProperty("op", name);
		return s;
	}

	/** Reads mask files named in a script (the caller knows image formats; the core does not). */
	public interface MaskFiles {
		/**
		 * The mask in {@code file} (relative paths are relative to the script's folder): the pixels
		 * equal to {@code label}, or with a null label every non-zero pixel.
		 */
		BinaryMask read(Path file, Integer label) throws IOException;
	}

	public PromptScript {
		steps = List.copyOf(steps);
	}

	/**
	 * Reads a script file; every error names the file, the step and what is wrong.
	 *
	 * @param masks reads {@code "mask_file"} masks; may be null when the script has none
	 */
	public static PromptScript read(Path file, MaskFiles masks) throws IOException {
		String text;
		try {
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (java.nio.charset.MalformedInputException e) {
			throw new IllegalArgumentException(file + ": not UTF-8 text; save the prompt script as UTF-8 JSON");
		}
		catch (java.nio.file.NoSuchFileException e) {
			throw new IllegalArgumentException(file + ": no such prompt script file");
		}
		try {
			return parse(JsonParser.parseString(text.startsWith("\uFEFF") ? text.substring(1) : text), file, masks);
		}
		catch (JsonParseException | IllegalStateException | UnsupportedOperationException | ClassCastException | NumberFormatException e) {
			throw new IllegalArgumentException(file + ": not a prompt script (" + e.getMessage() + "); see docs/prompt-script.md");
		}
	}

	private static PromptScript parse(JsonElement json, Path file, MaskFiles masks) throws IOException {
		if (!json.isJsonObject() || !json.getAsJsonObject().has("steps"))
			throw new IllegalArgumentException(file + ": not a prompt script (a JSON object with \"steps\"); see docs/prompt-script.md");
		JsonObject root = json.getAsJsonObject();
		if (root.has("sam2fiji_prompt_script") && root.get("sam2fiji_prompt_script").getAsInt() > FORMAT_VERSION)
			throw new IllegalArgumentException(file + ": prompt script format " + root.get("sam2fiji_prompt_script") + " is newer than this plugin reads ("
				+ FORMAT_VERSION + "); update the plugin");
		JsonArray array = root.getAsJsonArray("steps");
		if (array.size() > MAX_STEPS) throw new IllegalArgumentException(file + ": " + array.size() + " steps, at most " + MAX_STEPS + " are accepted");
		List<Step> steps = new ArrayList<>();
		Path folder = file.toAbsolutePath().getParent();
		for (int i = 0; i < array.size(); i++) {
			String where = file + ", step " + (i + 1);
			try {
				steps.add(step(array.get(i).getAsJsonObject(), folder, masks));
			}
			catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException | ClassCastException | NullPointerException e) {
				throw new IllegalArgumentException(where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
			}
		}
		return new PromptScript(steps);
	}

	private static Step step(JsonObject s, Path folder, MaskFiles masks) throws IOException {
		String op = text(s, "op");
		return switch (op) {
			case "add" -> add(s, folder, masks);
			case "clear" -> new Clear(number(s, "object"), number(s, "frame"));
			case "remove" -> new Remove(number(s, "object"));
			case "reset" -> new Reset();
			case "propagate" -> propagate(s);
			default -> throw new IllegalArgumentException("unknown op '" + op + "' (add, clear, remove, reset, propagate)");
		};
	}

	private static Add add(JsonObject s, Path folder, MaskFiles masks) throws IOException {
		int object = number(s, "object"), frame = number(s, "frame");
		List<PointPrompt> points = new ArrayList<>();
		if (s.has("points")) {
			JsonArray array = s.getAsJsonArray("points");
			if (array.size() > MAX_POINTS_PER_PROMPT)
				throw new IllegalArgumentException(array.size() + " points in one prompt, at most " + MAX_POINTS_PER_PROMPT + " are accepted");
			for (JsonElement e : array) {
				JsonArray p = e.getAsJsonArray();
				if (p.size() != 3) throw new IllegalArgumentException("a point is [x, y, label] with label 1 (positive) or 0 (negative), got " + p);
				int label = p.get(2).getAsInt();
				if (label != 0 && label != 1) throw new IllegalArgumentException("point label " + label + ": use 1 (positive) or 0 (negative)");
				points.add(new PointPrompt(p.get(0).getAsDouble(), p.get(1).getAsDouble(), label == 1));
			}
		}
		BoxPrompt box = null;
		if (s.has("box")) {
			JsonArray b = s.getAsJsonArray("box");
			if (b.size() != 4) throw new IllegalArgumentException("a box is [x0, y0, x1, y1], got " + b);
			box = new BoxPrompt(b.get(0).getAsDouble(), b.get(1).getAsDouble(), b.get(2).getAsDouble(), b.get(3).getAsDouble());
		}
		BinaryMask mask = null;
		if (s.has("mask")) mask = Rle.decode(s.getAsJsonObject("mask"));
		if (s.has("mask_file")) {
			if (mask != null) throw new IllegalArgumentException("give \"mask\" or \"mask_file\", not both");
			if (masks == null) throw new IllegalArgumentException("mask files cannot be read here");
			mask = masks.read(folder.resolve(text(s, "mask_file")), s.has("label") ? number(s, "label") : null);
		}
		ObjectPrompt prompt = new ObjectPrompt(object, frame, points, box, mask);
		PromptMode mode = s.has("mode") ? mode(text(s, "mode")) : box != null || mask != null ? PromptMode.REPLACE : PromptMode.APPEND;
		if ((box != null || mask != null) && mode == PromptMode.APPEND)
			throw new IllegalArgumentException("a box or a mask replaces the object's earlier prompt on its frame: use \"mode\": \"replace\"");
		return new Add(prompt, mode);
	}

	private static PromptMode mode(String text) {
		return switch (text) {
			case "append" -> PromptMode.APPEND;
			case "replace" -> PromptMode.REPLACE;
			default -> throw new IllegalArgumentException("mode '" + text + "': use append or replace");
		};
	}

	private static Propagate propagate(JsonObject s) {
		String direction = s.has("direction") ? text(s, "direction") : "forward";
		Integer start = s.has("start") ? number(s, "start") : null, frames = s.has("frames") ? number(s, "frames") : null;
		return switch (direction) {
			case "forward", "reverse" -> new Propagate(new Propagation(start, frames, direction.equals("reverse")), null);
			case "both", "backward" -> {
				if (start != null || frames != null)
					throw new IllegalArgumentException("direction " + direction + " runs from the prompted frames: \"start\" and \"frames\" go with forward or reverse");
				yield new Propagate(null, Direction.parse(direction));
			}
			default -> throw new IllegalArgumentException("direction '" + direction + "': use forward, reverse (with optional start and frames), both or backward");
		};
	}

	private static String text(JsonObject o, String key) {
		JsonElement e = o.get(key);
		if (e == null || !e.isJsonPrimitive()) throw new IllegalArgumentException("\"" + key + "\" is missing");
		return e.getAsString().toLowerCase(Locale.ROOT);
	}

	private static int number(JsonObject o, String key) {
		JsonElement e = o.get(key);
		if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException("\"" + key + "\" must be a number");
		double v = e.getAsDouble();
		if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) throw new IllegalArgumentException("\"" + key + "\" must be a whole number, got " + e);
		return (int) v;
	}

	/**
	 * Checks the whole script against a sequence of {@code frameCount} frames of {@code width} x
	 * {@code height} without running anything: prompts inside the frames, clears and removals of
	 * objects that exist by then, propagation starts inside the sequence and something to propagate.
	 *
	 * @throws IllegalArgumentException naming the step and the problem
	 */
	public void check(int width, int height, int frameCount) {
		Set<Integer> objects = new LinkedHashSet<>();
		for (int i = 0; i < steps.size(); i++) {
			try {
				steps.get(i).check(width, height, frameCount, objects);
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("prompt script step " + (i + 1) + ": " + e.getMessage());
			}
		}
	}

	/**
	 * Makes the script's calls on {@code session}; {@code display} gets every frame result a call
	 * shows, in order (a frame may come several times: its last result is the final one), and every
	 * object a call forgets. Progress counts calls; a propagation reports its frames within its call.
	 */
	public void replay(TrackingSession session, Display display, ProgressListener progress, CancellationToken cancel) {
		int n = steps.size();
		for (int i = 0; i < n; i++) {
			cancel.throwIfCancelled();
			int index = i;
			steps.get(i).replay(session, display, (done, total, message) -> progress.progress(index, n, "call " + (index + 1) + " of " + n + ": " + message), cancel);
			progress.progress(i + 1, n, "call " + (i + 1) + " of " + n);
		}
	}

	/** The script as JSON (format {@link #FORMAT_VERSION}); masks are written inline as run-length codes. */
	public String toJson() {
		JsonObject root = new JsonObject();
		root.addProperty("sam2fiji_prompt_script", FORMAT_VERSION);
		JsonArray array = new JsonArray();
		for (Step step : steps) array.add(step.toJson());
		root.add("steps", array);
		return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
	}
}
