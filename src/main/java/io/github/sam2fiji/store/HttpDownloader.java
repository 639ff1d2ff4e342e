package io.github.sam2fiji.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.progress.ProgressListener;

/**
 * Downloads one file with the JDK HTTP client (or copies a {@code file:} URL). The bytes go to a
 * temporary {@code .part} file beside the target, which is renamed to the target only once size and
 * sha256 are right; on any failure or cancellation the temporary file is deleted. A transfer that
 * breaks off, or stalls (no byte for the stall timeout), is resumed with an HTTP Range request where
 * the server honours it, and restarted from the beginning where it does not, a few times before
 * giving up. When the size is known, no byte beyond it is written: a server that sends more is
 * refused at once (the catalogue's size is exact, so there is no margin to allow).
 */
public final class HttpDownloader {

	/** No byte of the body for this long and the transfer counts as broken off. */
	public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
	/** Time to the response headers (the JDK client's request timeout covers only these). */
	private static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(2);
	private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

	private final HttpClient client;
	private final int attempts;
	private final Duration stallTimeout;

	public HttpDownloader() {
		this(DEFAULT_STALL_TIMEOUT);
	}

	/** @param stallTimeout how long the body may send nothing before the transfer counts as broken off */
	public HttpDownloader(Duration stallTimeout) {
		this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build(), 4, stallTimeout);
	}

	/** @param attempts transfers tried in all before giving up (at least 1) */
	public HttpDownloader(HttpClient client, int attempts) {
		this(client, attempts, DEFAULT_STALL_TIMEOUT);
	}

	/**
	 * @param attempts transfers tried in all before giving up (at least 1)
	 * @param stallTimeout how long the body may send nothing before the transfer counts as broken off
	 */
	public HttpDownloader(HttpClient client, int attempts, Duration stallTimeout) {
		if (stallTimeout.isNegative() || stallTimeout.isZero()) throw new IllegalArgumentException("The stall timeout must be positive, got " + describe(stallTimeout));
		this.client = client;
		this.attempts = Math.max(1, attempts);
		this.stallTimeout = stallTimeout;
	}

	/**
	 * @param expectedSize bytes expected, or -1 if unknown (then nothing caps the download)
	 * @param sha256 expected hex sha256, or null to accept any content
	 */
	public void download(URI uri, Path target, long expectedSize, String sha256, ProgressListener progress, CancellationToken cancel) {
		download(uri, target, expectedSize, expectedSize, sha256, progress, cancel);
	}

	/**
	 * As {@link #download(URI, Path, long, String, ProgressListener, CancellationToken)}, for a file
	 * whose exact size may be unknown: {@code limit} bytes at most are accepted (-1: no cap), and a
	 * server that offers or sends more is stopped there.
	 */
	public void download(URI uri, Path target, long expectedSize, long limit, String sha256, ProgressListener progress, CancellationToken cancel) {
		Path part = target.resolveSibling(target.getFileName() + ".part");
		try {
			Files.deleteIfExists(part);
			if ("file".equalsIgnoreCase(uri.getScheme())) copyLocal(uri, part, limit, progress, cancel);
			else transfer(uri, part, expectedSize, limit, progress, cancel);
			verify(uri, part, expectedSize, sha256);
			Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot write the download of " + uri + " to " + part.getParent() + ": " + e.getMessage(), e);
		}
		finally {
			try {
				Files.deleteIfExists(part);
			}
			catch (IOException e) {
				// best effort: the .part file is never used as a model, and the next download replaces it
			}
		}
	}

	private void transfer(URI uri, Path part, long expectedSize, long limit, ProgressListener progress, CancellationToken cancel) throws IOException {
		long have = 0;
		String lastProblem = "";
		for (int attempt = 1; attempt <= attempts; attempt++) {
			cancel.throwIfCancelled();
			HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(HEADERS_TIMEOUT);
			if (have > 0) request.header("Range", "bytes=" + have + "-");
			HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
			try {
				response = client.send(request.build(), HttpResponse.BodyHandlers.ofPublisher());
			}
			catch (IOException e) {
				lastProblem = e.toString();
				continue;
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new CancelledException();
			}
			try (StallGuardedBody body = new StallGuardedBody(stallTimeout)) {
				response.body().subscribe(body);
				int status = response.statusCode();
				boolean append = false;
				if (status == 206 && have > 0 && rangeStartsAt(response, have)) append = true;
				else if (status == 200 || status == 206) have = 0; // the server sent the whole file (or an unusable range): start over
				else if (status == 416) { // our range is unusable: restart from the beginning
					have = 0;
					lastProblem = "HTTP 416";
					continue;
				}
				else throw new ModelStoreException("Download of " + uri + " failed: HTTP " + status + (status == 404 ? " (not found: the catalogue's address is wrong or the file was moved)" : "")
					+ ". Nothing was installed.");
				long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
				long total = length < 0 ? expectedSize : (append ? have + length : length);
				if (expectedSize > 0 && total > 0 && total != expectedSize)
					throw new ModelStoreException("Download of " + uri + " offers " + total + " bytes, the catalogue says " + expectedSize
						+ ": the file at that address is not the catalogued one. Nothing was installed.");
				if (limit > 0 && total > limit) throw tooLarge(uri, limit);
				try (FileChannel out = append ? FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
					: FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
					for (List<ByteBuffer> chunk; (chunk = body.next(cancel)) != null;) {
						for (ByteBuffer b : chunk) {
							if (limit > 0 && have + b.remaining() > limit) throw tooLarge(uri, limit);
							while (b.hasRemaining()) have += out.write(b);
						}
						if (cancel.isCancelled()) throw new CancelledException();
						progress.progress(have, Math.max(1, Math.max(total, have)), progressText(have, total));
					}
				}
				catch (StallGuardedBody.StalledException e) {
					lastProblem = e.getMessage() + " after " + have + (total > 0 ? " of " + total : "") + " bytes";
					have = Files.exists(part) ? Files.size(part) : 0;
					continue;
				}
				catch (IOException e) {
					lastProblem = e.toString();
					have = Files.exists(part) ? Files.size(part) : 0;
					continue;
				}
				if (total > 0 && have < total) {
					lastProblem = "the server closed the connection after " + have + " of " + total + " bytes";
					continue;
				}
				return;
			}
		}
		throw new ModelStoreException("Download of " + uri + " failed " + attempts + " times (last: " + lastProblem
			+ "). Nothing was installed: check the connection and try again, or download the file by other means and import it.");
	}

	private static ModelStoreException tooLarge(Object what, long limit) {
		return new ModelStoreException(what + " sends more than the catalogue's " + limit
			+ " bytes: stopped there, the file is not the catalogued one. Nothing was installed.");
	}

	private static boolean rangeStartsAt(HttpResponse<?> response, long offset) {
		Optional<String> range = response.headers().firstValue("Content-Range");
		if (range.isEmpty()) return false;
		Matcher m = CONTENT_RANGE.matcher(range.get().trim());
		return m.matches() && Long.parseLong(m.group(1)) == offset;
	}

	private static void copyLocal(URI uri, Path part, long limit, ProgressListener progress, CancellationToken cancel) throws IOException {
		Path source = Path.of(uri);
		if (!Files.isRegularFile(source)) throw new ModelStoreException("Model source file not found: " + source);
		long total = Files.size(source), done = 0;
		try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(part)) {
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) >= 0;) {
				if (cancel.isCancelled()) throw new CancelledException();
				// the file may grow while it is read: the cap holds for what is read, not what was listed
				if (limit > 0 && done + n > limit) throw tooLarge(source, limit);
				out.write(buffer, 0, n);
				done += n;
				progress.progress(done, Math.max(1, total), progressText(done, total));
			}
		}
	}

	/** Checks size and sha256 of a finished file; throws with advice when they differ. */
	static void verify(Object what, Path file, long expectedSize, String sha256) throws IOException {
		long size = Files.size(file);
		if (expectedSize > 0 && size != expectedSize)
			throw new ModelStoreException(what + " gave " + size + " bytes, the catalogue says " + expectedSize
				+ ": the file is truncated or not the catalogued one. Nothing was installed; try again.");
		if (sha256 != null) {
			String actual = ModelPackage.sha256(file);
			if (!actual.equalsIgnoreCase(sha256))
				throw new ModelStoreException(what + " has sha256 " + actual + ", the catalogue says " + sha256
					+ ": the file is corrupt or not the catalogued one. Nothing was installed; try again, and if it persists the source has changed.");
		}
	}

	/** "60 s", or "500 ms" below a second. */
	static String describe(Duration d) {
		return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
	}

	private static String progressText(long done, long total) {
		return total > 0 ? String.format(Locale.ROOT, "downloaded %.1f of %.1f MB", done / 1e6, total / 1e6)
			: String.format(Locale.ROOT, "downloaded %.1f MB", done / 1e6);
	}
}
