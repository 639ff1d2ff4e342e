package io.github.sam2fiji.store.catalogue;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A known model: what it is and where to get it. {@code sha256} and {@code size} are those of the
 * file the source delivers (an archive holding a model package, or the files a recipe turns into one).
 *
 * @param name the name it is installed and referred to by (a folder name: letters, digits, . _ -)
 * @param kind the model package kind ("sam2", "sam1")
 * @param source where the file comes from
 * @param sha256 hex sha256 of the delivered file
 * @param size bytes of the delivered file
 * @param recipe how to turn the delivered archive into a package; null when it holds one
 * @param checkpoint for a PyTorch checkpoint converted on install (the official SAM 2 ones): its
 *        architecture; then {@code sha256} may be null (not published) and {@code size} is approximate
 */
public record CatalogueEntry(String name, String kind, ModelSource source, String sha256, long size, String licence, String citation,
	String notes, PackageRecipe recipe, Checkpoint checkpoint) {

	/** A PyTorch checkpoint's architecture: the template it is converted through. */
	public record Checkpoint(String config, int imageSize) {}

	/** Slack on an approximate checkpoint size before a download is stopped as not the catalogued file. */
	private static final double APPROXIMATE_SIZE_SLACK = 1.25;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
	private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

	public CatalogueEntry {
		checkName(name);
		if (kind == null || kind.isBlank()) throw new IllegalArgumentException("Catalogue entry " + name + " has no kind");
		if (source == null) throw new IllegalArgumentException("Catalogue entry " + name + " has no source");
		if ((sha256 == null && checkpoint == null) || (sha256 != null && !SHA256.matcher(sha256.toLowerCase()).matches()))
			throw new IllegalArgumentException("Catalogue entry " + name + " has no valid sha256 (64 hex digits)");
		sha256 = sha256 == null ? null : sha256.toLowerCase();
		if (size <= 0) throw new IllegalArgumentException("Catalogue entry " + name + " has no valid size");
	}

	/** An entry delivering a model package, or an archive a recipe turns into one. */
	public CatalogueEntry(String name, String kind, ModelSource source, String sha256, long size, String licence, String citation, String notes,
		PackageRecipe recipe) {
		this(name, kind, source, sha256, size, licence, citation, notes, recipe, null);
	}

	/** The exact size of the delivered file, or -1 where only an approximate one is known. */
	public long exactSize() {
		return checkpoint == null ? size : -1;
	}

	/** The most bytes a download of this entry may bring. */
	public long downloadLimit() {
		return checkpoint == null ? size : (long) (size * APPROXIMATE_SIZE_SLACK);
	}

	public Optional<PackageRecipe> packageRecipe() {
		return Optional.ofNullable(recipe);
	}

	/** Throws unless {@code name} can name a model folder (no path separators, no leading dot). */
	public static String checkName(String name) {
		if (name == null || !NAME.matcher(name).matches())
			throw new IllegalArgumentException("'" + name + "' cannot name a model: use letters, digits, '.', '_' and '-', starting with a letter or digit");
		return name;
	}
}
