package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * One JSON object per line, as log collectors and workflow engines read them: the per-stack lines
 * of {@code track --log-json} and {@code track --plan}.
 */
final class JsonLines {

	private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

	private JsonLines() {}

	static String of(Map<String, ?> fields) {
		return GSON.toJson(fields);
	}

	/**
	 * Appends one line to a log that other processes may append to at the same time (stacks of a
	 * folder tracked by several jobs): one write under an exclusive lock, so lines never interleave.
	 */
	static void append(Path log, String line) throws IOException {
		Path parent = log.toAbsolutePath().getParent();
		if (parent != null) Files.createDirectories(parent);
		byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
		try (FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
			FileLock lock = channel.lock()) {
			java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
			while (buffer.hasRemaining()) channel.write(buffer);
		}
	}
}
