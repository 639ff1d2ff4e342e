package io.github.sam2fiji.ij;

import ij.IJ;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;

/** Progress in ImageJ's status bar and progress bar; cancellation by the Esc key or by a caller's token. */
public final class ImageJProgress implements ProgressListener {

	private final String prefix;

	public ImageJProgress(String prefix) {
		this.prefix = prefix;
	}

	@Override
	public void progress(long done, long total, String message) {
		IJ.showStatus(prefix + ": " + message);
		IJ.showProgress((double) done / Math.max(1, total));
	}

	/** Clears the status and progress bar. */
	public void finish(String message) {
		IJ.showProgress(1.0);
		IJ.showStatus(message == null ? "" : prefix + ": " + message);
	}

	/**
	 * A token cancelled when the user presses Esc in ImageJ (from now on) or when {@code other} is
	 * cancelled.
	 */
	public static CancellationToken escapeOr(CancellationToken other) {
		IJ.resetEscape();
		return () -> IJ.escapePressed() || other.isCancelled();
	}
}
