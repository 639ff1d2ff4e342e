package io.github.sam2fiji.core.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * ONNX Runtime's optimised form of each CPU graph, saved the first time the graph is opened and
 * opened from then on without optimising again. Optimising is most of a graph's load time (SAM 2
 * hiera-t's image encoder at 1024: 1.96 s, 0.34 s from the saved form; docs/performance.md), paid
 * by every CLI run and every job of a cluster workflow.
 * <p>
 * The saved form holds layouts for this CPU's instruction set (ONNX Runtime's NCHWc blocks), so an
 * entry is keyed by the graph's bytes, the ONNX Runtime version, the optimisation level and the
 * CPU (model and instruction-set flags on Linux; a home folder shared by a cluster's nodes keeps
 * one entry per kind of node). An entry is written under a temporary name and renamed, so jobs
 * starting together never read half a file, and its SHA-256 is checked on every open: a damaged
 * entry is rebuilt, never run. Where the folder cannot be written the graph is opened as without
 * a cache. The outputs are bit for bit those of the graph optimised at open time
 * (OptimizedGraphCacheTest).
 */
public final class OptimizedGraphCache {

	/** Environment variable naming the cache folder, or {@value #OFF} for none. */
	public static final String FOLDER_VARIABLE = "SAM2FIJI_GRAPH_CACHE";
	/** The value of {@value #FOLDER_VARIABLE} (or the CLI's {@code --graph-cache}) that turns the cache off. */
	public static final String OFF = "off";
	/** Bumped when what an entry holds or how it is keyed changes. */
	private static final String FORMAT = "1";
	private static final OptLevel LEVEL = OptLevel.ALL_OPT;

	private final Path folder;
	private final String machine;
	/** Opens from a saved form, and forms saved, by this instance. */
	private int hits, saves;

	/** A cache in {@code folder} (made when the first entry is written) for this machine's CPU. */
	public OptimizedGraphCache(Path folder) {
		this(folder, machineIdentity());
	}

	/** @param machine what identifies this CPU's instruction set ({@link #machineIdentity()}) */
	OptimizedGraphCache(Path folder, String machine) {
		this.folder = folder;
		this.machine = machine;
	}

	/**
	 * The folder of the default cache: ${@value #FOLDER_VARIABLE} if set, else ~/.sam2fiji/graph-cache;
	 * null when the variable says {@value #OFF}.
	 */
	public static Path defaultFolder() {
		return defaultFolder(System.getenv(), System.getProperty("user.home"));
	}

	static Path defaultFolder(Map<String, String> environment, String userHome) {
		String configured = environment.get(FOLDER_VARIABLE);
		if (configured != null && !configured.isBlank()) return OFF.equalsIgnoreCase(configured.strip()) ? null : Path.of(configured.strip());
		return Path.of(userHome, ".sam2fiji", "graph-cache");
	}

	public Path folder() {
		return folder;
	}

	/**
	 * "2 graphs, 211 MB" (the saved optimised forms in {@code folder}, for users deciding whether to
	 * delete it), "empty" when there are none or the folder does not exist.
	 */
	public static String usage(Path folder) {
		if (!Files.isDirectory(folder)) return "empty";
		try (var files = Files.list(folder)) {
			long[] countAndBytes = new long[2];
			files.filter(p -> p.getFileName().toString().endsWith(".onnx") && !p.getFileName().toString().startsWith(".")).forEach(p -> {
				countAndBytes[0]++;
				countAndBytes[1] += p.toFile().length();
			});
			return countAndBytes[0] == 0 ? "empty"
				: String.format(java.util.Locale.ROOT, "%d graph%s, %.0f MB", countAndBytes[0], countAndBytes[0] == 1 ? "" : "s", countAndBytes[1] / 1e6);
		}
		catch (IOException e) {
			return "unreadable (" + e.getMessage() + ")";
		}
	}

