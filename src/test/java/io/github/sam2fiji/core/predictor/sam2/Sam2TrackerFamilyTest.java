package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.core.model.ModelPackage;

/** The log line names the model family that runs, from the package's source config. */
class Sam2TrackerFamilyTest {

	@TempDir
	Path tmp;

	private ModelPackage withConfig(String config) throws IOException {
		Path dir = Files.createDirectories(tmp.resolve(config.replace('+', 'p')));
		Path source = Path.of("test-data/sam2-tiny/model");
		try (var files = Files.walk(source)) {
			for (Path f : files.toList()) {
				Path to = dir.resolve(source.relativize(f).toString());
				if (Files.isDirectory(f)) Files.createDirectories(to);
				else Files.copy(f, to);
			}
		}
		Path manifest = dir.resolve("model.json");
		Files.writeString(manifest, Files.readString(manifest).replace("\"config\": \"sam2_tiny\"", "\"config\": \"" + config + "\""));
		return ModelPackage.open(dir);
	}

	@Test
	void officialConfigsAreNamedByFamilyAndSize() throws IOException {
		assertEquals("SAM 2.1 hiera-t", Sam2Tracker.family(withConfig("sam2.1_hiera_t")));
		assertEquals("SAM 2 hiera-b+", Sam2Tracker.family(withConfig("sam2_hiera_b+")));
		assertEquals("SAM 2 (sam2_tiny)", Sam2Tracker.family(ModelPackage.open(Path.of("test-data/sam2-tiny/model"))));
	}
}
