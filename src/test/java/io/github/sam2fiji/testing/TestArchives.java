package io.github.sam2fiji.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Archives made in memory for the model store's tests: entries in name order, regular files only. */
public final class TestArchives {

	private TestArchives() {}

	public static byte[] zip(Map<String, byte[]> files) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream z = new ZipOutputStream(bytes)) {
			for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
				z.putNextEntry(new ZipEntry(f.getKey()));
				z.write(f.getValue());
			}
		}
		return bytes.toByteArray();
	}

	public static byte[] tar(Map<String, byte[]> files) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		writeTar(bytes, files);
		return bytes.toByteArray();
	}

	public static byte[] tarGz(Map<String, byte[]> files) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
			writeTar(gz, files);
		}
		return bytes.toByteArray();
	}

	private static void writeTar(OutputStream out, Map<String, byte[]> files) throws IOException {
		TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
		for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
			TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
			e.setSize(f.getValue().length);
			tar.putArchiveEntry(e);
			tar.write(f.getValue());
			tar.closeArchiveEntry();
		}
		tar.finish();
	}
}