	/**
	 * A CPU session of {@code graph}: from its saved optimised form when there is a sound one, else
	 * optimised now (and the form saved for next time).
	 *
	 * @param options makes the caller's session options (threads, allocator, profiling), fresh on each call;
	 *          the cache sets the optimisation level and where the optimised form goes
	 */
	public OrtSession open(OrtEnvironment environment, byte[] graph, OptionsFactory options) throws OrtException {
		String key = key(graph, environment.getVersion());
		Path entry = folder.resolve(key + ".onnx"), digestFile = folder.resolve(key + ".sha256");
		if (Files.isRegularFile(entry) && Files.isRegularFile(digestFile)) {
			try {
				// hashed as a stream and opened by path: a large model's saved form never sits in the Java heap
				if (sha256(entry).equals(Files.readString(digestFile, StandardCharsets.US_ASCII).strip())) {
					SessionOptions so = options.create();
					// already optimised: optimising again would only cost time
					so.setOptimizationLevel(OptLevel.NO_OPT);
					OrtSession session = environment.createSession(entry.toString(), so);
					hits++;
					return session;
				}
			}
			catch (IOException | OrtException e) {
				// unreadable or not loadable: rebuilt below
			}
			deleteQuietly(entry);
			deleteQuietly(digestFile);
		}
		Path written = null;
		SessionOptions so = options.create();
		so.setOptimizationLevel(LEVEL);
		try {
			Files.createDirectories(folder);
			written = folder.resolve(".incoming-" + UUID.randomUUID() + ".onnx");
			so.setOptimizedModelFilePath(written.toString());
			// ONNX Runtime warns that the saved form is for this CPU only: the key says which CPU
			so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
		}
		catch (IOException | OrtException e) {
			// not writable: opened as without a cache
			written = null;
		}
		if (written == null) return environment.createSession(graph, so);
		OrtSession session;
		try {
			session = environment.createSession(graph, so);
		}
		catch (OrtException | RuntimeException e) {
			// saving the optimised form may be what failed (a full disk): opened as without a cache,
			// which throws again if the graph itself is at fault
			deleteQuietly(written);
			SessionOptions plain = options.create();
			plain.setOptimizationLevel(LEVEL);
			return environment.createSession(graph, plain);
		}
		keep(written, entry, digestFile);
		return session;
	}

	/** Makes fresh session options, as the caller wants them. */
	@FunctionalInterface
	public interface OptionsFactory {
		SessionOptions create() throws OrtException;
	}

	/** The entry's name: a digest of everything the optimised form depends on. */
	String key(byte[] graph, String runtimeVersion) {
		String identity = String.join("\n", FORMAT, runtimeVersion, LEVEL.name(), machine, sha256(graph));
		return sha256(identity.getBytes(StandardCharsets.UTF_8));
	}

	/** Sessions this cache opened from a saved optimised form. */
	int hits() {
		return hits;
	}

	/** Optimised forms this cache saved. */
	int saves() {
		return saves;
	}

	/** The written optimised form renamed into place with its digest; left out (and removed) when anything fails. */
	private void keep(Path written, Path entry, Path digestFile) {
		Path digestTemp = written.resolveSibling(written.getFileName() + ".sha256");
		try {
			if (!Files.isRegularFile(written)) return;
			Files.writeString(digestTemp, sha256(written), StandardCharsets.US_ASCII);
			// the digest lands first: an entry without it is never read
			move(digestTemp, digestFile);
			move(written, entry);
			saves++;
		}
		catch (IOException e) {
			deleteQuietly(entry);
		}
		finally {
			deleteQuietly(written);
			deleteQuietly(digestTemp);
		}
	}

	private static void move(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException e) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	/**
	 * What identifies this CPU's instruction set: the architecture, and on Linux the first processor's
	 * model name and flags from /proc/cpuinfo (elsewhere the processor identifier Windows sets, if any).
	 */
	static String machineIdentity() {
		StringBuilder id = new StringBuilder(System.getProperty("os.name") + " " + System.getProperty("os.arch"));
		Path cpuinfo = Path.of("/proc/cpuinfo");
		if (Files.isReadable(cpuinfo)) {
			try {
				List<String> lines = Files.readAllLines(cpuinfo);
				for (String field : List.of("model name", "flags", "Features", "CPU part"))
					lines.stream().filter(l -> l.startsWith(field)).findFirst().ifPresent(l -> id.append('\n').append(l.strip()));
			}
			catch (IOException e) {
				// architecture alone
			}
		}
		String windows = System.getenv("PROCESSOR_IDENTIFIER");
		if (windows != null) id.append('\n').append(windows);
		return id.toString();
	}

	private static String sha256(Path file) throws IOException {
		try (var in = new java.security.DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(in.getMessageDigest().digest());
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("the JDK has no SHA-256", e);
		}
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("the JDK has no SHA-256", e);
		}
	}

	private static void deleteQuietly(Path p) {
		try {
			Files.deleteIfExists(p);
		}
		catch (IOException e) {
			// nothing more to do
		}
	}
}
