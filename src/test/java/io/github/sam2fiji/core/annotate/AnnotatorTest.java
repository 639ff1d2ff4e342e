package io.github.sam2fiji.core.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.FrameSource;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.core.result.ShownFrames;
import io.github.sam2fiji.testing.FakeTracker;
import io.github.sam2fiji.testing.PaintedFrames;

/**
 * The annotator's controller against the fake tracker (geometric "segmentation": a click is a disc
 * of radius 4, a box is filled; "tracking" copies the nearest prompted frame's mask): prompts,
 * objects, undo, propagation with cancel and correction, removal, accept and its script, model
 * switch, background encoding, failures.
 */
class AnnotatorTest {

	static final int W = 40, H = 30, FRAMES = 8;

	/** A blank 8-bit sequence (the fake tracker looks only at the prompts). */
	static FrameSource frames() {
		return new PaintedFrames(W, H, FRAMES, (t, x, y) -> 0);
	}

	/** Records what the annotator tells its user interface. */
	static final class Heard implements AnnotationListener {
		final List<Integer> frames = Collections.synchronizedList(new ArrayList<>());
		final List<String> failures = Collections.synchronizedList(new ArrayList<>());
		final List<AnnotatorStatus> statuses = Collections.synchronizedList(new ArrayList<>());
		volatile int objectChanges;

		@Override
		public void frameChanged(int frame) {
			frames.add(frame);
		}

		@Override
		public void objectsChanged() {
			objectChanges++;
		}

		@Override
		public void status(AnnotatorStatus status) {
			statuses.add(status);
		}

		@Override
		public void failed(String message) {
			failures.add(message);
		}
	}

	static <T> T await(CompletableFuture<T> f) throws Exception {
		return f.get(30, TimeUnit.SECONDS);
	}

	static int area(FrameResult r, int id) {
		for (ObjectResult o : r.objects())
			if (o.objectId() == id) return o.present() ? o.mask().area() : 0;
		return 0;
	}

	static boolean covers(FrameResult r, int id, int x, int y) {
		for (ObjectResult o : r.objects())
			if (o.objectId() == id) return o.present() && o.mask().get(x, y);
		return false;
	}

	@Test
	void clicksBoxesAndObjectsShowAtOnceOnTheirFrame() throws Exception {
		FakeTracker tracker = new FakeTracker();
		Heard heard = new Heard();
		try (Annotator a = new Annotator(frames(), () -> tracker, heard)) {
			await(a.click(2, 10.5, 10.5, true));
			assertEquals(1, a.currentObject(), "the first click starts object 1");
			FrameResult f2 = a.shown(2);
			assertTrue(covers(f2, 1, 10, 10) && covers(f2, 1, 13, 10), "a disc around the click");
			int disc = area(f2, 1);
			// a negative click next to it cuts the disc
			await(a.click(2, 14.5, 10.5, false));
			assertTrue(area(a.shown(2), 1) < disc, "the negative click removes part of the mask");
			assertFalse(covers(a.shown(2), 1, 14, 10));
			// a new object, prompted with a box
			assertEquals(2, a.newObject());
			await(a.box(2, new BoxPrompt(20, 5, 30, 15)));
			assertEquals(100, area(a.shown(2), 2));
			assertEquals(List.of(1, 2), a.objects().stream().map(AnnotatedObject::id).toList());
			assertEquals(Set.of(2), a.objects().get(1).promptedFrames());
			assertEquals(Set.of(2), a.objects().get(0).presentFrames());
			assertNull(a.shown(3), "nothing shown on a frame no call touched");
			assertTrue(heard.frames.contains(2));
			assertTrue(heard.failures.isEmpty(), heard.failures.toString());
			assertEquals("fake tracker (test double)", a.model());
			// selecting object 1 sends the next click to it
			a.select(1);
			await(a.click(2, 5.5, 20.5, true));
			assertTrue(covers(a.shown(2), 1, 5, 20));
			assertThrows(IllegalArgumentException.class, () -> a.select(9));
		}
		assertTrue(tracker.closed, "the annotator closes the model it loaded");
	}

