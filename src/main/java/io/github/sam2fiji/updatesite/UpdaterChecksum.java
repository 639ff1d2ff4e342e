package io.github.sam2fiji.updatesite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The checksum the ImageJ updater records for a file in db.xml.gz and recomputes on the user's
 * machine to decide whether a file is current, outdated or locally modified. Written here because
 * the updater (net.imagej:imagej-updater) is not a dependency we can take, and a checksum that
 * differs from the updater's by one byte makes every installed file look "locally modified".
 * The rules, as the updater's UpdaterUtil.getDigest / getJarDigest apply them:
 * <ul>
 * <li>any file but a jar: SHA-1 of the Fiji-relative path (ASCII) followed by the file's bytes;</li>
 * <li>a jar: SHA-1 over its entries sorted by name, each as its name (ASCII) and its content, where
 * .properties entries lose their lines starting with '#' (the build date Maven writes) and the
 * manifest counts as empty (see {@link #manifestAsDigested}), so a rebuild of the same code has the
 * same checksum.</li>
 * </ul>
 */
public final class UpdaterChecksum {

	private UpdaterChecksum() {}

	/** The checksum of {@code file} as installed at {@code fijiPath} (e.g. "jars/foo-1.0.jar"). */
	public static String of(String fijiPath, Path file) throws IOException {
		MessageDigest sha1 = sha1();
		if (fijiPath.endsWith(".jar")) {
			try (JarFile jar = new JarFile(file.toFile())) {
				List<JarEntry> entries = new ArrayList<>(Collections.list(jar.entries()));
				entries.sort((a, b) -> a.getName().compareTo(b.getName()));
				for (JarEntry entry : entries) {
					sha1.update(entry.getName().getBytes(StandardCharsets.US_ASCII));
					try (InputStream in = jar.getInputStream(entry)) {
						byte[] content = in.readAllBytes();
						if (entry.getName().endsWith(".properties")) content = withoutHashLines(content);
						else if (entry.getName().equals("META-INF/MANIFEST.MF")) content = manifestAsDigested(content);
						sha1.update(content);
					}
				}
			}
		}
		else {
			sha1.update(fijiPath.getBytes(StandardCharsets.US_ASCII));
			try (InputStream in = Files.newInputStream(file)) {
				byte[] buffer = new byte[1 << 16];
				for (int n; (n = in.read(buffer)) >= 0;)
					sha1.update(buffer, 0, n);
			}
		}
		return HexFormat.of().formatHex(sha1.digest());
	}

	/**
	 * A .properties entry as the updater's SkipHashedLines stream reads it: a '#' at a line start
	 * skips up to the line's newline, which is kept. Its state machine is reproduced step by step
	 * (including its quirks, e.g. after an empty comment "#\n" the next line does not count as
	 * starting a line), since any other reading gives another checksum.
	 */
	static byte[] withoutHashLines(byte[] content) {
		HashLineSkipper skipper = new HashLineSkipper(content);
		ByteArrayOutputStream out = new ByteArrayOutputStream(content.length);
		for (int ch; (ch = skipper.read()) != -1;)
			out.write(ch);
		return out.toByteArray();
	}

	private static final class HashLineSkipper {
		private final byte[] content;
		private int position;
		private boolean atLineStart = true;

		HashLineSkipper(byte[] content) {
			this.content = content;
		}

		int read() {
			int ch = position < content.length ? content[position++] & 0xff : -1;
			if (atLineStart) {
				if (ch == '#') while ((ch = read()) != '\n' && ch != -1) {
					// skip the comment
				}
				else atLineStart = false;
			}
			else if (ch == '\n') atLineStart = true;
			return ch;
		}
	}

	/**
	 * The manifest as the updater's current digest sees it (FilterManifest with keepOnlyMainClass): the
	 * lines whose upper-cased text starts with "Main-Class:". That mixed-case prefix never matches an
	 * upper-cased line, so the updater digests every manifest as empty; kept literal here, since
	 * parity with the updater is the point.
	 */
	static byte[] manifestAsDigested(byte[] manifest) {
		StringBuilder kept = new StringBuilder();
		for (String line : new String(manifest).split("\r\n|\r|\n"))
			if (line.toUpperCase(Locale.ROOT).startsWith("Main-Class:")) kept.append(line).append('\n');
		return kept.toString().getBytes();
	}

	private static MessageDigest sha1() {
		try {
			return MessageDigest.getInstance("SHA-1");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("This Java has no SHA-1", e);
		}
	}
}
