package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;

/**
 * SAM 2 sessions and image-mode searches on image features shared across them (an automatic run's
 * rounds) give exactly what each gives on its own, with each frame encoded once; features of
 * another model are refused (the tiny SAM 2 package, two discs over 16 frames).
 */
class Sam2SharedEncodingsTest {

	private static final MovingDiscs DISCS = new MovingDiscs(96, 80, 16);

	private List<FrameResult> track(TrackingSession s) {
		s.addPrompt(ObjectPrompt.points(1, 3, List.of(new PointPrompt(DISCS.centreX(0, 3), DISCS.centreY(0, 3), true))));
		s.addPrompt(ObjectPrompt.points(2, 9, List.of(new PointPrompt(DISCS.centreX(1, 9), DISCS.centreY(1, 9), true))));
		List<FrameResult> out = new ArrayList<>();
		s.propagate(Direction.BOTH, out::add, ProgressListener.NONE, CancellationToken.NEVER);
		return out;
	}

	private static void assertSame(List<FrameResult> expected, List<FrameResult> actual) {
		assertEquals(expected.size(), actual.size());
		for (int i = 0; i < expected.size(); i++)
			for (int k = 0; k < 2; k++) {
				assertEquals(expected.get(i).objects().get(k).mask(), actual.get(i).objects().get(k).mask(), "frame " + expected.get(i).frame());
				assertEquals(expected.get(i).objects().get(k).iou(), actual.get(i).objects().get(k).iou(), "frame " + expected.get(i).frame());
			}
	}

	@Test
	void sharedFeaturesChangeNoResultAndEncodeEachFrameOnce() {
		List<PointPrompt> clicks = List.of(new PointPrompt(DISCS.centreX(0, 5), DISCS.centreY(0, 5), true), new PointPrompt(10, 10, true));
		try (Sam2Tracker tracker = TinyModel.tracker()) {
			List<FrameResult> alone;
			try (TrackingSession own = tracker.newSession(DISCS, SessionOptions.interactive().withImageCache(0))) {
				alone = track(own);
			}
			List<ClickCandidates.Candidate> searchedAlone = tracker.clickCandidates(DISCS).candidates(5, clicks, CancellationToken.NEVER);
			try (FrameEncodings<?> shared = tracker.encodings(DISCS, 1L << 30)) {
				for (int round = 0; round < 2; round++)
					try (TrackingSession s = tracker.newSession(shared, SessionOptions.interactive().withImageCache(0))) {
						assertSame(alone, track(s));
					}
				List<ClickCandidates.Candidate> searched = tracker.clickCandidates(shared).candidates(5, clicks, CancellationToken.NEVER);
				assertEquals(searchedAlone.size(), searched.size());
				for (int i = 0; i < searched.size(); i++) assertEquals(searchedAlone.get(i).mask(), searched.get(i).mask(), "candidate " + i);
				assertEquals(DISCS.frameCount(), shared.encodes(), "two sessions and a search encoded each frame once");
			}
			try (FrameEncodings<?> none = tracker.encodings(DISCS, 0); TrackingSession s = tracker.newSession(none, SessionOptions.forBatch())) {
				assertSame(alone, track(s));
				assertEquals(Sam2Session.FEATURE_CACHE_FRAMES, none.size());
			}
		}
	}

	@Test
	void featuresOfAnotherModelAreRefused() {
		try (Sam2Tracker one = TinyModel.tracker(); Sam2Tracker other = TinyModel.tracker(); FrameEncodings<?> features = one.encodings(DISCS, 1L << 20)) {
			assertThrows(IllegalArgumentException.class, () -> other.newSession(features, SessionOptions.interactive()));
			assertThrows(IllegalArgumentException.class, () -> other.clickCandidates(features));
		}
	}
}
