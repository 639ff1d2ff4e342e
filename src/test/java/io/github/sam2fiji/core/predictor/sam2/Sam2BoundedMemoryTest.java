package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * Tracking 3 objects through 300 generated frames with the tiny test model: what the session
 * retains (features, memories, outputs) and the Java heap after frame 50 and after frame 300 are
 * the same, and frames are read lazily (each about once).
 */
class Sam2BoundedMemoryTest {

	private static final int FRAMES = 300;

	@Test
	void retainedStateDoesNotGrowWithTheSequence() {
		MovingDiscs frames = new MovingDiscs(96, 80, FRAMES);
		long[] at50 = new long[3], atEnd = new long[3];
		int[] delivered = { 0 };
		try (Sam2Tracker tracker = TinyModel.tracker(); Sam2Session session = (Sam2Session) tracker.newSession(frames)) {
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(frames.centreX(0, 0), frames.centreY(0, 0), true))));
			session.addPrompt(ObjectPrompt.points(2, 0, List.of(new PointPrompt(frames.centreX(1, 0), frames.centreY(1, 0), true))));
			session.addPrompt(ObjectPrompt.points(3, 0, List.of(new PointPrompt(5, 5, true))));
			session.propagate(Direction.FORWARD, result -> {
				delivered[0]++;
				if (result.frame() == 49) measure(session, at50);
				if (result.frame() == FRAMES - 1) measure(session, atEnd);
			}, ProgressListener.NONE, CancellationToken.NEVER);
		}
		System.out.printf("after frame 50: %d retained frames, %d outputs, %d heap bytes; after frame %d: %d, %d, %d; %d frame reads%n",
			at50[0], at50[1], at50[2], FRAMES, atEnd[0], atEnd[1], atEnd[2], frames.reads());
		assertEquals(FRAMES, delivered[0]);
		assertTrue(at50[0] > 3, "memories are retained at all: " + at50[0]);
		assertEquals(at50[0], atEnd[0], "retained frames (features + memories) after frame 50 and 300");
		assertEquals(at50[1], atEnd[1], "retained outputs after frame 50 and 300");
		// unbounded retention would add 3 objects x 250 frames x ~6 KB (memory + logits) = ~4.5 MB
		assertTrue(Math.abs(atEnd[2] - at50[2]) < 2_000_000, "heap after frame 50: " + at50[2] + " bytes, after 300: " + atEnd[2]);
		assertTrue(frames.reads() <= FRAMES + 2, "frames read lazily, each about once: " + frames.reads() + " reads");
	}

	private static void measure(Sam2Session session, long[] into) {
		into[0] = session.retainedFrameCount();
		into[1] = session.retainedOutputCount();
		into[2] = usedHeapAfterGc();
	}

	private static long usedHeapAfterGc() {
		Runtime rt = Runtime.getRuntime();
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			best = Math.min(best, rt.totalMemory() - rt.freeMemory());
		}
		return best;
	}
}
