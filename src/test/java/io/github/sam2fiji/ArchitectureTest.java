package io.github.sam2fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Keeps the core free of ImageJ, SciJava, AWT and Swing, so it runs anywhere (CLI, headless, other hosts). */
class ArchitectureTest {

	private static final Path CORE = Path.of("src/main/java/io/github/sam2fiji/core");
	private static final Pattern FORBIDDEN = Pattern.compile(
		"^\\s*import\\s+(static\\s+)?(ij\\.|net\\.imagej\\.|net\\.imglib2\\.|org\\.scijava\\.|java\\.awt\\.|javax\\.swing\\.|io\\.github\\.sam2fiji\\.(?!core\\.))",
		Pattern.MULTILINE);

	@Test
	void coreImportsNoHostTypes() throws IOException {
		assertTrue(Files.isDirectory(CORE), "core package not found from " + Path.of("").toAbsolutePath());
		List<String> offences = new ArrayList<>();
		int scanned = 0;
		try (Stream<Path> files = Files.walk(CORE)) {
			for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
				scanned++;
				Matcher m = FORBIDDEN.matcher(Files.readString(f));
				while (m.find()) offences.add(CORE.relativize(f) + ": " + m.group().trim());
			}
		}
		assertTrue(scanned > 5, "expected the core sources, found " + scanned);
		assertEquals(List.of(), offences);
	}

	@Test
	void forbiddenPatternCatchesHostImports() {
		assertTrue(FORBIDDEN.matcher("import ij.ImagePlus;").find());
		assertTrue(FORBIDDEN.matcher("import java.awt.Rectangle;").find());
		assertTrue(FORBIDDEN.matcher("import io.github.sam2fiji.ij.RoiPrompts;").find());
		assertTrue(!FORBIDDEN.matcher("import io.github.sam2fiji.core.image.Frame;").find());
	}
}