	@Test
	void undoTakesBackTheLastPromptOnly() throws Exception {
		FakeTracker tracker = new FakeTracker();
		try (Annotator a = new Annotator(frames(), () -> tracker, new Heard())) {
			await(a.click(1, 10.5, 10.5, true));
			FrameResult one = a.shown(1);
			await(a.click(1, 20.5, 10.5, true));
			assertTrue(covers(a.shown(1), 1, 20, 10));
			await(a.undo());
			assertEquals(one.objects().get(0).mask(), a.shown(1).objects().get(0).mask(), "back to the one-click mask");
			// a box replaces the clicks; undoing it brings the click back
			await(a.box(1, new BoxPrompt(0, 0, 5, 5)));
			assertFalse(covers(a.shown(1), 1, 10, 10));
			await(a.undo());
			assertTrue(covers(a.shown(1), 1, 10, 10) && !covers(a.shown(1), 1, 2, 2));
			// undoing an object's only prompt takes it off every frame; it stays listed, to be prompted again
			a.newObject();
			await(a.click(1, 30.5, 20.5, true));
			assertTrue(covers(a.shown(1), 2, 30, 20));
			await(a.undo());
			assertEquals(0, area(a.shown(1), 2));
			assertEquals(List.of(1, 2), a.objects().stream().map(AnnotatedObject::id).toList());
			assertTrue(a.objects().get(1).promptedFrames().isEmpty());
			await(a.undo());
			assertFalse(a.canUndo());
			ExecutionException nothing = assertThrows(ExecutionException.class, () -> await(a.undo()));
			assertEquals("Nothing to undo", nothing.getCause().getMessage());
			assertSameAsReplay(a);
		}
	}

	@Test
	void propagateCorrectOnALaterFrameAndPropagateAgain() throws Exception {
		FakeTracker tracker = new FakeTracker();
		Heard heard = new Heard();
		try (Annotator a = new Annotator(frames(), () -> tracker, heard)) {
			await(a.click(3, 10.5, 10.5, true));
			heard.frames.clear();
			await(a.propagate(Direction.BOTH, 3));
			assertEquals(List.of(3, 4, 5, 6, 7, 3, 2, 1, 0), heard.frames, "every frame shown as it is done, forward then backward");
			for (int f = 0; f < FRAMES; f++) assertTrue(covers(a.shown(f), 1, 10, 10), "frame " + f);
			assertEquals(8, a.objects().get(0).presentFrames().size());
			assertTrue(heard.statuses.stream().anyMatch(s -> s.activity() == AnnotatorStatus.Activity.PROPAGATING && s.done() == 9 && s.total() == 9));
			// a correction on frame 6 (a click elsewhere) and a forward run from there
			await(a.click(6, 30.5, 20.5, true));
			await(a.propagate(Direction.FORWARD, 6));
			assertTrue(covers(a.shown(7), 1, 30, 20), "the correction carries on after its frame");
			assertFalse(covers(a.shown(5), 1, 30, 20), "frames before the run are as they were");
			assertEquals(Set.of(3, 6), a.objects().get(0).promptedFrames());
			assertSameAsReplay(a);
		}
	}

