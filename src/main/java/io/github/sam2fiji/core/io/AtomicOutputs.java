package io.github.sam2fiji.core.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Outputs that are either absent or complete: each is written under a temporary name beside its
 * target and renamed into place when done, so a full disk, an error or a kill leaves the target as
 * it was (a kill may leave a hidden {@code .<name>.partial-*} sibling, never a truncated target).
 * Also the checks that keep an output from replacing an input.
 */
public final class AtomicOutputs {

	private AtomicOutputs() {}

	/** Writes what the caller writes to the given path. */
	@FunctionalInterface
	public interface Writer {
		void write(Path to) throws IOException;
	}

	/** Writes a file: {@code writer} writes a temporary file beside {@code target}, which then replaces the target in one rename. */
	public static void writeFile(Path target, Writer writer) throws IOException {
		Path parent = parentOf(target);
		Files.createDirectories(parent);
		Path temp = Files.createTempFile(parent, "." + target.getFileName() + ".partial-", "");
		try {
			writer.write(temp);
			move(temp, target);
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	/**
	 * Writes a folder whole: {@code writer} fills a temporary folder beside {@code target}, which then
	 * takes the target's place. An existing non-empty target is refused unless {@code replace}; then
	 * it is moved aside, the new folder renamed in, and the old one deleted, so the target always holds
	 * one complete result, never a mix of an old and a new one.
	 */
	public static void writeFolder(Path target, boolean replace, Writer writer) throws IOException {
		if (!replace && isNonEmptyFolder(target))
			throw new FileAlreadyExistsException(target.toString(), null, "the folder exists and is not empty; choose another one or allow replacing it (--overwrite)");
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))
			throw new FileAlreadyExistsException(target.toString(), null, "is a file, not a folder");
		Path parent = parentOf(target);
		Files.createDirectories(parent);
		Path temp = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
		Path old = null;
		try {
			writer.write(temp);
			if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
				old = parent.resolve("." + target.getFileName() + ".old-" + temp.getFileName().toString().substring(temp.getFileName().toString().lastIndexOf('-') + 1));
				move(target, old);
			}
			move(temp, target);
		}
		finally {
			deleteTree(temp);
			if (old != null) deleteTree(old);
		}
	}

	/**
	 * Deletes what a killed earlier write of {@code target} left beside it (its hidden
	 * {@code .partial-*} and {@code .old-*} siblings; a kill cannot run the cleanup of
	 * {@link #writeFile} or {@link #writeFolder}). Call it before writing {@code target} again, never
	 * while another process writes it.
	 *
	 * @return how many leftovers were deleted
	 */
	public static int removeLeftovers(Path target) throws IOException {
		Path parent = target.toAbsolutePath().getParent();
		if (parent == null || !Files.isDirectory(parent)) return 0;
		String partial = "." + target.getFileName() + ".partial-", old = "." + target.getFileName() + ".old-";
		int removed = 0;
		try (Stream<Path> s = Files.list(parent)) {
			for (Path p : (Iterable<Path>) s::iterator) {
				String name = p.getFileName().toString();
				if (name.startsWith(partial) || name.startsWith(old)) {
					deleteTree(p);
					removed++;
				}
			}
		}
		return removed;
	}

	/**
	 * Refuses an output that would overwrite an input: the same file (by real path, so
	 * {@code o/../o/x.tif} and links are seen through), or, for an output folder that is written
	 * whole, a folder holding an input.
	 *
	 * @param what the output's name in the message, e.g. "--output"
	 * @throws IllegalArgumentException naming both
	 */
	public static void checkNotAnInput(Path output, Collection<Path> inputs, boolean folder, String what) {
		Path out = realish(output);
		for (Path input : inputs) {
			if (input == null) continue;
			Path in = realish(input);
			if (in.equals(out) || (folder && in.startsWith(out)))
				throw new IllegalArgumentException(what + " " + output + " would overwrite the input " + input + ": choose another output");
		}
	}

	/**
	 * Checks before any work that {@code output} can be written: its nearest existing ancestor is a
	 * writable folder.
	 */
	public static void checkWritable(Path output, String what) {
		Path p = output.toAbsolutePath().normalize();
		if (Files.isDirectory(p)) {
			if (!Files.isWritable(p)) throw new IllegalArgumentException(what + " " + output + ": the folder is not writable");
			return;
		}
		if (Files.exists(p) && !Files.isWritable(p)) throw new IllegalArgumentException(what + " " + output + ": the file is not writable");
		Path ancestor = p.getParent();
		while (ancestor != null && !Files.exists(ancestor)) ancestor = ancestor.getParent();
		if (ancestor == null || !Files.isDirectory(ancestor))
			throw new IllegalArgumentException(what + " " + output + ": " + ancestor + " is not a folder");
		if (!Files.isWritable(ancestor)) throw new IllegalArgumentException(what + " " + output + ": cannot create it, " + ancestor + " is not writable");
	}

	/** The real path where the file exists, else the real path of its nearest existing ancestor plus the rest. */
	private static Path realish(Path p) {
		Path abs = p.toAbsolutePath().normalize();
		Path existing = abs;
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing == null) return abs;
		try {
			return existing.toRealPath().resolve(existing.relativize(abs));
		}
		catch (IOException e) {
			return abs;
		}
	}

	private static Path parentOf(Path target) {
		Path parent = target.toAbsolutePath().getParent();
		if (parent == null) throw new IllegalArgumentException(target + " has no parent folder");
		return parent;
	}

	private static void move(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException e) {
			// a file system without atomic rename: still a single rename, just not guaranteed atomic
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	private static boolean isNonEmptyFolder(Path p) throws IOException {
		if (!Files.isDirectory(p)) return false;
		try (Stream<Path> s = Files.list(p)) {
			return s.findAny().isPresent();
		}
	}

	private static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
		try (Stream<Path> s = Files.walk(root)) {
			for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
				try {
					Files.delete(p);
				}
				catch (DirectoryNotEmptyException e) {
					throw new IOException("Cannot clear " + root + ": " + e.getMessage(), e);
				}
			}
		}
	}
}
