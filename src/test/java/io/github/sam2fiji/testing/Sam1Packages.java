package io.github.sam2fiji.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.sam2fiji.core.model.ModelPackage;

/** SAM 1 interface packages (kind "sam1") written around any graph, for tests of how packages are checked. */
public final class Sam1Packages {

	private Sam1Packages() {}

	/**
	 * A complete, checksummed package in {@code folder} whose encoder and decoder are both copies of
	 * {@code graph}, with model.json naming the encoder's input and output as given.
	 */
	public static Path withGraph(Path folder, Path graph, String encoderInput, String encoderOutput) throws IOException {
		Files.createDirectories(folder);
		Path encoder = Files.copy(graph, folder.resolve("encoder.onnx"));
		Path decoder = Files.copy(graph, folder.resolve("decoder.onnx"));
		Files.writeString(folder.resolve(ModelPackage.MANIFEST), """
			{"format": "sam2fiji-model", "format_version": 1, "kind": "sam1", "name": "%s",
			 "preprocessing": {"longest_side": 1024, "pixel_mean": [123.675, 116.28, 103.53], "pixel_std": [58.395, 57.12, 57.375]},
			 "graphs": {"encoder": {"file": "encoder.onnx", "input": "%s", "output": "%s"},
			            "decoder": {"file": "decoder.onnx", "low_res_mask_size": 256, "all_candidates": null}},
			 "files": {"encoder.onnx": {"size": %d, "sha256": "%s"}, "decoder.onnx": {"size": %d, "sha256": "%s"}}}
			""".formatted(folder.getFileName(), encoderInput, encoderOutput, Files.size(encoder), ModelPackage.sha256(encoder), Files.size(decoder),
			ModelPackage.sha256(decoder)));
		return folder;
	}
}