	@Test
	void cancelKeepsTheFramesDoneAndTheScriptSaysSo() throws Exception {
		FakeTracker tracker = new FakeTracker();
		Heard heard = new Heard();
		try (Annotator a = new Annotator(frames(), () -> tracker, heard)) {
			await(a.click(0, 10.5, 10.5, true));
			tracker.afterFrame = f -> {
				if (f == 3) a.cancel();
			};
			ExecutionException e = assertThrows(ExecutionException.class, () -> await(a.propagate(Direction.FORWARD, 0)));
			assertInstanceOf(CancelledException.class, e.getCause());
			for (int f = 0; f <= 3; f++) assertNotNull(a.shown(f), "frame " + f + " done before the cancel");
			for (int f = 4; f < FRAMES; f++) assertNull(a.shown(f), "frame " + f + " not reached");
			PromptScript.Step last = a.script().steps().get(a.script().steps().size() - 1);
			assertEquals(new PromptScript.Propagate(new io.github.sam2fiji.core.predictor.Propagation(0, 3, false), null), last, "a run over the 4 frames done");
			assertEquals(AnnotatorStatus.Activity.IDLE, heard.statuses.get(heard.statuses.size() - 1).activity());
			assertTrue(heard.statuses.get(heard.statuses.size() - 1).message().contains("cancelled"));
			// the annotator goes on: a later run works
			tracker.afterFrame = f -> {};
			await(a.propagate(Direction.FORWARD, 3));
			assertNotNull(a.shown(7));
			assertSameAsReplay(a);
		}
	}

