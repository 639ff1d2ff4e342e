package io.github.sam2fiji.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import io.github.sam2fiji.core.progress.CancellationToken;

/**
 * Unpacks zip, tar and tar.gz archives (recognised by their content, not their name) into a folder,
 * refusing any entry that would land outside it ("zip slip": {@code ../} or absolute names) and any
 * link entry (tar symbolic and hard links, zip entries marked as Unix symbolic links), so an archive
 * cannot write anywhere else. What it may write is capped while it is written ({@link Budget}), so
 * a small archive cannot fill the disk ("archive bomb").
 */
public final class Archives {

	/** The archive formats read, by their first bytes. */
	public enum Format {
		ZIP, TAR_GZ, TAR
	}

	/**
	 * How much one archive may unpack to.
	 *
	 * @param bytes bytes of file content written in all
	 * @param entries entries read in all (files, folders and anything else)
	 * @param rule how the limits were set, for the message when one is passed
	 */
	public record Budget(long bytes, int entries, String rule) {

		/** Most entries of any archive: model packages and npm packages hold a handful of files. */
		public static final int MAX_ENTRIES = 10_000;
		/** Room for small packages whatever their compression. */
		public static final long BASE_BYTES = 64L << 20;
		/** Model weights (float tensors) compress little (the default model: 1.2x); 16x leaves wide room. */
		public static final int MAX_RATIO = 16;

		/** The budget of an archive of {@code archiveBytes}: {@value #MAX_RATIO} x its size + 64 MiB, {@value #MAX_ENTRIES} entries. */
		public static Budget forArchive(long archiveBytes) {
			long bytes = archiveBytes > (Long.MAX_VALUE - BASE_BYTES) / MAX_RATIO ? Long.MAX_VALUE : MAX_RATIO * archiveBytes + BASE_BYTES;
			return new Budget(bytes, MAX_ENTRIES, MAX_RATIO + " x the archive's size + 64 MiB, at most " + MAX_ENTRIES + " entries");
		}
	}

	private Archives() {}

	/** The archive format of {@code file}, or null if it is none of those read. */
	public static Format detect(Path file) throws IOException {
		byte[] head = new byte[512];
		int n;
		try (InputStream in = Files.newInputStream(file)) {
			n = in.readNBytes(head, 0, head.length);
		}
		if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Format.ZIP;
		if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return Format.TAR_GZ;
		if (n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) return Format.TAR;
		return null;
	}

	/** Unpacks {@code archive} into the existing folder {@code target}, within {@link Budget#forArchive} of its size. */
	public static void unpack(Path archive, Path target, CancellationToken cancel) throws IOException {
		unpack(archive, target, Budget.forArchive(Files.size(archive)), cancel);
	}

	/**
	 * Unpacks {@code archive} into the existing folder {@code target}; stops with an exception as soon
	 * as an entry is refused or the budget is passed (the caller deletes what was written).
	 */
	public static void unpack(Path archive, Path target, Budget budget, CancellationToken cancel) throws IOException {
		Format format = detect(archive);
		if (format == null)
			throw new ModelStoreException(archive + " is not a zip, tar or tar.gz archive");
		Spending spending = new Spending(archive, budget);
		switch (format) {
			case ZIP -> unzip(archive, target, spending, cancel);
			case TAR_GZ -> {
				try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
					untar(new GZIPInputStream(raw), target, archive, spending, cancel);
				}
			}
			case TAR -> {
				try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
					untar(raw, target, archive, spending, cancel);
				}
			}
		}
	}

	/** Read through the central directory: only it records which entries are symbolic links. */
	private static void unzip(Path archive, Path target, Spending spending, CancellationToken cancel) throws IOException {
		try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
			for (Enumeration<ZipArchiveEntry> entries = zip.getEntries(); entries.hasMoreElements();) {
				ZipArchiveEntry e = entries.nextElement();
				cancel.throwIfCancelled();
				spending.entry();
				Path out = inside(target, e.getName(), archive);
				if (e.isUnixSymlink()) throw linkRefused(archive, e.getName());
				if (e.isDirectory()) Files.createDirectories(out);
				else {
					try (InputStream in = zip.getInputStream(e)) {
						spending.write(in, out, cancel);
					}
				}
			}
		}
	}

	private static void untar(InputStream raw, Path target, Path archive, Spending spending, CancellationToken cancel) throws IOException {
		try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
			for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
				cancel.throwIfCancelled();
				spending.entry();
				Path out = inside(target, e.getName(), archive);
				if (e.isSymbolicLink() || e.isLink()) throw linkRefused(archive, e.getName());
				if (e.isDirectory()) Files.createDirectories(out);
				else if (e.isFile()) spending.write(tar, out, cancel);
				// other entry kinds (devices, FIFOs) are skipped: a model needs none
			}
		}
	}

	private static ModelStoreException linkRefused(Path archive, String entry) {
		return new ModelStoreException(archive + " contains a link entry '" + entry
			+ "': refused (an archive may only hold files and folders). Nothing was installed; replace the link by the file it points to.");
	}

	/** The path an entry unpacks to, or an exception if it would escape {@code target}. */
	static Path inside(Path target, String entryName, Path archive) {
		String name = entryName.replace('\\', '/');
		Path base = target.toAbsolutePath().normalize();
		Path out = base.resolve(name).normalize();
		if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || !out.startsWith(base))
			throw new ModelStoreException(archive + " contains the entry '" + entryName + "', which points outside the folder it is unpacked into: refused. The archive is damaged or malicious; nothing was installed.");
		return out;
	}

	/** What one unpacking has written so far, against its budget. */
	private static final class Spending {

		private final Path archive;
		private final Budget budget;
		private long bytes;
		private int entries;

		Spending(Path archive, Budget budget) {
			this.archive = archive;
			this.budget = budget;
		}

		void entry() {
			if (++entries > budget.entries())
				throw new ModelStoreException(archive + " has more than " + budget.entries() + " entries, the unpacking budget (" + budget.rule()
					+ "): refused as damaged or an archive bomb. Nothing was installed; if it is genuine, unpack it yourself and import the folder.");
		}

		/** Copies one entry's content, never writing a byte past the budget. */
		void write(InputStream in, Path out, CancellationToken cancel) throws IOException {
			Files.createDirectories(out.getParent());
			try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				byte[] buffer = new byte[1 << 16];
				for (int n; (n = in.read(buffer)) >= 0;) {
					if (n > budget.bytes() - bytes)
						throw new ModelStoreException(archive + " unpacks to more than " + budget.bytes() + " bytes, the unpacking budget (" + budget.rule()
							+ "): refused as damaged or an archive bomb. Nothing was installed; if it is genuine, unpack it yourself and import the folder.");
					o.write(buffer, 0, n);
					bytes += n;
					cancel.throwIfCancelled();
				}
			}
		}
	}
}
