package io.github.sam2fiji.updatesite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.github.sam2fiji.store.ModelStore;
import io.github.sam2fiji.updatesite.UpdateSiteBuilder.ShippedFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The release tool behind scripts/make-update-site: builds the update site folder, checks it, and
 * installs it into a Fiji (or ImageJ) folder as the updater would. Not part of what users run.
 */
@Command(name = "update-site", mixinStandardHelpOptions = true, subcommands = { UpdateSiteTool.Build.class, UpdateSiteTool.Check.class,
	UpdateSiteTool.Install.class }, description = "Build, check and install the SAM 2 for Fiji update site folder.")
public final class UpdateSiteTool implements Runnable {

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(System.err);
	}

	public static void main(String[] args) {
		System.exit(new CommandLine(new UpdateSiteTool()).execute(args));
	}

	/** A runtime library from {@code mvn dependency:list}: its Maven coordinates and jar. */
	public record Library(String groupId, String artifactId, String version, Path jar) {
		/** Where the site ships it. */
		public String fijiPath() {
			return "jars/" + artifactId + "-" + version + ".jar";
		}
	}

	/**
	 * The runtime libraries listed by {@code mvn dependency:list -DincludeScope=runtime
	 * -DoutputAbsoluteArtifactFilename=true} ("group:artifact:jar[:classifier]:version:scope:/path"
	 * lines) that Fiji does not ship.
	 */
	public static List<Library> librariesToShip(List<String> dependencyList, FijiProvided fiji) {
		List<Library> ship = new ArrayList<>();
		for (String raw : dependencyList) {
			String line = raw.strip();
			int module = line.indexOf(" -- ");
			if (module >= 0) line = line.substring(0, module).strip();
			String[] parts = line.split(":");
			if (parts.length < 6 || !parts[parts.length - 1].startsWith("/")) continue; // headers, blank lines
			if (parts.length > 6) throw new IllegalArgumentException("A classified dependency cannot be shipped as a plain jar: " + line);
			String scope = parts[4];
			if (!scope.equals("compile") && !scope.equals("runtime")) continue;
			Library lib = new Library(parts[0], parts[1], parts[3], Path.of(parts[5]));
			if (!fiji.provides(lib.artifactId())) ship.add(lib);
		}
		return ship;
	}

	@Command(name = "build", description = "Build or update the site folder: the plugin jar, the libraries Fiji lacks, and models.")
	static final class Build implements Callable<Integer> {
		@Option(names = "--site", required = true, description = "the site folder (created, or updated keeping its history)")
		Path site;
		@Option(names = "--plugin", required = true, description = "the plugin jar (shipped in plugins/, where ImageJ 1 reads its plugins.config)")
		Path plugin;
		@Option(names = "--dependencies", required = true, description = "mvn dependency:list output with absolute file names")
		Path dependencies;
		@Option(names = "--pom-scijava", required = true, description = "the pom-scijava POM whose managed artifacts Fiji ships")
		Path pomScijava;
		@Option(names = "--model", description = "a model package folder to ship under " + ModelStore.SHIPPED_FOLDER + "/<its name>")
		List<Path> models = new ArrayList<>();
		@Option(names = "--timestamp", description = "yyyyMMddHHmmss of new versions (default: now)")
		Long timestamp;

		@Override
		public Integer call() throws IOException {
			FijiProvided fiji = FijiProvided.fromPomScijava(pomScijava);
			List<Library> libraries = librariesToShip(Files.readAllLines(dependencies), fiji);
			List<ShippedFile> files = new ArrayList<>();
			String pluginPath = "plugins/" + plugin.getFileName();
			files.add(new ShippedFile(pluginPath, plugin, "SAM 2 for Fiji: segment and track objects in stacks and time-lapses with SAM 2 (Plugins > Segmentation > SAM 2)"));
			List<String> pluginNeeds = new ArrayList<>();
			for (Library lib : libraries) {
				files.add(new ShippedFile(lib.fijiPath(), lib.jar(), lib.groupId() + ":" + lib.artifactId() + ":" + lib.version() + " (needed by SAM 2 for Fiji)"));
				pluginNeeds.add(lib.fijiPath());
			}
			for (Path model : models) {
				String name = model.getFileName().toString();
				if (!Files.isRegularFile(model.resolve("model.json"))) throw new IOException(model + " is not a model package (no model.json)");
				try (Stream<Path> walk = Files.walk(model)) {
					for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
						String inside = model.relativize(f).toString().replace(java.io.File.separatorChar, '/');
						files.add(new ShippedFile(ModelStore.SHIPPED_FOLDER + "/" + name + "/" + inside, f, "Model '" + name + "' for SAM 2 for Fiji"));
					}
				}
			}
			Map<String, List<String>> deps = new LinkedHashMap<>();
			deps.put(pluginPath, pluginNeeds);
			long ts = timestamp != null ? timestamp : Long.parseLong(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")));
			UpdateSiteBuilder.Report report = UpdateSiteBuilder.build(site, files, deps, ts);
			System.out.println("update site " + site + ": " + report.added().size() + " added, " + report.updated().size() + " updated, "
				+ report.unchanged().size() + " unchanged, " + report.obsoleted().size() + " obsoleted");
			report.added().forEach(f -> System.out.println("  added     " + f));
			report.updated().forEach(f -> System.out.println("  updated   " + f));
			report.obsoleted().forEach(f -> System.out.println("  obsoleted " + f));
			return Check.report(site, fiji);
		}
	}

	@Command(name = "check", description = "Check a site folder: sizes, updater checksums, dependencies, no library Fiji ships.")
	static final class Check implements Callable<Integer> {
		@Option(names = "--site", required = true)
		Path site;
		@Option(names = "--pom-scijava", required = true)
		Path pomScijava;

		@Override
		public Integer call() throws IOException {
			return report(site, FijiProvided.fromPomScijava(pomScijava));
		}

		static int report(Path site, FijiProvided fiji) throws IOException {
			List<String> problems = UpdateSiteCheck.problems(site, fiji);
			long files = UpdateSiteIndex.readSite(site).records().stream().filter(r -> r.current().isPresent()).count();
			if (problems.isEmpty()) {
				System.out.println("update site " + site + ": OK, " + files + " files, checksums and sizes verified, none of the "
					+ fiji.size() + " libraries Fiji ships");
				return 0;
			}
			problems.forEach(p -> System.err.println("update site " + site + ": " + p));
			return 1;
		}
	}

	@Command(name = "install", description = "Install the site's current files into a Fiji or ImageJ folder, as the updater does.")
	static final class Install implements Callable<Integer> {
		@Option(names = "--site", required = true)
		Path site;
		@Option(names = "--into", required = true)
		Path fiji;

		@Override
		public Integer call() throws IOException {
			List<String> installed = UpdateSiteCheck.install(site, fiji);
			System.out.println("installed " + installed.size() + " files from " + site + " into " + fiji);
			return 0;
		}
	}
}
