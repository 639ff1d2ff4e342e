package io.github.sam2fiji.core.model.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import io.github.sam2fiji.core.progress.CancellationToken;

/**
 * Unpacks zip, tar and tar.gz archives (recognised by their content, not their name) into a folder,
 * refusing any entry that would land outside it ("zip slip": {@code ../} or absolute names) and any
 * link entry, so an archive cannot write anywhere else.
 */
public final class Archives {

	/** The archive formats read, by their first bytes. */
	public enum Format {
		ZIP, TAR_GZ, TAR
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

	/** Unpacks {@code archive} into the existing folder {@code target}. */
	public static void unpack(Path archive, Path target, CancellationToken cancel) throws IOException {
		Format format = detect(archive);
		if (format == null)
			throw new ModelStoreException(archive + " is not a zip, tar or tar.gz archive");
		try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
			switch (format) {
				case ZIP -> unzip(raw, target, archive, cancel);
				case TAR_GZ -> untar(new GZIPInputStream(raw), target, archive, cancel);
				case TAR -> untar(raw, target, archive, cancel);
			}
		}
	}

	private static void unzip(InputStream raw, Path target, Path archive, CancellationToken cancel) throws IOException {
		try (ZipInputStream zip = new ZipInputStream(raw)) {
			for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
				cancel.throwIfCancelled();
				Path out = inside(target, e.getName(), archive);
				if (e.isDirectory()) Files.createDirectories(out);
				else write(zip, out);
			}
		}
	}

	private static void untar(InputStream raw, Path target, Path archive, CancellationToken cancel) throws IOException {
		try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
			for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
				cancel.throwIfCancelled();
				Path out = inside(target, e.getName(), archive);
				if (e.isSymbolicLink() || e.isLink())
					throw new ModelStoreException(archive + " contains a link entry '" + e.getName() + "': refused (an archive may only hold files and folders)");
				if (e.isDirectory()) Files.createDirectories(out);
				else if (e.isFile()) write(tar, out);
				// other entry kinds (devices, FIFOs) are skipped: a model needs none
			}
		}
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

	private static void write(InputStream in, Path out) throws IOException {
		Files.createDirectories(out.getParent());
		Files.copy(in, out);
	}
}
