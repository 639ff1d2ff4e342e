package io.github.sam2fiji.convert;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the templates of the official architectures are found: a folder holding one
 * {@code <config>-<image size>} folder per template (as scripts/export_sam2.py --template writes
 * them), given explicitly or by the {@value #FOLDER_VARIABLE} environment variable.
 */
public final class ModelTemplates {

	public static final String FOLDER_VARIABLE = "SAM2FIJI_TEMPLATES";

	private ModelTemplates() {}

	/** The template of {@code config} at {@code imageSize} in {@code folder} (null: the environment's). */
	public static ModelTemplate locate(Path folder, String config, int imageSize) {
		if (config == null || !config.matches("[A-Za-z0-9_.+-]+")) throw new ConversionException("Not an architecture name: " + config);
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
		ModelTemplate template = ModelTemplate.open(dir);
		if (!template.config().equals(config) || template.imageSize() != imageSize)
			throw new ConversionException("Template " + dir + " is for " + template.config() + " at " + template.imageSize() + " px, not " + config + " at " + imageSize);
		return template;
	}
}
