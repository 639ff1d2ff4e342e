package io.github.sam2fiji.updatesite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.updatesite.UpdateSiteBuilder.ShippedFile;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.FileRecord;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.PreviousVersion;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.Version;

/** Building an update site folder, releasing over it, checking it and installing from it. */
class UpdateSiteBuilderTest {

	private static final long FIRST = 20261201120000L, SECOND = 20261204093000L;
	private static final FijiProvided FIJI = FijiProvided.of(Set.of("imglib2", "gson", "ij"));

	@TempDir
	Path dir;

	@Test
	void aFirstReleaseServesEachFileAtItsTimestampWithChecksumsSizesAndDependencies() throws IOException {
		Path site = dir.resolve("site");
		UpdateSiteBuilder.Report report = UpdateSiteBuilder.build(site, firstRelease(), dependencies("plugins/My_Plugin-0.1.0.jar", "jars/lib-1.0.jar"), FIRST);
		assertEquals(List.of("plugins/My_Plugin-0.1.0.jar", "jars/lib-1.0.jar", "models/sam2fiji/m/model.json"), report.added());

		UpdateSiteIndex index = UpdateSiteIndex.readSite(site);
		assertEquals(3, index.records().size());
		Version plugin = index.record("plugins/My_Plugin-0.1.0.jar").orElseThrow().current().orElseThrow();
		assertEquals(FIRST, plugin.timestamp());
		assertEquals(Files.size(dir.resolve("plugin-0.1.0.jar")), plugin.filesize());
		assertEquals(UpdaterChecksum.of("plugins/My_Plugin-0.1.0.jar", dir.resolve("plugin-0.1.0.jar")), plugin.checksum());
		assertEquals(List.of(new UpdateSiteIndex.Dependency("jars/lib-1.0.jar", FIRST)), plugin.dependencies());
		assertTrue(Files.isRegularFile(site.resolve("plugins/My_Plugin-0.1.0.jar-" + FIRST)));
		assertTrue(Files.isRegularFile(site.resolve("models/sam2fiji/m/model.json-" + FIRST)));
		assertEquals(List.of(), UpdateSiteCheck.problems(site, FIJI));

		Path fiji = dir.resolve("Fiji.app");
		assertEquals(3, UpdateSiteCheck.install(site, fiji).size());
		assertEquals(Files.readString(dir.resolve("model.json")), Files.readString(fiji.resolve("models/sam2fiji/m/model.json")));
	}

	@Test
	void aSecondReleaseKeepsUnchangedFilesContinuesRenamedJarsAndObsoletesDroppedOnes() throws IOException {
		Path site = dir.resolve("site");
		UpdateSiteBuilder.build(site, firstRelease(), dependencies("plugins/My_Plugin-0.1.0.jar", "jars/lib-1.0.jar"), FIRST);

		// the same library, a new plugin version (new name and bytes), the model no longer shipped
		jar(dir.resolve("plugin-0.2.0.jar"), "my/Plugin.class", "version 2");
		List<ShippedFile> second = List.of(new ShippedFile("plugins/My_Plugin-0.2.0.jar", dir.resolve("plugin-0.2.0.jar"), "the plugin"),
			new ShippedFile("jars/lib-1.0.jar", dir.resolve("lib-1.0.jar"), "a library"));
		UpdateSiteBuilder.Report report = UpdateSiteBuilder.build(site, second, dependencies("plugins/My_Plugin-0.2.0.jar", "jars/lib-1.0.jar"), SECOND);
		assertEquals(List.of("plugins/My_Plugin-0.2.0.jar"), report.updated());
		assertEquals(List.of("jars/lib-1.0.jar"), report.unchanged());
		assertEquals(List.of("models/sam2fiji/m/model.json"), report.obsoleted());

		UpdateSiteIndex index = UpdateSiteIndex.readSite(site);
		FileRecord plugin = index.record("plugins/My_Plugin-0.2.0.jar").orElseThrow();
		assertEquals(SECOND, plugin.current().orElseThrow().timestamp());
		PreviousVersion was = plugin.previous().get(0);
		assertEquals(FIRST, was.timestamp());
		assertEquals(SECOND, was.timestampObsolete());
		assertEquals("plugins/My_Plugin-0.1.0.jar", was.filename(), "the old name, so the updater recognises an installed 0.1.0");
		assertFalse(index.record("plugins/My_Plugin-0.1.0.jar").isPresent());
		assertEquals(FIRST, index.record("jars/lib-1.0.jar").orElseThrow().current().orElseThrow().timestamp(), "unchanged: no new version");
		assertEquals(FIRST, plugin.current().orElseThrow().dependencies().get(0).timestamp());
		FileRecord model = index.record("models/sam2fiji/m/model.json").orElseThrow();
		assertTrue(model.current().isEmpty(), "no longer shipped: users' updaters offer to remove it");
		assertEquals(1, model.previous().size());
		assertFalse(Files.exists(site.resolve("jars/lib-1.0.jar-" + SECOND)), "an unchanged file is not uploaded again");
		assertTrue(Files.exists(site.resolve("plugins/My_Plugin-0.1.0.jar-" + FIRST)), "old versions stay served");
		assertEquals(List.of(), UpdateSiteCheck.problems(site, FIJI));

		// the index survives a write and read unchanged
		Path copy = dir.resolve("copy");
		Files.createDirectories(copy);
		index.writeSite(copy);
		assertEquals(index.records(), UpdateSiteIndex.readSite(copy).records());
	}

