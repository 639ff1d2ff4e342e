package io.github.sam2fiji.convert;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Where the templates of the official architectures are found: the plugin's own (jar resources
 * under {@value #RESOURCES}, made by scripts/make-templates) or a folder holding one
 * {@code <config>-<image size>} folder per template plus the shared {@code constants} folder (as
 * scripts/export_sam2.py --template writes them).
 */
public final class ModelTemplates {

	public static final String FOLDER_VARIABLE = "SAM2FIJI_TEMPLATES";
	public static final String RESOURCES = "/io/github/sam2fiji/convert/templates/";

	/** Finds the template of an architecture and image size; {@code scratch} is an empty folder it may unpack into. */
	@FunctionalInterface
	public interface Source {
		ModelTemplate find(String config, int imageSize, Path scratch);
	}

	/** The templates shipped in the plugin jar. */
	public static final Source BUNDLED = ModelTemplates::bundled;

	private ModelTemplates() {}

	/** The templates in {@code root}; null: those of the folder the environment variable names, or without one the plugin's own. */
	public static Source orBundled(Path root) {
		return root != null || System.getenv(FOLDER_VARIABLE) != null ? folder(root) : BUNDLED;
	}

	/** The templates in {@code root} (null: the folder the environment variable names). */
	public static Source folder(Path root) {
		return (config, imageSize, scratch) -> locate(root, config, imageSize);
	}

	/** The template of {@code config} at {@code imageSize} in {@code folder} (null: the environment's). */
	public static ModelTemplate locate(Path folder, String config, int imageSize) {
		checkConfig(config);
		Path root = folder;
		if (root == null) {
			String env = System.getenv(FOLDER_VARIABLE);
			if (env == null || env.isBlank())
				throw new ConversionException("No templates folder: give --templates-dir or set " + FOLDER_VARIABLE
					+ " (templates are made by scripts/export_sam2.py --template), or give --template DIR");
			root = Path.of(env);
		}
		Path dir = root.resolve(config + "-" + imageSize);
		if (!Files.isRegularFile(dir.resolve(ModelTemplate.MANIFEST)))
			throw new ConversionException("No template for " + config + " at " + imageSize + " px in " + root + " (expected " + dir + ")");
		return checked(ModelTemplate.open(dir), config, imageSize, dir);
	}

	/** The plugin's own template, unpacked (graphs, template.json, its shared constants) into {@code scratch}. */
	static ModelTemplate bundled(String config, int imageSize, Path scratch) {
		checkConfig(config);
		String base = RESOURCES + config + "-" + imageSize + "/";
		try {
			byte[] manifest = resource(base + ModelTemplate.MANIFEST);
			if (manifest == null)
				throw new ConversionException("This plugin has no template for " + config + " at " + imageSize
					+ " px (it has the official SAM 2 and 2.1 architectures at 1024 and 512 px); for another, make one with scripts/export_sam2.py --template "
					+ "and give it with --template DIR");
			Path dir = Files.createDirectories(scratch.resolve("template"));
			Files.write(dir.resolve(ModelTemplate.MANIFEST), manifest);
			JsonObject m = JsonParser.parseString(new String(manifest, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
			for (String file : m.getAsJsonObject("files").keySet()) {
				if (!file.matches("[A-Za-z0-9_.-]+")) throw new ConversionException("Bundled template " + base + " lists a bad file name: " + file);
				copy(base + file, dir.resolve(file));
			}
			// the template's own reading gives the shared constants its graphs name (checked when read)
			ModelTemplate template = ModelTemplate.open(dir);
			Path constantsDir = Files.createDirectories(template.constantsFolder());
			if (!constantsDir.startsWith(scratch)) throw new ConversionException("Bundled template " + base + " names a constants folder outside it");
			for (ModelTemplate.Graph g : template.graphs())
				for (String sha256 : g.constantHashes()) copy(RESOURCES + "constants/" + sha256 + ".f32", constantsDir.resolve(sha256 + ".f32"));
			return checked(template, config, imageSize, dir);
		}
		catch (IOException e) {
			throw new ConversionException("Cannot unpack the template of " + config + " into " + scratch + ": " + e.getMessage());
		}
	}

	private static void copy(String resource, Path to) throws IOException {
		byte[] bytes = resource(resource);
		if (bytes == null) throw new ConversionException("The plugin's template file " + resource + " is missing; reinstall the plugin");
		Files.write(to, bytes);
	}

	private static byte[] resource(String name) throws IOException {
		try (InputStream in = ModelTemplates.class.getResourceAsStream(name)) {
			return in == null ? null : in.readAllBytes();
		}
	}

	private static void checkConfig(String config) {
		if (config == null || !config.matches("[A-Za-z0-9_.+-]+")) throw new ConversionException("Not an architecture name: " + config);
	}

	private static ModelTemplate checked(ModelTemplate template, String config, int imageSize, Path dir) {
		if (!template.config().equals(config) || template.imageSize() != imageSize)
			throw new ConversionException("Template " + dir + " is for " + template.config() + " at " + template.imageSize() + " px, not " + config
				+ " at " + imageSize);
		return template;
	}
}
