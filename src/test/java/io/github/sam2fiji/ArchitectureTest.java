package io.github.sam2fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the core free of ImageJ, SciJava, AWT and Swing, so it runs anywhere (CLI, headless, other
 * hosts), and keeps the layers apart: values and images know nothing of models, the runtime and
 * the model package know nothing of predictors, predictors know nothing of the use cases above them
 * or of the model store and the scorer (which live outside the core), and nothing below the
 * annotator (core.annotate) knows of it.
 */
class ArchitectureTest {

	private static final Path MAIN = Path.of("src/main/java/io/github/sam2fiji");
	private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?io\\.github\\.sam2fiji\\.([\\w.]+)\\.[A-Z]\\w*", Pattern.MULTILINE);

	/** Package (relative to io.github.sam2fiji) -> packages it must not import. */
	private static final Map<String, List<String>> FORBIDDEN_LAYERS = Map.ofEntries(
		Map.entry("core.image", List.of("core.predictor", "core.runtime", "core.model", "core.script", "core.track", "core.annotate")),
		Map.entry("core.prompt", List.of("core.predictor", "core.runtime", "core.model", "core.script", "core.track", "core.annotate")),
		Map.entry("core.result", List.of("core.predictor", "core.runtime", "core.model", "core.script", "core.track", "core.annotate")),
		Map.entry("core.progress", List.of("core.predictor", "core.runtime", "core.model", "core.script", "core.track", "core.image", "core.annotate")),
		Map.entry("core.io", List.of("core.predictor", "core.runtime", "core.model", "core.script", "core.track", "core.annotate")),
		Map.entry("core.runtime", List.of("core.predictor", "core.script", "core.track", "core.annotate")),
		Map.entry("core.model", List.of("core.predictor", "core.script", "core.track", "core.annotate")),
		Map.entry("core.predictor", List.of("core.script", "core.track", "core.annotate")),
		Map.entry("core.script", List.of("core.track", "core.annotate")),
		Map.entry("store", List.of("core.predictor", "core.script", "core.track", "eval", "ij", "ij1", "command", "cli", "imglib2", "export")),
		Map.entry("convert", List.of("core.predictor", "core.runtime", "core.script", "core.track", "store", "eval", "ij", "ij1", "command", "cli", "imglib2", "export")),
		Map.entry("eval", List.of("core.predictor", "core.runtime", "store", "ij", "ij1", "command", "cli", "imglib2", "export")),
		Map.entry("npy", List.of("core.predictor", "store", "eval", "ij", "ij1", "command", "cli")));

	@Test
	void layersImportOnlyWhatIsBelowThem() throws IOException {
		List<String> offences = new ArrayList<>();
		int checked = 0;
		try (Stream<Path> files = Files.walk(MAIN)) {
			for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
				String pkg = MAIN.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.');
				for (Map.Entry<String, List<String>> rule : FORBIDDEN_LAYERS.entrySet()) {
					if (!(pkg.equals(rule.getKey()) || pkg.startsWith(rule.getKey() + "."))) continue;
					checked++;
					Matcher m = IMPORT.matcher(Files.readString(f));
					while (m.find())
						for (String forbidden : rule.getValue())
							if (m.group(1).equals(forbidden) || m.group(1).startsWith(forbidden + ".")) offences.add(MAIN.relativize(f) + " imports " + m.group().trim());
				}
			}
		}
		assertTrue(checked > 30, "expected the layered sources, checked " + checked);
		assertEquals(List.of(), offences);
	}

	@Test
	void theLayerRuleCatchesAnUpwardImport() {
		Matcher m = IMPORT.matcher("import io.github.sam2fiji.core.predictor.sam2.Sam2Tracker;");
		assertTrue(m.find());
		assertEquals("core.predictor.sam2", m.group(1));
	}

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
