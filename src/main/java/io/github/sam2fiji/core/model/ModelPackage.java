package io.github.sam2fiji.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * A model package folder: {@code model.json} (see docs/model-format.md) plus the files it lists,
 * each with its size and sha256. Opening a package checks the manifest and every file, so a model
 * that loads is complete and unmodified.
 */
public final class ModelPackage {

	public static final String MANIFEST = "model.json";
	public static final String FORMAT = "sam2fiji-model";
	public static final int FORMAT_VERSION = 1;

	private final Path folder;
	private final JsonObject manifest;
	private final String kind;
	private final String name;
	private final Map<String, Path> files;
	/** File -> {size, sha256 (null when checksums are not verified)} from the manifest, checked again when a file is read for use. */
	private final Map<Path, Object[]> expected;

	private ModelPackage(Path folder, JsonObject manifest, String kind, String name, Map<String, Path> files, Map<Path, Object[]> expected) {
		this.expected = expected;
		this.folder = folder;
		this.manifest = manifest;
		this.kind = kind;
		this.name = name;
		this.files = files;
	}

	/** Opens and verifies the package in {@code folder} (sizes and sha256 of every listed file). */
	public static ModelPackage open(Path folder) {
		return open(folder, true);
	}

	/**
	 * Opens the package in {@code folder}; with {@code verifyChecksums} false only sizes are checked
	 * (for callers that verified the files already, e.g. right after a download). Any relative form
	 * of the folder works ({@code .}, {@code ./x}, {@code x/..}): it is made absolute first.
	 *
	 * @throws ModelFormatException naming the file and what is wrong, for anything that is not a
	 *         complete package: missing or garbled manifest (any field of the wrong type), missing,
	 *         truncated or corrupt files
	 */
	public static ModelPackage open(Path folder, boolean verifyChecksums) {
		if (folder == null || !Files.isDirectory(folder))
			throw new ModelFormatException("Model folder not found: " + folder);
		// Absolute first: "." normalises to the empty path, which no file path starts with.
		Path base = folder.toAbsolutePath().normalize();
		Path manifestFile = base.resolve(MANIFEST);
		if (!Files.isRegularFile(manifestFile))
			throw new ModelFormatException("Not a model package: " + base + " has no " + MANIFEST);
		JsonObject manifest = readManifest(manifestFile);
		String format = string(manifest, "format", manifestFile);
		if (!FORMAT.equals(format))
			throw new ModelFormatException(manifestFile + " has format '" + format + "', expected '" + FORMAT + "'");
		int version = integer(manifest, "format_version", manifestFile);
		if (version > FORMAT_VERSION)
			throw new ModelFormatException(manifestFile + " has format version " + version + "; this plugin reads up to " + FORMAT_VERSION + ": update the plugin");
		String kind = string(manifest, "kind", manifestFile);
		String name = manifest.has("name") ? string(manifest, "name", manifestFile)
			: base.getFileName() == null ? base.toString() : base.getFileName().toString();
		if (!manifest.has("files") || !manifest.get("files").isJsonObject())
			throw new ModelFormatException(manifestFile + " lists no files (\"files\" must be an object of file name to size and sha256)");
		Map<String, Path> files = new LinkedHashMap<>();
		Map<Path, Object[]> expected = new LinkedHashMap<>();
		for (Map.Entry<String, JsonElement> e : manifest.getAsJsonObject("files").entrySet()) {
			String relative = e.getKey();
			Path file;
			try {
				file = base.resolve(relative).normalize();
			}
			catch (InvalidPathException ex) {
				throw new ModelFormatException(manifestFile + " names a file that is not a valid path: '" + relative + "'", ex);
			}
			if (!file.startsWith(base) || file.equals(base))
				throw new ModelFormatException(manifestFile + " names a file outside the package: " + relative);
			if (!e.getValue().isJsonObject())
				throw new ModelFormatException(manifestFile + ": \"files\" entry '" + relative + "' is not an object with \"size\" and \"sha256\"");
			JsonObject entry = e.getValue().getAsJsonObject();
			String where = manifestFile + ", file '" + relative + "'";
			long size = number(entry, "size", where);
			String sha256 = string(entry, "sha256", where);
			verifyFile(file, size, verifyChecksums ? sha256 : null);
			files.put(relative, file);
			expected.put(file, new Object[] { size, verifyChecksums ? sha256 : null });
		}
		return new ModelPackage(base, manifest, kind, name, files, expected);
	}

	/** A manifest is a few kB; a larger one is refused before it is read whole into memory. */
	private static final long MAX_MANIFEST_BYTES = 16L << 20;

	private static JsonObject readManifest(Path manifestFile) {
		try {
			long bytes = Files.size(manifestFile);
			if (bytes > MAX_MANIFEST_BYTES)
				throw new ModelFormatException(manifestFile + " has " + bytes + " bytes, more than a manifest can (" + MAX_MANIFEST_BYTES + "): it is not a model manifest");
			JsonElement parsed = JsonParser.parseString(Files.readString(manifestFile));
			if (!parsed.isJsonObject()) throw new ModelFormatException(manifestFile + " is not a JSON object");
			return parsed.getAsJsonObject();
		}
		catch (IOException | JsonParseException e) {
			throw new ModelFormatException("Cannot read " + manifestFile + ": " + e.getMessage(), e);
		}
	}

