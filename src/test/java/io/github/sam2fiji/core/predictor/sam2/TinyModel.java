package io.github.sam2fiji.core.predictor.sam2;

import java.nio.file.Path;

import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/** The committed tiny random-init SAM 2 package (test-data/sam2-tiny/model), on the CPU with one thread. */
final class TinyModel {

	static final Path FOLDER = Path.of(System.getProperty("sam2.tiny", "test-data/sam2-tiny/model"));

	private TinyModel() {}

	static Sam2Tracker tracker() {
		return new Sam2Tracker(ModelPackage.open(FOLDER), new RuntimeOptions(false, 1));
	}
}
