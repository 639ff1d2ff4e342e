package io.github.sam2fiji.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * TEST DOUBLE, not a model: a {@link Tracker} for testing the adapters without ONNX Runtime.
 * Its "segmentation" of a prompt is geometric: a mask prompt is taken as is, a box is filled, and
 * clicks become discs of radius {@link #RADIUS} around each positive click minus discs around the
 * negative ones. It "tracks" by moving nothing: every frame gets, per object, the mask of the
 * object's prompted frame nearest to it. It follows the {@link TrackingSession} contract (frames
 * in processing order, each at most once, direction honoured, cancel checked between frames),
 * reads every processed frame from the source (so lazy reading is exercised), and records what it
 * was given for assertions. Object score = 1 + ID / 100 (so a higher ID wins overlaps); IoU 0.9.
 * On {@link #heldFrames} it shows what a SAM 1 interface tracker shows for an object it missed: the
 * mask, with object score 0 ("held"). Its image mode ({@link #clickCandidates(FrameSource)}) answers
 * a click on a bright pixel (above 0) with the 4-connected bright region under it, nothing else.
 */
public final class FakeTracker implements Tracker {

	public static final int RADIUS = 4;

	/** Every prompt given to any session, in order. */
	public final List<ObjectPrompt> prompts = Collections.synchronizedList(new ArrayList<>());
	/** Every frame index read from any source, in order. */
	public final List<Integer> framesRead = Collections.synchronizedList(new ArrayList<>());
	/** Number of sessions opened. */
	public int sessions;
	/** The options of every session opened, in order. */
	public final List<SessionOptions> sessionOptions = Collections.synchronizedList(new ArrayList<>());
	public boolean closed;
	/** Every frame a session was asked to prepare ({@link TrackingSession#prepareFrame}), in order. */
	public final List<Integer> framesPrepared = Collections.synchronizedList(new ArrayList<>());
	/** Called after each delivered frame with its index (tests use it to cancel mid-run). */
	public IntConsumer afterFrame = f -> {};
	/** Frames on which propagation shows every object not prompted there as held (object score 0). */
	public final Set<Integer> heldFrames = Collections.synchronizedSet(new TreeSet<>());

	@Override
	public ClickCandidates clickCandidates(FrameSource frames) {
		return (frame, clicks, cancel) -> {
			Frame image = frames.read(frame);
			List<ClickCandidates.Candidate> out = new ArrayList<>();
			for (PointPrompt click : clicks) {
				int x = (int) click.x(), y = (int) click.y();
				if (image.get(0, x, y) > 0) out.add(new ClickCandidates.Candidate(click, brightRegion(image, x, y), 0.95f, 0.95f, 0.95f));
			}
			return out;
		};
	}

	@Override
	public FrameEncodings<?> encodings(FrameSource frames, long budgetBytes) {
		return new FrameEncodings<Integer>(this, frames, budgetBytes, 1, e -> 4, f -> f);
	}

	/** The 4-connected pixels above 0 that (x, y) belongs to. */
	private static BinaryMask brightRegion(Frame image, int x0, int y0) {
		int w = image.width(), h = image.height();
		byte[] bits = new byte[w * h];
		java.util.ArrayDeque<int[]> todo = new java.util.ArrayDeque<>();
		todo.add(new int[] { x0, y0 });
		bits[y0 * w + x0] = 1;
		while (!todo.isEmpty()) {
			int[] p = todo.poll();
			for (int[] d : new int[][] { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } }) {
				int x = p[0] + d[0], y = p[1] + d[1];
				if (x < 0 || y < 0 || x >= w || y >= h || bits[y * w + x] != 0 || !(image.get(0, x, y) > 0)) continue;
				bits[y * w + x] = 1;
				todo.add(new int[] { x, y });
			}
		}
		return BinaryMask.of(w, h, bits);
	}

	@Override
	public TrackingSession newSession(FrameSource frames, SessionOptions options) {
		sessions++;
		sessionOptions.add(options);
		return new Session(frames);
	}

	@Override
	public String describe() {
		return "fake tracker (test double)";
	}

	@Override
	public void close() {
		closed = true;
	}

	/** The fake segmentation of one prompt. */
	public static BinaryMask maskOf(ObjectPrompt p, int width, int height) {
		if (p.mask() != null) return p.mask();
		byte[] bits = new byte[width * height];
		BoxPrompt b = p.box();
		if (b != null)
			for (int y = (int) Math.max(0, b.y0()); y < Math.min(height, b.y1()); y++)
				for (int x = (int) Math.max(0, b.x0()); x < Math.min(width, b.x1()); x++) bits[y * width + x] = 1;
		for (PointPrompt pt : p.points())
			if (pt.positive()) disc(bits, width, height, pt, (byte) 1);
		for (PointPrompt pt : p.points())
			if (!pt.positive()) disc(bits, width, height, pt, (byte) 0);
		return BinaryMask.of(width, height, bits);
	}

	private static void disc(byte[] bits, int width, int height, PointPrompt p, byte value) {
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				double dx = x - p.x(), dy = y - p.y();
				if (dx * dx + dy * dy <= RADIUS * RADIUS) bits[y * width + x] = value;
			}
	}

	private final class Session implements TrackingSession {
		private final FrameSource frames;
		/** object -> frame -> prompt. */
		private final Map<Integer, TreeMap<Integer, ObjectPrompt>> byObject = new TreeMap<>();

		Session(FrameSource frames) {
			this.frames = frames;
		}

		@Override
		public void addPrompt(ObjectPrompt prompt, PromptMode mode) {
			prompt.checkWithin(frames.width(), frames.height(), frames.frameCount());
			prompts.add(prompt);
			TreeMap<Integer, ObjectPrompt> byFrame = byObject.computeIfAbsent(prompt.objectId(), k -> new TreeMap<>());
			if (mode == PromptMode.REPLACE) byFrame.put(prompt.frame(), prompt);
			else byFrame.merge(prompt.frame(), prompt, FakeTracker::combine);
		}

		@Override
		public void clearPrompts(int objectId, int frame) {
			TreeMap<Integer, ObjectPrompt> byFrame = byObject.get(objectId);
			if (byFrame == null) throw new IllegalArgumentException("There is no object " + objectId);
			byFrame.remove(frame);
		}

		@Override
		public void removeObject(int objectId) {
			byObject.remove(objectId);
		}

		@Override
		public void reset() {
			byObject.clear();
		}

		@Override
		public SortedSet<Integer> objectIds() {
			return new TreeSet<>(byObject.keySet());
		}

		@Override
		public void prepareFrame(int frame) {
			if (frame < 0 || frame >= frames.frameCount()) throw new IllegalArgumentException("Frame " + frame + " is not in the sequence");
			frames.read(frame);
			framesPrepared.add(frame);
		}

		@Override
		public FrameResult segmentFrame(int frame, CancellationToken cancel) {
			cancel.throwIfCancelled();
			frames.read(frame);
			framesRead.add(frame);
			List<ObjectResult> objects = new ArrayList<>();
			for (Map.Entry<Integer, TreeMap<Integer, ObjectPrompt>> e : byObject.entrySet()) {
				ObjectPrompt p = e.getValue().get(frame);
				BinaryMask m = p == null ? BinaryMask.empty(frames.width(), frames.height()) : maskOf(p, frames.width(), frames.height());
				objects.add(new ObjectResult(e.getKey(), frame, m, score(e.getKey()), 0.9f, p != null));
			}
			return new FrameResult(frame, objects);
		}

		private void checkPrompted() {
			if (byObject.isEmpty()) throw new IllegalStateException("No object to track: add a prompt first");
			for (Map.Entry<Integer, TreeMap<Integer, ObjectPrompt>> e : byObject.entrySet())
				if (e.getValue().isEmpty()) throw new IllegalStateException("Object " + e.getKey() + " has no prompt");
		}

		@Override
		public void propagate(Propagation run, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
			checkPrompted();
			int first = byObject.values().stream().mapToInt(TreeMap::firstKey).min().getAsInt();
			List<Integer> order = new ArrayList<>();
			for (int f : run.frames(first, frames.frameCount())) order.add(f);
			deliver(order, sink, progress, cancel);
		}

		@Override
		public void propagate(Direction direction, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
			checkPrompted();
			int first = byObject.values().stream().mapToInt(TreeMap::firstKey).min().getAsInt();
			int last = byObject.values().stream().mapToInt(TreeMap::lastKey).max().getAsInt();
			List<Integer> order = new ArrayList<>();
			if (direction == Direction.FORWARD) for (int f = first; f < frames.frameCount(); f++) order.add(f);
			else if (direction == Direction.BACKWARD) for (int f = last; f >= 0; f--) order.add(f);
			else {
				for (int f = first; f < frames.frameCount(); f++) order.add(f);
				for (int f = first - 1; f >= 0; f--) order.add(f);
			}
			deliver(order, sink, progress, cancel);
		}

		private void deliver(List<Integer> order, Consumer<FrameResult> sink, ProgressListener progress, CancellationToken cancel) {
			int done = 0;
			for (int f : order) {
				cancel.throwIfCancelled();
				frames.read(f);
				framesRead.add(f);
				List<ObjectResult> objects = new ArrayList<>();
				for (Map.Entry<Integer, TreeMap<Integer, ObjectPrompt>> e : byObject.entrySet()) {
					ObjectPrompt nearest = nearest(e.getValue(), f);
					boolean held = heldFrames.contains(f) && !e.getValue().containsKey(f);
					objects.add(new ObjectResult(e.getKey(), f, maskOf(nearest, frames.width(), frames.height()), held ? 0f : score(e.getKey()), 0.9f, true));
				}
				sink.accept(new FrameResult(f, objects));
				progress.progress(++done, order.size(), "frame " + (f + 1) + " of " + frames.frameCount());
				afterFrame.accept(f);
			}
		}

		@Override
		public void close() {
		}
	}

	private static float score(int objectId) {
		return 1 + objectId / 100f;
	}

	private static ObjectPrompt nearest(TreeMap<Integer, ObjectPrompt> prompts, int frame) {
		Integer below = prompts.floorKey(frame), above = prompts.ceilingKey(frame);
		if (below == null) return prompts.get(above);
		if (above == null) return prompts.get(below);
		return frame - below <= above - frame ? prompts.get(below) : prompts.get(above);
	}

	/** Prompts added twice for one object and frame: clicks joined (as the real trackers add them). */
	private static ObjectPrompt combine(ObjectPrompt a, ObjectPrompt b) {
		if (a.mask() != null || b.mask() != null) return b.mask() != null ? b : a;
		List<PointPrompt> points = new ArrayList<>(a.points());
		points.addAll(b.points());
		return new ObjectPrompt(a.objectId(), a.frame(), points, b.box() != null ? b.box() : a.box(), null);
	}
}
