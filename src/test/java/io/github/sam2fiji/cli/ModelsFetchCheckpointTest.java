package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.github.sam2fiji.convert.ModelTemplates;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.testing.TinyTemplate;
import io.github.sam2fiji.store.catalogue.CatalogueEntry;
import io.github.sam2fiji.store.catalogue.ModelCatalogue;
import picocli.CommandLine;

/**
 * {@code models fetch} of a catalogued PyTorch checkpoint (as the official SAM 2.1 entries are):
 * downloaded from a loopback server, converted in Java through the template of its architecture,
 * installed; a server that sends far more than the approximate size is stopped. And the built-in
 * catalogue's checkpoint entries each have a template in the plugin.
 */
class ModelsFetchCheckpointTest {

	@TempDir
	Path temp;

	private final StringWriter out = new StringWriter(), err = new StringWriter();
	private HttpServer server;
	private Path templates;

	@BeforeEach
	void serveAndPrepareTemplates() throws IOException {
		Path checkpoint = ModelsImportCheckpointTest.CHECKPOINTS.resolve("sam2_tiny_seed0.pt");
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/sam2_tiny_seed0.pt", exchange -> {
			byte[] body = Files.readAllBytes(checkpoint);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream o = exchange.getResponseBody()) {
				o.write(body);
			}
		});
		server.createContext("/endless.pt", exchange -> {
			exchange.sendResponseHeaders(200, 0); // chunked, no length: only the cap stops it
			try (OutputStream o = exchange.getResponseBody()) {
				byte[] chunk = new byte[1 << 16];
				for (int i = 0; i < 1000; i++) o.write(chunk);
			}
			catch (IOException e) {
				// the client hung up at its cap
			}
		});
		server.start();
		templates = temp.resolve("templates");
		TinyTemplate.copyInto(templates, "sam2_tiny-128");
	}

	@AfterEach
	void stop() {
		server.stop(0);
	}

	private int run(String... args) {
		CommandLine cli = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
		return cli.execute(args);
	}

	private Path modelsWithCatalogue(String file, long approximateSize) throws IOException {
		Path models = Files.createDirectories(temp.resolve("models"));
		Files.writeString(models.resolve(ModelStore.USER_CATALOGUE), "{\"models\": [{\"name\": \"tiny-checkpoint\", \"kind\": \"sam2\", "
			+ "\"source\": \"http://127.0.0.1:" + server.getAddress().getPort() + "/" + file + "\", "
			+ "\"checkpoint\": {\"config\": \"sam2_tiny\", \"image_size\": 128}, \"approximate_size\": " + approximateSize + "}]}");
		return models;
	}

	private static List<String> listing(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	@Test
	void aCataloguedCheckpointIsDownloadedConvertedAndInstalled() throws IOException {
		Path models = modelsWithCatalogue("sam2_tiny_seed0.pt", 2_800_000);
		assertEquals(0, run("models", "fetch", "tiny-checkpoint", "--templates-dir", templates.toString(), "--models-dir", models.toString()), err.toString());
		ModelPackage pkg = ModelPackage.open(models.resolve("tiny-checkpoint"));
		assertEquals("tiny-checkpoint", pkg.name());
		assertEquals(ModelPackage.sha256(ModelsImportCheckpointTest.CHECKPOINTS.resolve("sam2_tiny_seed0.pt")),
			pkg.manifest().getAsJsonObject("source").get("checkpoint_sha256").getAsString());
		assertEquals(List.of("catalogue.json", "tiny-checkpoint"), listing(models));
	}

	@Test
	void aWrongSha256OrAnOversizeDownloadInstallsNothing() throws IOException {
		Path models = modelsWithCatalogue("sam2_tiny_seed0.pt", 2_800_000);
		assertEquals(1, run("models", "fetch", "tiny-checkpoint", "--sha256", "0".repeat(64), "--templates-dir", templates.toString(),
			"--models-dir", models.toString()));
		assertTrue(err.toString().contains("sha256"), err.toString());
		assertEquals(List.of("catalogue.json"), listing(models));
		err.getBuffer().setLength(0);
		models = modelsWithCatalogue("endless.pt", 1_000_000);
		assertEquals(1, run("models", "fetch", "tiny-checkpoint", "--templates-dir", templates.toString(), "--models-dir", models.toString()));
		assertTrue(err.toString().contains("sends more than the catalogue's 1250000 bytes"), err.toString());
		assertEquals(List.of("catalogue.json"), listing(models));
	}

	/** Every official checkpoint the plugin offers can be converted: its template is in the jar, for its architecture and size. */
	@Test
	void everyCataloguedCheckpointHasItsTemplateInThePlugin() throws IOException {
		int checked = 0;
		for (CatalogueEntry e : ModelCatalogue.builtIn().entries()) {
			if (e.checkpoint() == null) continue;
			Path scratch = Files.createDirectories(temp.resolve("scratch-" + checked));
			var template = ModelTemplates.BUNDLED.find(e.checkpoint().config(), e.checkpoint().imageSize(), scratch);
			assertEquals(e.checkpoint().config(), template.config());
			assertTrue(template.checkpointKeys().size() > 400, e.name());
			checked++;
		}
		assertTrue(checked >= 8, "the official SAM 2.1 and 2.0 checkpoints are catalogued, found " + checked);
	}
}
