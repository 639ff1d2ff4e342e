package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.testing.Sam1Packages;

/** Opening a SAM 1 package checks its graphs' inputs and outputs against what the tracker will feed and read. */
class Sam1GraphCheckTest {

	/** A one-input, one-output graph: input "mask", output "mask_for_decoder". */
	private static final Path GRAPH = Path.of("test-data/sam2-tiny/model/mask_downsample.onnx");

	@TempDir
	Path dir;

	@Test
	void aDecoderWithoutTheSam1InterfaceIsRefusedNamingWhatItHas() throws IOException {
		// the encoder's names match this graph, so the check reaches the decoder
		Path pkg = Sam1Packages.withGraph(dir.resolve("pkg"), GRAPH, "mask", "mask_for_decoder");
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> Trackers.open(pkg, new RuntimeOptions(false, 1)).close());
		assertTrue(e.getMessage().startsWith("Graph " + pkg.resolve("decoder.onnx").toAbsolutePath() + " is not a SAM 1 decoder"), e.getMessage());
		assertTrue(e.getMessage().contains("it has inputs [mask] and outputs [mask_for_decoder], expected [image_embeddings, point_coords, point_labels, mask_input, "
			+ "has_mask_input, orig_im_size] and [iou_predictions, low_res_masks]"), e.getMessage());
	}
}
