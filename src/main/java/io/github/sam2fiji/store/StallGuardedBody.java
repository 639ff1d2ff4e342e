package io.github.sam2fiji.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;

/**
 * An HTTP response body read with a stall deadline. The JDK client's request timeout ends when the
 * headers arrive, and its body InputStream then blocks for as long as the server keeps the
 * connection open without sending; this subscriber queues the body's chunks instead (one requested
 * at a time, so at most one chunk waits in memory) and the reader waits for the next one at most
 * the stall timeout. Closing it cancels the subscription, which makes the client drop the connection.
 */
final class StallGuardedBody implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {

	/** No byte of the body came for the stall timeout. */
	static final class StalledException extends IOException {

		private static final long serialVersionUID = 1L;

		StalledException(String message) {
			super(message);
		}
	}

	private static final Object END = new Object();
	/** How often a waiting reader looks at the cancellation token. */
	private static final long CANCEL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
	private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
	private final Duration stallTimeout;
	private volatile boolean closed;

	StallGuardedBody(Duration stallTimeout) {
		this.stallTimeout = stallTimeout;
	}

	@Override
	public void onSubscribe(Flow.Subscription s) {
		if (closed || !subscription.compareAndSet(null, s)) {
			s.cancel();
			return;
		}
		s.request(1);
	}

	@Override
	public void onNext(List<ByteBuffer> item) {
		chunks.add(item);
	}

	@Override
	public void onError(Throwable error) {
		chunks.add(error);
	}

	@Override
	public void onComplete() {
		chunks.add(END);
	}

	/**
	 * The next chunk of the body, or null at its end.
	 *
	 * @throws StalledException when nothing arrived for the stall timeout
	 * @throws IOException when the transfer broke off
	 */
	@SuppressWarnings("unchecked")
	List<ByteBuffer> next(CancellationToken cancel) throws IOException {
		long deadline = System.nanoTime() + stallTimeout.toNanos();
		Object item;
		try {
			while ((item = chunks.poll(Math.max(1, Math.min(CANCEL_POLL_NANOS, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) == null) {
				cancel.throwIfCancelled();
				if (System.nanoTime() - deadline >= 0)
					throw new StalledException("the server sent nothing for " + HttpDownloader.describe(stallTimeout));
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CancelledException();
		}
		if (item == END) return null;
		if (item instanceof IOException e) throw e;
		if (item instanceof Throwable t) throw new IOException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
		subscription.get().request(1);
		return (List<ByteBuffer>) item;
	}

	@Override
	public void close() {
		closed = true;
		Flow.Subscription s = subscription.getAndSet(null);
		if (s != null) s.cancel();
		chunks.clear();
	}
}