	@Test
	void removingAnObjectTakesItOffEveryFrame() throws Exception {
		FakeTracker tracker = new FakeTracker();
		Heard heard = new Heard();
		try (Annotator a = new Annotator(frames(), () -> tracker, heard)) {
			await(a.click(0, 10.5, 10.5, true));
			a.newObject();
			await(a.click(0, 30.5, 20.5, true));
			await(a.propagate(Direction.FORWARD, 0));
			heard.frames.clear();
			await(a.removeObject(1));
			assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), heard.frames, "every frame it was on is shown again");
			for (int f = 0; f < FRAMES; f++) {
				assertEquals(0, area(a.shown(f), 1));
				assertTrue(covers(a.shown(f), 2, 30, 20));
			}
			assertEquals(List.of(2), a.objects().stream().map(AnnotatedObject::id).toList());
			assertEquals(2, a.currentObject());
			assertSameAsReplay(a);
		}
	}

	@Test
	void acceptHandsOverEveryShownFrameAndAScriptThatReplaysToTheSame() throws Exception {
		FakeTracker tracker = new FakeTracker();
		try (Annotator a = new Annotator(frames(), () -> tracker, new Heard())) {
			await(a.click(2, 10.5, 10.5, true));
			a.newObject();
			await(a.box(2, new BoxPrompt(20, 5, 30, 15)));
			await(a.propagate(Direction.BACKWARD, 2));
			List<FrameResult> accepted = new ArrayList<>();
			PromptScript script = await(a.accept(accepted::add));
			assertEquals(List.of(0, 1, 2), accepted.stream().map(FrameResult::frame).toList());
			// the script survives its JSON form
			java.nio.file.Path file = java.nio.file.Files.createTempFile("annotator", ".json");
			java.nio.file.Files.writeString(file, script.toJson());
			assertEquals(script.toJson(), PromptScript.read(file, null).toJson());
			java.nio.file.Files.delete(file);
			assertSameAsReplay(a);
		}
	}

	@Test
	void movingToAFrameEncodesItInTheBackgroundAndStaleMovesAreDropped() throws Exception {
		FakeTracker tracker = new FakeTracker();
		CountDownLatch loaded = new CountDownLatch(1);
		Heard heard = new Heard();
		try (Annotator a = new Annotator(frames(), () -> {
			try {
				loaded.await();
			}
			catch (InterruptedException e) {
				throw new IllegalStateException(e);
			}
			return tracker;
		}, heard)) {
			assertEquals("loading...", a.model());
			// while the model loads the user scrolls through three frames: only the last is encoded
			a.viewing(1);
			a.viewing(2);
			a.viewing(5);
			CompletableFuture<Void> click = a.click(5, 10.5, 10.5, true);
			loaded.countDown();
			await(click);
			assertEquals(List.of(5), tracker.framesPrepared);
			assertTrue(heard.statuses.stream().anyMatch(s -> s.activity() == AnnotatorStatus.Activity.ENCODING && s.message().contains("frame 6")));
			assertTrue(heard.statuses.stream().anyMatch(s -> s.activity() == AnnotatorStatus.Activity.LOADING));
			a.viewing(5);
			await(a.undo());
			assertEquals(List.of(5), tracker.framesPrepared, "the frame in view is not encoded twice");
		}
	}

	@Test
	void failuresAreOneLineAndLeaveTheAnnotatorUsable() throws Exception {
		FakeTracker tracker = new FakeTracker();
		Heard heard = new Heard();
		try (Annotator a = new Annotator(frames(), () -> tracker, heard)) {
			assertThrows(ExecutionException.class, () -> await(a.propagate(Direction.FORWARD, 0)));
			assertEquals(1, heard.failures.size());
			assertTrue(heard.failures.get(0).startsWith("No object to track"), heard.failures.get(0));
			assertThrows(IllegalArgumentException.class, () -> a.click(0, 100, 10, true), "a click outside the image is refused at once");
			assertThrows(IllegalArgumentException.class, () -> a.propagate(Direction.FORWARD, FRAMES));
			await(a.click(0, 10.5, 10.5, true));
			assertNotNull(a.shown(0));
			assertTrue(a.script().steps().stream().noneMatch(s -> s instanceof PromptScript.Propagate), "a failed call is not written down");
		}
		Heard noModel = new Heard();
		try (Annotator a = new Annotator(frames(), () -> {
			throw new IllegalArgumentException("No model at /nowhere");
		}, noModel)) {
			ExecutionException e = assertThrows(ExecutionException.class, () -> await(a.click(0, 1.5, 1.5, true)));
			assertEquals("No model: loading it failed", e.getCause().getMessage());
			assertEquals(List.of("No model at /nowhere", "No model: loading it failed"), noModel.failures);
		}
	}

	@Test
	void switchingTheModelReplaysTheSessionOnTheNewOne() throws Exception {
		FakeTracker first = new FakeTracker(), second = new FakeTracker();
		try (Annotator a = new Annotator(frames(), () -> first, new Heard())) {
			await(a.click(2, 10.5, 10.5, true));
			await(a.propagate(Direction.FORWARD, 2));
			TreeMap<Integer, FrameResult> before = new TreeMap<>();
			for (int f = 0; f < FRAMES; f++) before.put(f, a.shown(f));
			await(a.switchModel(() -> second));
			assertTrue(first.closed, "the old model is closed once the new one is ready");
			assertFalse(second.closed);
			assertEquals(1, second.prompts.size(), "the prompt given again");
			for (int f = 0; f < FRAMES; f++) assertEquals(String.valueOf(before.get(f)), String.valueOf(a.shown(f)), "frame " + f);
			// a failing load keeps the model in use
			assertThrows(ExecutionException.class, () -> await(a.switchModel(() -> {
				throw new IllegalStateException("broken model");
			})));
			await(a.click(2, 20.5, 10.5, true));
			assertEquals(2, second.prompts.size());
		}
	}

	/** Replaying the annotator's script on a fresh session shows what the annotator shows, frame by frame. */
	static void assertSameAsReplay(Annotator a) throws Exception {
		ShownFrames replayed = new ShownFrames(W, H);
		PromptScript script = a.script();
		try (TrackingSession session = new FakeTracker().newSession(frames())) {
			script.replay(session, PromptScript.Display.of(replayed::show, replayed::forget), (d, t, m) -> {}, CancellationToken.NEVER);
		}
		for (int f = 0; f < FRAMES; f++) assertEquals(describe(a.shown(f)), describe(replayed.result(f)), "frame " + f);
	}

	private static String describe(FrameResult r) {
		if (r == null) return "nothing";
		StringBuilder s = new StringBuilder();
		for (ObjectResult o : r.objects()) s.append(o.objectId()).append(o.present() ? "+" : "-").append(o.mask().hashCode()).append(' ');
		return s.toString();
	}
}