	@Test
	void theCheckFindsTamperedFilesMissingDependenciesAndLibrariesFijiShips() throws IOException {
		Path site = dir.resolve("site");
		jar(dir.resolve("gson.jar"), "com/google/gson/Gson.class", "gson");
		List<ShippedFile> files = new java.util.ArrayList<>(firstRelease());
		files.add(new ShippedFile("jars/gson-2.10.1.jar", dir.resolve("gson.jar"), "a second gson"));
		UpdateSiteBuilder.build(site, files, dependencies("plugins/My_Plugin-0.1.0.jar", "jars/lib-1.0.jar"), FIRST);
		Files.writeString(site.resolve("models/sam2fiji/m/model.json-" + FIRST), "{\"kind\": \"tampered\"}\n");
		Files.delete(site.resolve("jars/lib-1.0.jar-" + FIRST));

		List<String> problems = UpdateSiteCheck.problems(site, FIJI);
		assertTrue(problems.contains("jars/gson-2.10.1.jar: Fiji already ships gson (pom-scijava manages it); a second copy breaks Fiji"), problems::toString);
		assertTrue(problems.contains("jars/lib-1.0.jar: jars/lib-1.0.jar-" + FIRST + " is missing"), problems::toString);
		assertTrue(problems.stream().anyMatch(p -> p.startsWith("models/sam2fiji/m/model.json: ") && p.contains("bytes served")), problems::toString);
		assertTrue(problems.stream().anyMatch(p -> p.startsWith("models/sam2fiji/m/model.json: checksum ")), problems::toString);
	}

	@Test
	void badInputIsRefusedBeforeAnythingIsWritten() throws IOException {
		Path site = dir.resolve("site");
		assertThrows(IllegalArgumentException.class, () -> UpdateSiteBuilder.build(site, firstRelease(), Map.of(), 20261304000000L));
		assertThrows(IllegalArgumentException.class, () -> new ShippedFile("../outside.jar", dir.resolve("x"), ""));
		assertThrows(IllegalArgumentException.class, () -> UpdateSiteBuilder.build(site, firstRelease(),
			dependencies("plugins/My_Plugin-0.1.0.jar", "jars/missing-1.0.jar"), FIRST));
		assertFalse(Files.exists(site.resolve(UpdateSiteIndex.FILE_NAME)));
	}

	@Test
	void theLibrariesToShipAreTheRuntimeOnesFijiLacks() {
		List<String> listing = List.of("", "The following files have been resolved:",
			"   net.imagej:ij:jar:1.54p:compile:/m2/ij-1.54p.jar -- module ij",
			"   net.imglib2:imglib2:jar:8.0.0:compile:/m2/imglib2-8.0.0.jar -- module net.imglib2 [auto]",
			"   com.microsoft.onnxruntime:onnxruntime:jar:1.20.0:compile:/m2/onnxruntime-1.20.0.jar -- module com.microsoft.onnxruntime [auto]",
			"   net.razorvine:pickle:jar:1.5:runtime:/m2/pickle-1.5.jar",
			"   org.junit.jupiter:junit-jupiter:jar:5.13.4:test:/m2/junit.jar");
		List<UpdateSiteTool.Library> ship = UpdateSiteTool.librariesToShip(listing, FIJI);
		assertEquals(List.of("jars/onnxruntime-1.20.0.jar", "jars/pickle-1.5.jar"), ship.stream().map(UpdateSiteTool.Library::fijiPath).toList());
		assertEquals(Path.of("/m2/pickle-1.5.jar"), ship.get(1).jar());
	}

	@Test
	void fijiProvidedIsReadFromPomScijavasDependencyManagement() throws IOException {
		Path pom = Files.writeString(dir.resolve("pom.xml"), """
			<project><dependencyManagement><dependencies>
			  <dependency><groupId>net.imglib2</groupId><artifactId>imglib2</artifactId><version>${imglib2.version}</version></dependency>
			  <dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId></dependency>
			</dependencies></dependencyManagement>
			<dependencies><dependency><groupId>x</groupId><artifactId>only-used-here</artifactId></dependency></dependencies></project>
			""");
		FijiProvided fiji = FijiProvided.fromPomScijava(pom);
		assertTrue(fiji.provides("imglib2") && fiji.provides("gson"));
		assertFalse(fiji.provides("only-used-here"));
		assertEquals("onnxruntime", UpdateSiteCheck.artifactOf("jars/onnxruntime-1.20.0.jar"));
		assertEquals("SAM2_Fiji", UpdateSiteCheck.artifactOf("plugins/SAM2_Fiji-0.1.0-SNAPSHOT.jar"));
	}

	private List<ShippedFile> firstRelease() throws IOException {
		jar(dir.resolve("plugin-0.1.0.jar"), "my/Plugin.class", "version 1");
		jar(dir.resolve("lib-1.0.jar"), "lib/Lib.class", "library");
		Files.writeString(dir.resolve("model.json"), "{\"kind\": \"sam1\"}\n");
		return List.of(new ShippedFile("plugins/My_Plugin-0.1.0.jar", dir.resolve("plugin-0.1.0.jar"), "the plugin"),
			new ShippedFile("jars/lib-1.0.jar", dir.resolve("lib-1.0.jar"), "a library"),
			new ShippedFile("models/sam2fiji/m/model.json", dir.resolve("model.json"), "a model"));
	}

	private static Map<String, List<String>> dependencies(String from, String to) {
		return Map.of(from, List.of(to));
	}

	private static void jar(Path jar, String entry, String content) throws IOException {
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
			j.putNextEntry(new ZipEntry(entry));
			j.write(content.getBytes(StandardCharsets.UTF_8));
			j.closeEntry();
		}
	}
}
