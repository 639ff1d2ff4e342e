package io.github.sam2fiji.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageTest {

	@TempDir
	Path dir;

	private void writePackage(String graphContent, long declaredSize, String declaredSha) throws IOException {
		Files.writeString(dir.resolve("graph.onnx"), graphContent);
		Files.writeString(dir.resolve("model.json"), """
			{"format": "sam2fiji-model", "format_version": 1, "kind": "sam2", "name": "test",
			 "files": {"graph.onnx": {"size": %d, "sha256": "%s"}}}
			""".formatted(declaredSize, declaredSha));
	}

	@Test
	void opensAVerifiedPackage() throws IOException {
		Files.writeString(dir.resolve("tmp"), "hello");
		String sha = ModelPackage.sha256(dir.resolve("tmp"));
		writePackage("hello", 5, sha);
		ModelPackage p = ModelPackage.open(dir);
		assertEquals("sam2", p.kind());
		assertEquals("test", p.name());
		assertEquals(dir.resolve("graph.onnx"), p.file("graph.onnx"));
	}

	@Test
	void sha256OfKnownText() throws IOException {
		Files.write(dir.resolve("abc"), "abc".getBytes(StandardCharsets.US_ASCII));
		assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelPackage.sha256(dir.resolve("abc")));
	}

	@Test
	void corruptFileIsRefusedByName() throws IOException {
		Files.writeString(dir.resolve("tmp"), "hello");
		writePackage("jello", 5, ModelPackage.sha256(dir.resolve("tmp")));
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir));
		assertTrue(e.getMessage().contains("graph.onnx") && e.getMessage().contains("corrupt"), e.getMessage());
	}

	@Test
	void truncatedFileIsRefused() throws IOException {
		writePackage("hell", 5, "00");
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir));
		assertTrue(e.getMessage().contains("truncated"), e.getMessage());
	}

	@Test
	void missingFileAndMissingManifestAreRefused() throws IOException {
		assertTrue(assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir)).getMessage().contains("model.json"));
		Files.writeString(dir.resolve("model.json"), """
			{"format": "sam2fiji-model", "format_version": 1, "kind": "sam2",
			 "files": {"gone.onnx": {"size": 1, "sha256": "00"}}}""");
		assertTrue(assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir)).getMessage().contains("missing"));
	}

	@Test
	void newerFormatAndForeignJsonAreRefused() throws IOException {
		Files.writeString(dir.resolve("model.json"), "{\"format\": \"sam2fiji-model\", \"format_version\": 99, \"kind\": \"sam2\", \"files\": {}}");
		assertTrue(assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir)).getMessage().contains("update the plugin"));
		Files.writeString(dir.resolve("model.json"), "[1, 2]");
		assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir));
		Files.writeString(dir.resolve("model.json"), "{\"format\": \"x\"");
		assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir));
	}

	@Test
	void fileOutsideThePackageIsRefused() throws IOException {
		Files.writeString(dir.resolve("model.json"), """
			{"format": "sam2fiji-model", "format_version": 1, "kind": "sam2",
			 "files": {"../evil.onnx": {"size": 1, "sha256": "00"}}}""");
		assertTrue(assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir)).getMessage().contains("outside"));
	}

	/** A hostile or damaged manifest never escapes as anything but a ModelFormatException naming the manifest. */
	@Test
	void garbledFieldsAreRefusedNamingTheManifest() throws IOException {
		Files.writeString(dir.resolve("graph.onnx"), "hello");
		String head = "\"format\": \"sam2fiji-model\", \"format_version\": 1, \"kind\": \"sam2\"";
		for (String json : java.util.List.of(
			"{" + head + ", \"files\": {\"graph.onnx\": 5}}",
			"{" + head + ", \"files\": {\"graph.onnx\": {\"size\": \"big\", \"sha256\": \"00\"}}}",
			"{" + head + ", \"files\": {\"graph.onnx\": {\"size\": -5, \"sha256\": \"00\"}}}",
			"{" + head + ", \"files\": {\"graph.onnx\": {\"size\": 5.5, \"sha256\": \"00\"}}}",
			"{" + head + ", \"files\": {\"graph.onnx\": {\"size\": 5, \"sha256\": {}}}}",
			"{" + head + ", \"files\": {\"graph.onnx\": {\"sha256\": \"00\"}}}",
			"{" + head + ", \"files\": [\"graph.onnx\"]}",
			"{" + head + ", \"name\": [1], \"files\": {}}",
			"{\"format\": \"sam2fiji-model\", \"format_version\": \"one\", \"kind\": \"sam2\", \"files\": {}}",
			"{\"format\": \"sam2fiji-model\", \"format_version\": 1, \"kind\": {\"a\": 1}, \"files\": {}}",
			"{\"format\": null, \"format_version\": 1, \"kind\": \"sam2\", \"files\": {}}")) {
			Files.writeString(dir.resolve("model.json"), json);
			ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelPackage.open(dir), json);
			assertTrue(e.getMessage().contains(dir.resolve("model.json").toString()), json + ": " + e.getMessage());
		}
	}
}
