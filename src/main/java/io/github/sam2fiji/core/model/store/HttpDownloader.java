package io.github.sam2fiji.core.model.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
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
 * breaks off is resumed with an HTTP Range request where the server honours it, and restarted from
 * the beginning where it does not, a few times before giving up.
 */
public final class HttpDownloader {

	private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

	private final HttpClient client;
	private final int attempts;

	public HttpDownloader() {
		this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build(), 4);
	}

	/** @param attempts transfers tried in all before giving up (at least 1) */
	public HttpDownloader(HttpClient client, int attempts) {
		this.client = client;
		this.attempts = Math.max(1, attempts);
	}

	/**
	 * @param expectedSize bytes expected, or -1 if unknown
	 * @param sha256 expected hex sha256, or null to accept any content
	 */
	public void download(URI uri, Path target, long expectedSize, String sha256, ProgressListener progress, CancellationToken cancel) {
		Path part = target.resolveSibling(target.getFileName() + ".part");
		try {
			Files.deleteIfExists(part);
			if ("file".equalsIgnoreCase(uri.getScheme())) copyLocal(Path.of(uri), part, progress, cancel);
			else transfer(uri, part, expectedSize, progress, cancel);
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

	private void transfer(URI uri, Path part, long expectedSize, ProgressListener progress, CancellationToken cancel) throws IOException {
		long have = 0;
		String lastProblem = "";
		for (int attempt = 1; attempt <= attempts; attempt++) {
			cancel.throwIfCancelled();
			HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMinutes(2));
			if (have > 0) request.header("Range", "bytes=" + have + "-");
			HttpResponse<InputStream> response;
			try {
				response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
			}
			catch (IOException e) {
				lastProblem = e.toString();
				continue;
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new CancelledException();
			}
			int status = response.statusCode();
			boolean append = false;
			if (status == 206 && have > 0 && rangeStartsAt(response, have)) append = true;
			else if (status == 200 || status == 206) have = 0; // the server sent the whole file (or an unusable range): start over
			else {
				response.body().close();
				if (status == 416) { // our range is unusable: restart from the beginning
					have = 0;
					lastProblem = "HTTP 416";
					continue;
				}
				throw new ModelStoreException("Download of " + uri + " failed: HTTP " + status + (status == 404 ? " (not found: the catalogue's address is wrong or the file was moved)" : "")
					+ ". Nothing was installed.");
			}
			long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
			long total = length < 0 ? expectedSize : (append ? have + length : length);
			if (expectedSize > 0 && total > 0 && total != expectedSize)
				throw new ModelStoreException("Download of " + uri + " offers " + total + " bytes, the catalogue says " + expectedSize
					+ ": the file at that address is not the catalogued one. Nothing was installed.");
			try (InputStream in = response.body();
				OutputStream out = append ? Files.newOutputStream(part, StandardOpenOption.APPEND)
					: Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
				byte[] buffer = new byte[1 << 16];
				for (int n; (n = in.read(buffer)) >= 0;) {
					if (cancel.isCancelled()) throw new CancelledException();
					out.write(buffer, 0, n);
					have += n;
					progress.progress(have, Math.max(1, Math.max(total, have)), progressText(have, total));
				}
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
		throw new ModelStoreException("Download of " + uri + " failed " + attempts + " times (last: " + lastProblem
			+ "). Nothing was installed: check the connection and try again, or download the file by other means and import it.");
	}

	private static boolean rangeStartsAt(HttpResponse<?> response, long offset) {
		Optional<String> range = response.headers().firstValue("Content-Range");
		if (range.isEmpty()) return false;
		Matcher m = CONTENT_RANGE.matcher(range.get().trim());
		return m.matches() && Long.parseLong(m.group(1)) == offset;
	}

	private static void copyLocal(Path source, Path part, ProgressListener progress, CancellationToken cancel) throws IOException {
		if (!Files.isRegularFile(source)) throw new ModelStoreException("Model source file not found: " + source);
		long total = Files.size(source), done = 0;
		try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(part)) {
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) >= 0;) {
				if (cancel.isCancelled()) throw new CancelledException();
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

	private static String progressText(long done, long total) {
		return total > 0 ? String.format(Locale.ROOT, "downloaded %.1f of %.1f MB", done / 1e6, total / 1e6)
			: String.format(Locale.ROOT, "downloaded %.1f MB", done / 1e6);
	}
}
