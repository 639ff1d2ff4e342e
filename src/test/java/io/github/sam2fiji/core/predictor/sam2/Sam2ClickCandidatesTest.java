package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.ClickCandidates.Candidate;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.ObjectResult;

/**
 * SAM 2's image mode (the committed tiny random-init model): three multimask candidates per click,
 * the same whether clicks are decoded together (batched SAM heads) or one by one, and the candidate
 * a session picks for a single click on a fresh frame (the best of the three by predicted IoU) among
 * them with the same score.
 */
class Sam2ClickCandidatesTest {

	@Test
	void threeCandidatesPerClickBatchedAsAloneAndTheSessionsPickAmongThem() {
		MovingDiscs frames = new MovingDiscs(64, 48, 3);
		try (Sam2Tracker tracker = TinyModel.tracker()) {
			ClickCandidates model = tracker.clickCandidates(frames);
			List<PointPrompt> clicks = new ArrayList<>();
			for (int i = 0; i < 20; i++) clicks.add(new PointPrompt(3 + 3 * i % frames.width(), 4 + 2 * i % frames.height(), true));
			List<Candidate> together = model.candidates(1, clicks, CancellationToken.NEVER);
			assertEquals(3 * clicks.size(), together.size(), "three per click, over two batches of the SAM heads");
			for (Candidate c : together) {
				assertEquals(frames.width(), c.mask().width());
				assertTrue(c.stability() >= 0 && c.stability() <= 1, "stability " + c.stability());
			}
			for (int i : new int[] { 0, 17 }) {
				List<Candidate> alone = model.candidates(1, List.of(clicks.get(i)), CancellationToken.NEVER);
				for (int t = 0; t < 3; t++) {
					Candidate a = alone.get(t), b = together.get(3 * i + t);
					assertEquals(clicks.get(i), b.click());
					assertEquals(a.predictedIou(), b.predictedIou(), 1e-4f);
					assertEquals(a.objectScore(), b.objectScore(), 1e-3f);
					assertTrue(a.mask().iou(b.mask()) > 0.99 || a.mask().isEmpty() && b.mask().isEmpty(), "click " + i + " candidate " + t);
				}
			}

			// judged before the masks are made at frame size: exactly those of all candidates that pass
			// bars at the lower quartiles (a random model's scores): some candidates pass both, some not
			float iouBar = quartile(together.stream().map(Candidate::predictedIou).toList()), stabilityBar = quartile(together.stream().map(Candidate::stability).toList());
			List<Candidate> passing = model.candidates(1, clicks, iouBar, stabilityBar, CancellationToken.NEVER);
			List<Candidate> expected = together.stream().filter(c -> c.predictedIou() >= iouBar && c.stability() >= stabilityBar).toList();
			assertTrue(!expected.isEmpty() && expected.size() < together.size(), "the bars keep some and drop some: " + expected.size());
			assertEquals(expected.size(), passing.size());
			for (int i = 0; i < expected.size(); i++) {
				assertEquals(expected.get(i).click(), passing.get(i).click());
				assertEquals(expected.get(i).predictedIou(), passing.get(i).predictedIou());
				assertEquals(expected.get(i).stability(), passing.get(i).stability());
				assertEquals(expected.get(i).mask(), passing.get(i).mask());
			}

			try (TrackingSession session = tracker.newSession(frames)) {
				session.addPrompt(ObjectPrompt.points(1, 1, List.of(clicks.get(0))));
				ObjectResult picked = session.segmentFrame(1, CancellationToken.NEVER).objects().get(0);
				float best = Math.max(together.get(0).predictedIou(), Math.max(together.get(1).predictedIou(), together.get(2).predictedIou()));
				assertEquals(best, picked.iou(), 1e-4f, "a single click on a fresh frame: the session takes the best multimask candidate");
			}
			assertThrows(IllegalArgumentException.class, () -> model.candidates(0, List.of(new PointPrompt(5, 5, false)), CancellationToken.NEVER));
		}
	}

	private static float quartile(List<Float> values) {
		return values.stream().sorted().toList().get(values.size() / 4);
	}
}
