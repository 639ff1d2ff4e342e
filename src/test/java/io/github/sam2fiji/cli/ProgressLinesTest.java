package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/** Progress in a log: a line at most every 30 s of the run's clock; on a terminal, every report in place. */
class ProgressLinesTest {

	private long now;

	@Test
	void aLogGetsALineEveryIntervalAtMost() {
		StringWriter out = new StringWriter();
		ProgressLines lines = new ProgressLines("a.tif", new PrintWriter(out), false, () -> now);
		long s = 1_000_000_000L;
		for (long t : new long[] { 1, 10, 29, 31, 40, 60, 62 }) {
			now = t * s;
			lines.progress(t, 100, "frame " + t);
		}
		lines.finish();
		assertEquals("a.tif: frame 31 (31/100)\na.tif: frame 62 (62/100)\n", out.toString().replace(System.lineSeparator(), "\n"));
		assertEquals("frame 62", lines.lastMessage());
	}

	@Test
	void aTerminalGetsEveryReportInPlace() {
		StringWriter out = new StringWriter();
		ProgressLines lines = new ProgressLines("a.tif", new PrintWriter(out), true, () -> now);
		lines.progress(1, 2, "one");
		lines.progress(2, 2, "two");
		lines.finish();
		assertEquals("\ra.tif: one (1/2)   \ra.tif: two (2/2)   \r", out.toString());
	}
}
