package io.github.sam2fiji.store.catalogue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;


/**
 * The known models, as data: the catalogue shipped with the plugin ({@value #BUILT_IN}), optionally
 * extended by a user's own catalogue file of the same format (entries with the same name replace the
 * shipped ones).
 */
public final class ModelCatalogue {

	public static final String BUILT_IN = "/io/github/sam2fiji/store/catalogue/models.json";

	private final Map<String, CatalogueEntry> entries;

	private ModelCatalogue(Map<String, CatalogueEntry> entries) {
		this.entries = entries;
	}

	/** The catalogue shipped with the plugin. */
	public static ModelCatalogue builtIn() {
		try (InputStream in = ModelCatalogue.class.getResourceAsStream(BUILT_IN)) {
			if (in == null) throw new IllegalStateException("The built-in model catalogue " + BUILT_IN + " is missing from the plugin");
			return parse(new InputStreamReader(in, StandardCharsets.UTF_8), BUILT_IN);
		}
		catch (IOException e) {
			throw new IllegalStateException("Cannot read the built-in model catalogue: " + e.getMessage(), e);
		}
	}

	/** Reads a catalogue file. */
	public static ModelCatalogue read(Path file) throws IOException {
		try (Reader r = Files.newBufferedReader(file)) {
			return parse(r, file.toString());
		}
	}

	/** This catalogue with the entries of {@code other} added, replacing those of the same name. */
	public ModelCatalogue with(ModelCatalogue other) {
		Map<String, CatalogueEntry> merged = new LinkedHashMap<>(entries);
		merged.putAll(other.entries);
		return new ModelCatalogue(merged);
	}

	public static ModelCatalogue of(List<CatalogueEntry> entries) {
		Map<String, CatalogueEntry> map = new LinkedHashMap<>();
		for (CatalogueEntry e : entries) map.put(e.name(), e);
		return new ModelCatalogue(map);
	}

	public List<CatalogueEntry> entries() {
		return List.copyOf(entries.values());
	}

	public Optional<CatalogueEntry> find(String name) {
		return Optional.ofNullable(entries.get(name));
	}

	/** The entry whose delivered file has this sha256 (to recognise a file imported offline). */
	public Optional<CatalogueEntry> findBySha256(String sha256) {
		return entries.values().stream().filter(e -> e.sha256() != null && e.sha256().equalsIgnoreCase(sha256)).findFirst();
	}

	static ModelCatalogue parse(Reader reader, String where) {
		try {
			JsonElement root = JsonParser.parseReader(reader);
			if (!root.isJsonObject() || !root.getAsJsonObject().has("models") || !root.getAsJsonObject().get("models").isJsonArray())
				throw new IllegalArgumentException("Model catalogue " + where + " has no \"models\" list");
			List<CatalogueEntry> list = new ArrayList<>();
			int index = 0;
			for (JsonElement e : root.getAsJsonObject().getAsJsonArray("models")) {
				index++;
				try {
					list.add(entry(e.getAsJsonObject()));
				}
				catch (RuntimeException ex) {
					throw new IllegalArgumentException("Model catalogue " + where + ", model " + index + ": " + ex.getMessage(), ex);
				}
			}
			return of(list);
		}
		catch (JsonParseException e) {
			throw new IllegalArgumentException("Model catalogue " + where + " is not valid JSON: " + e.getMessage(), e);
		}
	}

	private static CatalogueEntry entry(JsonObject o) {
		PackageRecipe recipe = null;
		if (o.has("package") && o.get("package").isJsonObject()) {
			JsonObject p = o.getAsJsonObject("package");
			Map<String, String> files = new LinkedHashMap<>();
			for (Map.Entry<String, JsonElement> f : p.getAsJsonObject("files").entrySet()) files.put(f.getKey(), f.getValue().getAsString());
			Map<String, List<ExposedTensor>> expose = new LinkedHashMap<>();
			if (p.has("expose"))
				for (Map.Entry<String, JsonElement> f : p.getAsJsonObject("expose").entrySet()) {
					List<ExposedTensor> tensors = new ArrayList<>();
					for (JsonElement t : f.getValue().getAsJsonArray()) {
						JsonObject o2 = t.getAsJsonObject();
						long[] shape = new long[o2.getAsJsonArray("shape").size()];
						for (int i = 0; i < shape.length; i++) shape[i] = o2.getAsJsonArray("shape").get(i).getAsLong();
						tensors.add(new ExposedTensor(o2.get("tensor").getAsString(), o2.get("as").getAsString(), shape));
					}
					expose.put(f.getKey(), tensors);
				}
			recipe = new PackageRecipe(files, p.has("manifest") ? p.getAsJsonObject("manifest") : new JsonObject(), expose);
		}
		CatalogueEntry.Checkpoint checkpoint = null;
		if (o.has("checkpoint") && o.get("checkpoint").isJsonObject()) {
			JsonObject c = o.getAsJsonObject("checkpoint");
			checkpoint = new CatalogueEntry.Checkpoint(text(c, "config", true), c.has("image_size") ? c.get("image_size").getAsInt() : 1024);
		}
		long size = o.has("size") ? o.get("size").getAsLong() : checkpoint != null && o.has("approximate_size") ? o.get("approximate_size").getAsLong() : -1;
		return new CatalogueEntry(text(o, "name", true), text(o, "kind", true), ModelSource.parse(text(o, "source", true)),
			checkpoint == null ? text(o, "sha256", true) : (o.has("sha256") ? text(o, "sha256", true) : null), size, text(o, "licence", false),
			text(o, "citation", false), text(o, "notes", false), recipe, checkpoint);
	}

	private static String text(JsonObject o, String key, boolean required) {
		if (!o.has(key) || o.get(key).isJsonNull()) {
			if (required) throw new IllegalArgumentException("lacks \"" + key + "\"");
			return "";
		}
		return o.get(key).getAsString();
	}
}
