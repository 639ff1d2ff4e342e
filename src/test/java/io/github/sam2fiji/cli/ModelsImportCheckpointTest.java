package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.testing.TinyTemplate;
import picocli.CommandLine;

/**
 * {@code sam2-fiji models import CHECKPOINT.pt}: a torch.save checkpoint converted in Java through a
 * template given by folder or found by architecture name and image size; refusals in one line with
 * the models folder left as it was.
 */
class ModelsImportCheckpointTest {

	static final Path CHECKPOINTS = Path.of("test-data/checkpoints");
	static final Path TEMPLATE = TinyTemplate.FOLDER;

	@TempDir
	Path temp;

	private final StringWriter out = new StringWriter(), err = new StringWriter();

	private int run(String... args) {
		CommandLine cli = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
		return cli.execute(args);
	}

	private static List<String> listing(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	@Test
	void aCheckpointIsConvertedAndInstalled() throws IOException {
		Path models = temp.resolve("models");
		assertEquals(0, run("models", "import", CHECKPOINTS.resolve("sam2_tiny_seed0.pt").toString(), "--template", TEMPLATE.toString(),
			"--models-dir", models.toString()), err.toString());
		assertEquals(List.of("sam2_tiny_seed0"), listing(models));
		ModelPackage pkg = ModelPackage.open(models.resolve("sam2_tiny_seed0"));
		assertEquals("sam2_tiny_seed0", pkg.name());
		assertEquals(ModelPackage.sha256(CHECKPOINTS.resolve("sam2_tiny_seed0.pt")),
			pkg.manifest().getAsJsonObject("source").get("checkpoint_sha256").getAsString());
		assertTrue(out.toString().startsWith("Installed: "), out.toString());

		// the same name again: refused without --replace, replaced with it
		assertEquals(1, run("models", "import", CHECKPOINTS.resolve("sam2_tiny_seed0_bf16.pt").toString(), "--template", TEMPLATE.toString(),
			"--name", "sam2_tiny_seed0", "--models-dir", models.toString()));
		assertTrue(err.toString().contains("A model named 'sam2_tiny_seed0' is already installed"), err.toString());
		assertEquals(0, run("models", "import", CHECKPOINTS.resolve("sam2_tiny_seed0_bf16.pt").toString(), "--template", TEMPLATE.toString(),
			"--name", "sam2_tiny_seed0", "--replace", "--models-dir", models.toString()), err.toString());
		assertEquals("sam2_tiny_seed0_bf16.pt",
			ModelPackage.open(models.resolve("sam2_tiny_seed0")).manifest().getAsJsonObject("source").get("checkpoint").getAsString());
		assertEquals(List.of("sam2_tiny_seed0"), listing(models));
	}

	@Test
	void theTemplateIsFoundByArchitectureAndSize() throws IOException {
		Path templates = temp.resolve("templates");
		TinyTemplate.copyInto(templates, "sam2_tiny-128");
		Path models = temp.resolve("models");
		assertEquals(0, run("models", "import", CHECKPOINTS.resolve("sam2_tiny_seed0_fp16_bare.pt").toString(), "--config", "sam2_tiny",
			"--image-size", "128", "--templates-dir", templates.toString(), "--corrections", "official", "--models-dir", models.toString()), err.toString());
		ModelPackage pkg = ModelPackage.open(models.resolve("sam2_tiny_seed0_fp16_bare"));
		assertEquals(false, pkg.manifest().getAsJsonObject("architecture").get("add_all_frames_to_correct_as_cond").getAsBoolean());
		err.getBuffer().setLength(0);

		assertEquals(1, run("models", "import", CHECKPOINTS.resolve("sam2_tiny_seed0.pt").toString(), "--config", "sam2.1_hiera_t",
			"--templates-dir", templates.toString(), "--models-dir", models.toString()));
		assertEquals("models import: No template for sam2.1_hiera_t at 1024 px in " + templates + " (expected " + templates.resolve("sam2.1_hiera_t-1024") + ")",
			err.toString().strip());
	}

	@Test
	void refusalsLeaveTheModelsFolderAsItWas() throws IOException {
		Path models = Files.createDirectories(temp.resolve("models"));
		assertEquals(1, run("models", "import", CHECKPOINTS.resolve("sam2_tiny_seed0.pt").toString(), "--models-dir", models.toString()));
		assertEquals("models import: sam2_tiny_seed0.pt is a PyTorch checkpoint: say its architecture with --config (e.g. sam2.1_hiera_t) "
			+ "or give a template with --template DIR", err.toString().strip());
		err.getBuffer().setLength(0);
		assertEquals(1, run("models", "import", CHECKPOINTS.resolve("bad_sam20.pt").toString(), "--template", TEMPLATE.toString(),
			"--models-dir", models.toString()));
		String message = err.toString().strip();
		assertTrue(message.startsWith("models import: bad_sam20.pt does not fit sam2_tiny: it looks like a SAM 2.0 checkpoint"), message);
		assertEquals(1, message.lines().count(), message);
		err.getBuffer().setLength(0);
		assertEquals(1, run("models", "import", CHECKPOINTS.resolve("sam2_tiny_seed0.pt").toString(), "--template", TEMPLATE.toString(),
			"--sha256", "ab".repeat(32), "--models-dir", models.toString()));
		assertTrue(err.toString().contains("not the expected abab"), err.toString());
		assertEquals(List.of(), listing(models));
	}
}
