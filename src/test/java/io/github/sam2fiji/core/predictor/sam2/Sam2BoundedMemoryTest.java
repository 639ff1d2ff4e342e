package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;

/**
 * What a session holds while tracking 3 objects through 300 generated frames with the tiny test
 * model, counted by the session itself (no heap measurement): a batch session holds the same after
 * frame 50 and after frame 300 and never touches the disk; an interactive session keeps every output
 * but never more than its RAM budget in RAM, spills the rest, and gives the same results.
 */
class Sam2BoundedMemoryTest {

	private static final int FRAMES = 300;

	private static void prompt(Sam2Session session, MovingDiscs frames) {
		session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(frames.centreX(0, 0), frames.centreY(0, 0), true))));
		session.addPrompt(ObjectPrompt.points(2, 0, List.of(new PointPrompt(frames.centreX(1, 0), frames.centreY(1, 0), true))));
		session.addPrompt(ObjectPrompt.points(3, 0, List.of(new PointPrompt(5, 5, true))));
	}

	@Test
	void aBatchSessionHoldsTheSameAfter50And300Frames() {
		MovingDiscs frames = new MovingDiscs(96, 80, FRAMES);
		long[] at50 = new long[3], atEnd = new long[3];
		int[] delivered = { 0 };
		try (Sam2Tracker tracker = TinyModel.tracker(); Sam2Session session = (Sam2Session) tracker.newSession(frames, SessionOptions.forBatch())) {
			prompt(session, frames);
			session.propagate(Direction.FORWARD, result -> {
				delivered[0]++;
				if (result.frame() == 49) measure(session, at50);
				if (result.frame() == FRAMES - 1) measure(session, atEnd);
			}, ProgressListener.NONE, CancellationToken.NEVER);
		}
		System.out.printf("batch: after frame 50: %d retained frames, %d bytes in RAM, %d on disk; after frame %d: %d, %d, %d; %d frame reads%n",
			at50[0], at50[1], at50[2], FRAMES, atEnd[0], atEnd[1], atEnd[2], frames.reads());
		assertEquals(FRAMES, delivered[0]);
		// when frame 49 is delivered: per object the conditioning frame, the 6 memories frame 49 attended
		// to and frame 49's own; plus 2 cached frames' features
		assertEquals(3 * (1 + 6 + 1) + 2, at50[0], "retained frames after frame 50");
		assertArrayEquals(at50, atEnd, "retained frames, RAM and disk bytes after frame 50 and after frame 300");
		assertEquals(0, atEnd[2], "a batch session within its budget does not spill");
		assertTrue(frames.reads() <= FRAMES + 2, "frames read lazily, each about once: " + frames.reads() + " reads");
	}

	@Test
	void anInteractiveSessionKeepsEverythingWithinItsRamBudget() {
		MovingDiscs frames = new MovingDiscs(96, 80, 120);
		List<FrameResult> unbounded = new ArrayList<>(), bounded = new ArrayList<>();
		long budget = 20 * (2L * 16 * 8 * 8 + 4L * 32 * 32); // 20 memories or logit maps of the tiny model
		long[] worstRam = { 0 };
		try (Sam2Tracker tracker = TinyModel.tracker()) {
			try (Sam2Session session = (Sam2Session) tracker.newSession(frames, SessionOptions.interactive())) {
				prompt(session, frames);
				session.propagate(Direction.FORWARD, unbounded::add, ProgressListener.NONE, CancellationToken.NEVER);
				assertEquals(0, session.spillStatistics()[1], "the default budget holds this run");
			}
			try (Sam2Session session = (Sam2Session) tracker.newSession(frames, SessionOptions.interactive().withMemoryBudget(budget))) {
				prompt(session, frames);
				session.propagate(Direction.FORWARD, r -> {
					bounded.add(r);
					worstRam[0] = Math.max(worstRam[0], session.storedBytes()[0]);
				}, ProgressListener.NONE, CancellationToken.NEVER);
				long[] stored = session.storedBytes(), spill = session.spillStatistics();
				System.out.printf("interactive, budget %d bytes: at most %d in RAM, %d on disk at the end (file %d), %d arrays spilled, %d read back%n",
					budget, worstRam[0], stored[1], spill[0], spill[1], spill[2]);
				assertTrue(worstRam[0] <= budget, "RAM within the budget: " + worstRam[0]);
				// every output is kept: 3 objects x 120 frames of logits, 3 x 119 memories (frame 0's too)
				long kept = 3L * 120 * (2 * 16 * 8 * 8 + 4 * 32 * 32);
				assertEquals(kept, stored[0] + stored[1], "all memories and logits kept, in RAM or on disk");
				// a correction on an early frame needs that frame's logits and the memories before it, all spilled
				session.addPrompt(ObjectPrompt.points(1, 10, List.of(new PointPrompt(frames.centreX(0, 10), frames.centreY(0, 10), true))));
				assertTrue(session.spillStatistics()[2] >= 7, "the correction read back its frame's logits and 6 memories: " + session.spillStatistics()[2]);
			}
		}
		assertEquals(unbounded.size(), bounded.size());
		for (int i = 0; i < unbounded.size(); i++)
			for (int k = 0; k < 3; k++) {
				var a = unbounded.get(i).objects().get(k);
				var b = bounded.get(i).objects().get(k);
				assertEquals(a.mask(), b.mask(), "frame " + i + " object " + a.objectId());
				assertArrayEquals(a.lowResLogits().values(), b.lowResLogits().values(), "frame " + i + " object " + a.objectId());
			}
	}

	private static void measure(Sam2Session session, long[] into) {
		long[] stored = session.storedBytes();
		into[0] = session.retainedFrameCount();
		into[1] = stored[0];
		into[2] = stored[1];
	}
}
