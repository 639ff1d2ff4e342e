package io.github.sam2fiji.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Exit codes of {@code sam2-fiji track}, so that a scheduler knows whether to run a failed stack
 * again: a wrong input gives the same failure every time; a full disk, a file server hiccup or too
 * little memory may not. Documented in docs/cluster.md.
 */
final class ExitCodes {

	/** Every stack tracked (or skipped because its outputs were complete). */
	static final int OK = 0;
	/** Give up: the input, prompts, model or options are wrong; the same run fails the same way. */
	static final int FAILED = 1;
	/** The command line itself is wrong (picocli's code for usage errors). */
	static final int USAGE = 2;
	/** Out of memory (Java heap or ONNX Runtime): run again with more (track --plan says how much). */
	static final int OUT_OF_MEMORY = 3;
	/** A temporary failure (reading or writing files): run again as it is. BSD's EX_TEMPFAIL. */
	static final int TEMPORARY = 75;

	private ExitCodes() {}

	static int of(Throwable e) {
		if (e instanceof OutOfMemoryError) return OUT_OF_MEMORY;
		String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
		// ONNX Runtime reports an allocation it could not make as an OrtException
		if (e.getClass().getName().startsWith("ai.onnxruntime") && (message.contains("failed to allocate") || message.contains("bad_alloc")))
			return OUT_OF_MEMORY;
		Throwable io = e instanceof UncheckedIOException u ? u.getCause() : e;
		if (io instanceof NoSuchFileException || io instanceof AccessDeniedException || io instanceof FileAlreadyExistsException) return FAILED;
		if (io instanceof IOException) return TEMPORARY;
		return FAILED;
	}

	/** The code of a folder run from its stacks' codes: give up if any must; else retry (for memory first). */
	static int worst(int a, int b) {
		if (a == FAILED || b == FAILED) return FAILED;
		if (a == OUT_OF_MEMORY || b == OUT_OF_MEMORY) return OUT_OF_MEMORY;
		return Math.max(a, b);
	}

	static boolean retryable(int code) {
		return code == OUT_OF_MEMORY || code == TEMPORARY;
	}
}
