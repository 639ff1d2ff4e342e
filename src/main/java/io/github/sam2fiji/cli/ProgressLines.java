package io.github.sam2fiji.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

import io.github.sam2fiji.core.progress.ProgressListener;

/**
 * A run's progress on standard error: on a terminal one line updated in place; in a log file (a
 * cluster job, a pipe) a line at most every {@link #LOG_INTERVAL_SECONDS}, so that an hour-long
 * job's log says where it is without filling up with every frame.
 */
final class ProgressLines implements ProgressListener {

	/** Seconds between two progress lines in a log. */
	static final long LOG_INTERVAL_SECONDS = 30;

	private final String name;
	private final PrintWriter err;
	private final boolean terminal;
	private final LongSupplier nanoTime;
	private long lastLine;
	private boolean printedInPlace;
	private String last;

	/**
	 * @param name what the lines are about (the stack's file name)
	 * @param terminal whether standard error is a terminal (lines updated in place)
	 * @param nanoTime the clock (System::nanoTime; tests give their own)
	 */
	ProgressLines(String name, PrintWriter err, boolean terminal, LongSupplier nanoTime) {
		this.name = name;
		this.err = err;
		this.terminal = terminal;
		this.nanoTime = nanoTime;
		this.lastLine = nanoTime.getAsLong();
	}

	@Override
	public void progress(long done, long total, String message) {
		last = message;
		String line = name + ": " + message + " (" + done + "/" + total + ")";
		if (terminal) {
			err.print("\r" + line + "   ");
			printedInPlace = true;
			err.flush();
			return;
		}
		long now = nanoTime.getAsLong();
		if (now - lastLine < LOG_INTERVAL_SECONDS * 1_000_000_000L) return;
		lastLine = now;
		err.println(line);
		err.flush();
	}

	/** Ends the line updated in place, if any, so that what follows starts on its own line. */
	void finish() {
		if (printedInPlace) err.print("\r");
		printedInPlace = false;
	}

	/** The last message reported, or null. */
	String lastMessage() {
		return last;
	}
}
