package io.github.sam2fiji.core.annotate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.sam2fiji.core.annotate.AnnotatorStatus.Activity;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationFlag;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.core.result.ShownFrames;

/**
 * The interactive annotator's state and actions, knowing no user interface: one interactive
 * tracking session over one sequence, its objects and their prompts in order (for undo), what each
 * frame shows, and every session call written down as a {@link PromptScript}, so that replaying the
 * script (SAM 2 Track, the CLI) gives what the user accepted.
 * <p>
 * Every model call runs on one worker thread in the order asked (the tracker is thread-confined):
 * the actions return at once with a future, and the {@link AnnotationListener} hears what changed.
 * A propagation can be cancelled at any time; the frames done are kept, and written down as a run
 * of that length. The model is loaded on the worker too, so the image stays usable meanwhile.
 */
public final class Annotator implements AutoCloseable {

	/** A prompt as it was given, for undo. */
	private record Given(ObjectPrompt prompt, PromptMode mode) {}

	private final FrameSource frames;
	private final AnnotationListener listener;
	private final ExecutorService worker;

	// worker-confined
	private Tracker tracker;
	private TrackingSession session;
	private volatile CancellationFlag running = new CancellationFlag();
	private volatile boolean closed;

	// shared with the user interface's thread, guarded by this
	private final ShownFrames shown;
	private final List<PromptScript.Step> steps = new ArrayList<>();
	/** Objects, and per object and frame the prompts given there, in order. */
	private final TreeMap<Integer, TreeMap<Integer, List<Given>>> prompts = new TreeMap<>();
	private final Deque<Given> history = new ArrayDeque<>();
	private int currentObject;
	private String modelDescription = "loading...";
	/** The frame the user looks at (any thread writes it; a stale prepare request is dropped). */
	private final AtomicInteger viewedFrame = new AtomicInteger(-1);

