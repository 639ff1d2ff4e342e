package io.github.sam2fiji.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.github.sam2fiji.testing.FakeTracker;
import picocli.CommandLine;

/** The command line with the {@link FakeTracker} test double in place of a model; counts the models it would have loaded. */
final class FakeCli {

	final FakeTracker tracker = new FakeTracker();
	/** Trackers opened (model loads). */
	int opened;
	/** The runtime options of the latest model load. */
	io.github.sam2fiji.core.runtime.RuntimeOptions lastOptions;
	/** Standard error of the latest run. */
	final StringWriter err = new StringWriter();

	/** Runs {@code sam2-fiji ARGS}; returns the exit code. */
	int run(String... args) {
		err.getBuffer().setLength(0);
		CommandLine.IFactory factory = new CommandLine.IFactory() {
			@Override
			public <K> K create(Class<K> cls) throws Exception {
				if (cls == TrackCli.class) return cls.cast(new TrackCli((model, options) -> {
					opened++;
					lastOptions = options;
					return tracker;
				}));
				return CommandLine.defaultFactory().create(cls);
			}
		};
		CommandLine cli = Sam2FijiCli.commandLine(factory);
		cli.setErr(new PrintWriter(err, true));
		return cli.execute(args);
	}

	/** The last line of standard error. */
	String lastLine() {
		return err.toString().lines().reduce((a, b) -> b).orElse("");
	}
}
