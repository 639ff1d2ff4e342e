package io.github.sam2fiji.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The command line, {@code scripts/sam2-fiji}: one picocli command with subcommands. To add a
 * subcommand, write a picocli {@code @Command} class and list it in {@code subcommands} below.
 * Needs no SciJava context and no display.
 */
@Command(name = "sam2-fiji", mixinStandardHelpOptions = true, version = "sam2-fiji 0.1.0",
	description = "Segment and track objects in stacks and time-lapses with SAM 2, no Python needed.",
	subcommands = { TrackCli.class, SheetCli.class, ModelsCli.class, ScoreCli.class, HelpCommand.class })
public class Sam2FijiCli implements Runnable {

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(System.err);
	}

	/** The command line with its subcommands, made by {@code factory} (tests pass one that injects a fake tracker). */
	public static CommandLine commandLine(CommandLine.IFactory factory) {
		return new CommandLine(new Sam2FijiCli(), factory);
	}

	/**
	 * Our results go to standard output, our messages to standard error. ImageJ prints its own
	 * messages (read errors, warnings) with System.out when it has no window: those are sent to
	 * standard error too, so a script reading our output never gets ImageJ's text mixed in.
	 */
	public static void main(String[] args) {
		System.setProperty("java.awt.headless", "true");
		CommandLine cli = commandLine(CommandLine.defaultFactory());
		cli.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.Charset.defaultCharset()), true));
		cli.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.Charset.defaultCharset()), true));
		System.setOut(System.err);
		System.exit(cli.execute(args));
	}
}
