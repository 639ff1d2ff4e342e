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
	subcommands = { TrackCli.class, ModelsCli.class, ScoreCli.class, HelpCommand.class })
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

	public static void main(String[] args) {
		System.setProperty("java.awt.headless", "true");
		System.exit(commandLine(CommandLine.defaultFactory()).execute(args));
	}
}