	private static void verifyFile(Path file, long size, String sha256) {
		if (!Files.isRegularFile(file))
			throw new ModelFormatException("Model file missing: " + file + " (re-export or re-download the model)");
		try {
			long actual = Files.size(file);
			if (actual != size)
				throw new ModelFormatException("Model file " + file + " has " + actual + " bytes, the manifest says " + size + ": it is truncated or corrupt (re-download it)");
			if (sha256 != null) {
				String digest = sha256(file);
				if (!digest.equalsIgnoreCase(sha256))
					throw new ModelFormatException("Model file " + file + " is corrupt: sha256 " + digest + " differs from the manifest's " + sha256);
			}
		}
		catch (IOException e) {
			throw new ModelFormatException("Cannot read model file " + file + ": " + e.getMessage(), e);
		}
	}

	/** A new manifest's header: format, format version, kind and name (what every writer of a package starts with). */
	public static JsonObject manifestHeader(String kind, String name) {
		JsonObject m = new JsonObject();
		m.addProperty("format", FORMAT);
		m.addProperty("format_version", FORMAT_VERSION);
		m.addProperty("kind", kind);
		m.addProperty("name", name);
		return m;
	}

	/** The manifest's entry for a package file: its size and sha256, as {@link #open} checks them. */
	public static JsonObject fileEntry(Path file) throws IOException {
		JsonObject entry = new JsonObject();
		entry.addProperty("size", Files.size(file));
		entry.addProperty("sha256", sha256(file));
		return entry;
	}

	/** Writes {@code manifest} as the folder's model.json (indented, null fields kept). */
	public static void writeManifest(Path folder, JsonObject manifest) throws IOException {
		Files.writeString(folder.resolve(MANIFEST), new com.google.gson.GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping()
			.create().toJson(manifest) + "\n", java.nio.charset.StandardCharsets.UTF_8);
	}

	/** Hex sha256 of a file. */
	public static String sha256(Path file) throws IOException {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
		try (InputStream in = Files.newInputStream(file)) {
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) > 0;) digest.update(buffer, 0, n);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static String string(JsonObject o, String key, Object where) {
		if (!o.has(key)) throw new ModelFormatException(where + " lacks \"" + key + "\"");
		JsonElement v = o.get(key);
		if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString())
			throw new ModelFormatException(where + ": \"" + key + "\" is " + v + ", not a string");
		return v.getAsString();
	}

	private static int integer(JsonObject o, String key, Object where) {
		long v = number(o, key, where);
		if (v != (int) v) throw new ModelFormatException(where + ": \"" + key + "\" is " + v + ", out of range");
		return (int) v;
	}

	private static long number(JsonObject o, String key, Object where) {
		if (!o.has(key)) throw new ModelFormatException(where + " lacks \"" + key + "\"");
		JsonElement v = o.get(key);
		try {
			if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
				long n = v.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
				if (n >= 0) return n;
			}
		}
		catch (ArithmeticException e) {
			// not a whole number in range: refused below
		}
		throw new ModelFormatException(where + ": \"" + key + "\" is " + v + ", not a whole number >= 0");
	}

	public Path folder() {
		return folder;
	}

	/** "sam2" or "sam1" (see docs/model-format.md). */
	public String kind() {
		return kind;
	}

	public String name() {
		return name;
	}

	/** The whole manifest, for the kind-specific reader of its "architecture" and "graphs". */
	public JsonObject manifest() {
		return manifest.deepCopy();
	}

	/**
	 * The bytes of a file the package lists (a path from {@link #file}), read once and checked against
	 * the manifest's size and sha256 as read, so what is used is exactly what was verified (a file
	 * swapped after the package was opened is refused, not loaded unchecked).
	 */
	public byte[] readVerified(Path file) {
		Object[] want = expected.get(file);
		if (want == null) throw new ModelFormatException("Model " + name + " has no file " + file + " in its manifest");
		try {
			byte[] bytes = Files.readAllBytes(file);
			if (bytes.length != (long) want[0])
				throw new ModelFormatException("Model file " + file + " has " + bytes.length + " bytes, the manifest says " + want[0] + ": it changed since the model was opened, or is corrupt");
			if (want[1] != null) {
				String digest = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
				if (!digest.equalsIgnoreCase((String) want[1]))
					throw new ModelFormatException("Model file " + file + " is corrupt: sha256 " + digest + " differs from the manifest's " + want[1]);
			}
			return bytes;
		}
		catch (IOException | java.security.NoSuchAlgorithmException e) {
			throw new ModelFormatException("Cannot read model file " + file + ": " + e.getMessage(), e);
		}
	}

	/** A file the manifest lists, by its path relative to the package. */
	public Path file(String relative) {
		Path p = files.get(relative);
		if (p == null) throw new ModelFormatException("Model " + name + " has no file '" + relative + "' in its manifest");
		return p;
	}
}
