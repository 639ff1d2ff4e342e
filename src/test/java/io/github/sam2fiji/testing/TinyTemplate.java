package io.github.sam2fiji.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The tiny test architecture's template (test-data/sam2-tiny/template, made by its make.sh) and its shared constants. */
public final class TinyTemplate {

	public static final Path FOLDER = Path.of("test-data/sam2-tiny/template");
	/**
	 * The same architecture exported with --fused-attention: Hiera's attention blocks and the memory
	 * attention through ONNX Runtime's MultiHeadAttention (the fast graphs; constants shared with FOLDER).
	 */
	public static final Path FUSED_FOLDER = Path.of("test-data/sam2-tiny/template-fused");
	/** The template's {@code constants_dir} is "../constants": the shared constants beside it. */
	public static final Path CONSTANTS = FOLDER.resolveSibling("constants");

	private TinyTemplate() {}

	/**
	 * Copies the template into {@code templatesRoot/name} and its shared constants into
	 * {@code templatesRoot/constants}, the layout of a templates folder; returns the template's copy.
	 */
	public static Path copyInto(Path templatesRoot, String name) throws IOException {
		Path template = copyFiles(FOLDER, templatesRoot.resolve(name));
		copyFiles(CONSTANTS, templatesRoot.resolve("constants"));
		return template;
	}

	private static Path copyFiles(Path from, Path to) throws IOException {
		Files.createDirectories(to);
		try (Stream<Path> files = Files.list(from)) {
			for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
		}
		return to;
	}
}
