package io.github.sam2fiji.core.progress;

import java.util.concurrent.atomic.AtomicBoolean;

/** A token whose owner (a command, a UI button) cancels it from any thread. */
public final class CancellationFlag implements CancellationToken {

	private final AtomicBoolean cancelled = new AtomicBoolean();

	public void cancel() {
		cancelled.set(true);
	}

	@Override
	public boolean isCancelled() {
		return cancelled.get();
	}
}