	/**
	 * Starts an annotator over {@code frames}; {@code loadModel} runs on the worker (the annotator
	 * owns and closes the tracker it gives). Actions may be asked at once: they wait for the model.
	 */
	public Annotator(FrameSource frames, Supplier<Tracker> loadModel, AnnotationListener listener) {
		this.frames = frames;
		this.listener = listener;
		this.shown = new ShownFrames(frames.width(), frames.height());
		this.worker = Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "sam2fiji-annotator");
			t.setDaemon(true);
			return t;
		});
		submit("loading the model", false, () -> {
			listener.status(AnnotatorStatus.of(Activity.LOADING, "loading the model..."));
			tracker = loadModel.get();
			session = tracker.newSession(frames);
			synchronized (this) {
				modelDescription = tracker.describe();
			}
		});
	}

	// ---------------------------------------------------------------- state, from any thread

	/** The model in use and where it runs, or "loading..." before it has loaded. */
	public synchronized String model() {
		return modelDescription;
	}

	public int frameCount() {
		return frames.frameCount();
	}

	/** The object that prompts go to; 0 before any object exists. */
	public synchronized int currentObject() {
		return currentObject;
	}

	/** The objects in ID order, with the frames they are prompted and present on. */
	public synchronized List<AnnotatedObject> objects() {
		Map<Integer, SortedSet<Integer>> presence = shown.presence();
		int shownCount = shown.frames().size();
		List<AnnotatedObject> list = new ArrayList<>();
		for (Map.Entry<Integer, TreeMap<Integer, List<Given>>> e : prompts.entrySet())
			list.add(new AnnotatedObject(e.getKey(), new TreeSet<>(e.getValue().keySet()), presence.getOrDefault(e.getKey(), new TreeSet<>()), shownCount));
		return list;
	}

	/** What the frame shows now (null: nothing yet). */
	public synchronized FrameResult shown(int frame) {
		return shown.result(frame);
	}

	/** The prompts in effect on the frame (since the last box or mask that replaced the others), per object in ID order. */
	public synchronized List<ObjectPrompt> prompts(int frame) {
		List<ObjectPrompt> list = new ArrayList<>();
		for (TreeMap<Integer, List<Given>> byFrame : prompts.values()) {
			List<Given> onFrame = byFrame.getOrDefault(frame, List.of());
			for (int i = onFrame.size() - 1; i >= 0; i--) {
				list.add(onFrame.get(i).prompt());
				if (onFrame.get(i).mode() == PromptMode.REPLACE) break;
			}
		}
		return list;
	}

	/** The session's calls so far, as a script that replays them. */
	public synchronized PromptScript script() {
		return new PromptScript(List.copyOf(steps));
	}

	/** Whether there is a prompt to undo. */
	public synchronized boolean canUndo() {
		return !history.isEmpty();
	}

	// ---------------------------------------------------------------- objects

	/** Starts the next object (one more than the highest ID so far); prompts go to it from now on. */
	public int newObject() {
		int id;
		synchronized (this) {
			id = (prompts.isEmpty() ? 0 : prompts.lastKey()) + 1;
			prompts.put(id, new TreeMap<>());
			currentObject = id;
		}
		listener.objectsChanged();
		return id;
	}

	/** Makes an existing object the current one, to refine it. */
	public void select(int objectId) {
		synchronized (this) {
			if (!prompts.containsKey(objectId)) throw new IllegalArgumentException("There is no object " + objectId);
			currentObject = objectId;
		}
		listener.objectsChanged();
	}

	/** Forgets the object: its prompts, its memories, and its masks on every frame. */
	public CompletableFuture<Void> removeObject(int objectId) {
		return submit("removing object " + objectId, () -> {
			boolean inSession = session.objectIds().contains(objectId);
			if (inSession) session.removeObject(objectId);
			SortedSet<Integer> changed;
			synchronized (this) {
				if (prompts.remove(objectId) == null) throw new IllegalArgumentException("There is no object " + objectId);
				history.removeIf(g -> g.prompt().objectId() == objectId);
				if (inSession) steps.add(new PromptScript.Remove(objectId));
				changed = shown.forget(objectId);
				if (currentObject == objectId) currentObject = prompts.isEmpty() ? 0 : prompts.lastKey();
			}
			changed.forEach(listener::frameChanged);
			listener.objectsChanged();
		});
	}

	// ---------------------------------------------------------------- prompts

	/** A click for the current object (a new one if there is none), appended to its clicks on the frame. */
	public CompletableFuture<Void> click(int frame, double x, double y, boolean positive) {
		return prompt(ObjectPrompt.points(objectForPrompt(), frame, List.of(new PointPrompt(x, y, positive))), PromptMode.APPEND);
	}

	/** A box for the current object on the frame, replacing its prompts there. */
	public CompletableFuture<Void> box(int frame, BoxPrompt box) {
		return prompt(ObjectPrompt.box(objectForPrompt(), frame, box), PromptMode.REPLACE);
	}

	/** A mask for the current object on the frame, replacing its prompts there. */
	public CompletableFuture<Void> mask(int frame, BinaryMask mask) {
		return prompt(ObjectPrompt.mask(objectForPrompt(), frame, mask), PromptMode.REPLACE);
	}

	private int objectForPrompt() {
		synchronized (this) {
			if (currentObject != 0) return currentObject;
		}
		return newObject();
	}

	private CompletableFuture<Void> prompt(ObjectPrompt prompt, PromptMode mode) {
		prompt.checkWithin(frames.width(), frames.height(), frames.frameCount());
		return submit("the prompt on frame " + (prompt.frame() + 1), () -> {
			listener.status(AnnotatorStatus.of(Activity.SEGMENTING, "segmenting object " + prompt.objectId() + " on frame " + (prompt.frame() + 1) + "..."));
			session.addPrompt(prompt, mode);
			Given given = new Given(prompt, mode);
			synchronized (this) {
				steps.add(new PromptScript.Add(prompt, mode));
				prompts.computeIfAbsent(prompt.objectId(), k -> new TreeMap<>()).computeIfAbsent(prompt.frame(), k -> new ArrayList<>()).add(given);
				history.push(given);
			}
			showFrame(prompt.frame());
			listener.objectsChanged();
		});
	}

	/**
	 * Takes back the last prompt: the object's prompts on that frame are cleared and the earlier ones
	 * there given again; an object left with no prompt at all is removed from the session (it stays
	 * listed, to be prompted again). Other frames keep their masks until the next propagation.
	 */
	public CompletableFuture<Void> undo() {
		return submit("undo", () -> {
			int id, frame;
			List<Given> earlier;
			boolean anyLeft;
			synchronized (this) {
				if (history.isEmpty()) throw new IllegalStateException("Nothing to undo");
				Given last = history.pop();
				id = last.prompt().objectId();
				frame = last.prompt().frame();
				List<Given> onFrame = prompts.get(id).get(frame);
				onFrame.remove(onFrame.size() - 1);
				// what the frame had before the undone prompt: the prompts since the last one that replaced the others
				int from = 0;
				for (int i = 0; i < onFrame.size(); i++)
					if (onFrame.get(i).mode() == PromptMode.REPLACE) from = i;
				earlier = List.copyOf(onFrame.subList(from, onFrame.size()));
				if (onFrame.isEmpty()) prompts.get(id).remove(frame);
				anyLeft = !prompts.get(id).isEmpty();
			}
			if (!anyLeft) {
				session.removeObject(id);
				SortedSet<Integer> changed;
				synchronized (this) {
					steps.add(new PromptScript.Remove(id));
					changed = shown.forget(id);
				}
				changed.forEach(listener::frameChanged);
			}
			else {
				session.clearPrompts(id, frame);
				synchronized (this) {
					steps.add(new PromptScript.Clear(id, frame));
				}
				for (Given g : earlier) {
					session.addPrompt(g.prompt(), g.mode());
					synchronized (this) {
						steps.add(new PromptScript.Add(g.prompt(), g.mode()));
					}
				}
				showFrame(frame);
			}
			listener.objectsChanged();
		});
	}

	/** Segments the frame as the session now has it and shows it (the official predictor's output there). */
	private void showFrame(int frame) {
		FrameResult result = session.segmentFrame(frame, CancellationToken.NEVER);
		synchronized (this) {
			shown.show(result);
		}
		listener.frameChanged(frame);
	}

	// ---------------------------------------------------------------- frames

	/**
	 * The user moved to the frame: its embedding is computed in the background (unless a newer move
	 * comes first), so a prompt there decodes at once.
	 */
	public void viewing(int frame) {
		if (frame < 0 || frame >= frames.frameCount()) return;
		if (viewedFrame.getAndSet(frame) == frame) return;
		submit("encoding frame " + (frame + 1), () -> {
			if (viewedFrame.get() != frame) return;
			listener.status(AnnotatorStatus.of(Activity.ENCODING, "encoding frame " + (frame + 1) + "..."));
			session.prepareFrame(frame);
		});
	}

	// ---------------------------------------------------------------- propagation

	/**
	 * Propagates every object from {@code fromFrame}: forward to the end, backward to the start, or
	 * both (forward, then backward from the same frame). Each frame is shown as it is done; prompts
	 * given so far, corrections included, are used. {@link #cancel} stops it, keeping what is done.
	 */
	public CompletableFuture<Void> propagate(Direction direction, int fromFrame) {
		if (fromFrame < 0 || fromFrame >= frames.frameCount())
			throw new IllegalArgumentException("Frame " + (fromFrame + 1) + " is not in the sequence (1 to " + frames.frameCount() + ")");
		CancellationFlag flag = new CancellationFlag();
		running = flag;
		return submit("propagation", () -> {
			if (flag.isCancelled()) throw new CancelledException();
			List<Propagation> runs = switch (direction) {
				case FORWARD -> List.of(new Propagation(fromFrame, null, false));
				case BACKWARD -> List.of(new Propagation(fromFrame, null, true));
				case BOTH -> List.of(new Propagation(fromFrame, null, false), new Propagation(fromFrame, null, true));
			};
			long total = 0;
			for (Propagation run : runs) total += run.frames(fromFrame, frames.frameCount()).length;
			long all = total;
			long[] done = { 0 };
			for (Propagation run : runs) {
				int[] covered = { 0 };
				try {
					session.propagate(run, result -> {
						covered[0]++;
						synchronized (this) {
							shown.show(result);
						}
						listener.frameChanged(result.frame());
						listener.status(new AnnotatorStatus(Activity.PROPAGATING, ++done[0], all,
							"propagating" + (run.reverse() ? " backward" : " forward") + ": frame " + (result.frame() + 1) + " of " + frames.frameCount()));
					}, (d, t, m) -> {}, flag);
				}
				finally {
					// what the session did is written down, also when cancelled: a run over the frames it covered
					if (covered[0] > 0) synchronized (this) {
						steps.add(new PromptScript.Propagate(covered[0] == run.frames(fromFrame, frames.frameCount()).length ? run : run.limit(covered[0] - 1), null));
					}
					listener.objectsChanged();
				}
			}
		});
	}

	/** Completes when all work asked so far is done (a user interface waits on it before reading a result). */
	public CompletableFuture<Void> afterQueuedWork() {
		return submit("waiting", false, () -> {});
	}

	/** Stops a running propagation after its current frame; the frames done stay. */
	public void cancel() {
		running.cancel();
	}

	// ---------------------------------------------------------------- accept, switch model, close

	/**
	 * Hands {@code sink} every frame's shown result (frames in order), after all asked work is done,
	 * and returns the script of the session's calls: a replay of it writes the same labels.
	 */
	public CompletableFuture<PromptScript> accept(Consumer<FrameResult> sink) {
		CompletableFuture<PromptScript> result = new CompletableFuture<>();
		submit("accept", () -> {
			SortedSet<Integer> all;
			synchronized (this) {
				all = shown.frames();
			}
			for (int f : all) sink.accept(shown(f));
			result.complete(script());
		}).whenComplete((v, e) -> {
			if (e != null) result.completeExceptionally(e);
		});
		return result;
	}

	/**
	 * Loads another model and makes the session's calls again with it (a propagation is run again
	 * over the same frames), so the objects are kept; the old model is closed once the new one is
	 * ready. If loading or replaying fails, the old model stays in use.
	 */
	public CompletableFuture<Void> switchModel(Supplier<Tracker> loadModel) {
		CancellationFlag flag = new CancellationFlag();
		running = flag;
		return submit("switching the model", () -> {
			listener.status(AnnotatorStatus.of(Activity.LOADING, "loading the model..."));
			Tracker next = loadModel.get();
			TrackingSession nextSession = null;
			ShownFrames replayed = new ShownFrames(frames.width(), frames.height());
			try {
				nextSession = next.newSession(frames);
				PromptScript script = script();
				script.replay(nextSession, PromptScript.Display.of(replayed::show, replayed::forget),
					(d, t, m) -> listener.status(new AnnotatorStatus(Activity.REPLAYING, d, t, "replaying the session with the new model: " + m)), flag);
			}
			catch (RuntimeException e) {
				if (nextSession != null) nextSession.close();
				next.close();
				throw e;
			}
			session.close();
			tracker.close();
			tracker = next;
			session = nextSession;
			SortedSet<Integer> changed;
			synchronized (this) {
				changed = new TreeSet<>(shown.frames());
				changed.addAll(replayed.frames());
				shown.clear();
				for (int f : replayed.frames()) shown.show(replayed.result(f));
				modelDescription = next.describe();
			}
			changed.forEach(listener::frameChanged);
			listener.objectsChanged();
		});
	}

	/** Stops any propagation, waits for the worker, and closes the session and the model. */
	@Override
	public void close() {
		closed = true;
		running.cancel();
		worker.submit(() -> {
			if (session != null) session.close();
			if (tracker != null) tracker.close();
		});
		worker.shutdown();
		try {
			worker.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Runs work on the worker: a failure is told to the listener in one line (and fails the future),
	 * a cancel says what was kept; the status goes back to idle after each piece of work.
	 */
	private CompletableFuture<Void> submit(String what, Runnable work) {
		return submit(what, true, work);
	}

	private CompletableFuture<Void> submit(String what, boolean needsModel, Runnable work) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		if (closed) {
			future.completeExceptionally(new IllegalStateException("The annotator is closed"));
			return future;
		}
		worker.execute(() -> {
			try {
				if (needsModel && session == null) throw new IllegalStateException("No model: loading it failed");
				work.run();
				listener.status(AnnotatorStatus.idle("ready"));
				future.complete(null);
			}
			catch (CancelledException e) {
				listener.status(AnnotatorStatus.idle("cancelled; the frames done are kept"));
				future.completeExceptionally(e);
			}
			catch (RuntimeException | Error e) {
				String message = e.getMessage() == null ? e.toString() : e.getMessage();
				listener.status(AnnotatorStatus.idle(what + " failed"));
				listener.failed(message);
				future.completeExceptionally(e);
			}
		});
		return future;
	}
}
