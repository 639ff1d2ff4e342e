package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.model.ModelPackage;

class Sam1ModelSpecTest {

	@Test
	void aSam1ManifestWithoutGraphsIsRefusedWithTheMissingFieldsNamed(@TempDir Path dir) throws IOException {
		Files.writeString(dir.resolve("encoder.onnx"), "not a graph");
		String sha = ModelPackage.sha256(dir.resolve("encoder.onnx"));
		Files.writeString(dir.resolve("model.json"), "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"sam1\",\"name\":\"broken\","
				+ "\"preprocessing\":{\"longest_side\":1024,\"pixel_mean\":[1,2,3],\"pixel_std\":[1,2,3]},"
				+ "\"files\":{\"encoder.onnx\":{\"size\":11,\"sha256\":\"" + sha + "\"}}}");
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> Sam1ModelSpec.of(ModelPackage.open(dir)));
		assertTrue(e.getMessage().contains("broken") && e.getMessage().contains("graphs"), e.getMessage());
	}

	@Test
	void aPackageOfAnotherKindIsRefused() {
		Path tiny = Path.of("test-data/sam2-tiny/model"); // the committed SAM 2 test package
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> Sam1ModelSpec.of(ModelPackage.open(tiny, false)));
		assertTrue(e.getMessage().contains("not 'sam1'"), e.getMessage());
	}
}
