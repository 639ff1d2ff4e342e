package io.github.sam2fiji.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import io.github.sam2fiji.core.model.ModelPackage;

/**
 * A weight-free graph template of one SAM 2 architecture and image size (docs/model-template.md),
 * written by {@code scripts/export_sam2.py --template}: the five ONNX graphs without their weights,
 * {@code template.json} mapping each left-out initializer to the checkpoint tensor it is, and the
 * architecture's full checkpoint inventory (every key and shape a checkpoint must have).
 */
public final class ModelTemplate {

	public static final String MANIFEST = "template.json";
	public static final String FORMAT = "sam2fiji-template";
	public static final int FORMAT_VERSION = 1;

	/**
	 * A graph: its file, the weights to put in (in order) and their checkpoint keys, and the shared
	 * constants to put in after them (architecture constants kept once for all templates, by sha256).
	 */
	public record Graph(String name, String file, List<OnnxWeights.Weight> weights, List<String> keys, List<OnnxWeights.Weight> constants,
		List<String> constantHashes) {}

	/** A small tensor of the package (tensors/*.f32) and the checkpoint key it is. */
	public record Tensor(String name, String file, String key, long[] shape) {}

	private final Path folder;
	private final JsonObject manifest;
	private final List<Graph> graphs;
	private final List<Tensor> tensors;
	private final Map<String, long[]> checkpointKeys;

	private ModelTemplate(Path folder, JsonObject manifest, List<Graph> graphs, List<Tensor> tensors, Map<String, long[]> keys) {
		this.folder = folder;
		this.manifest = manifest;
		this.graphs = graphs;
		this.tensors = tensors;
		this.checkpointKeys = keys;
	}

	/** Reads a template folder and checks every file it lists against its size and sha256. */
	public static ModelTemplate open(Path folder) {
		Path file = folder.resolve(MANIFEST);
		JsonObject m;
		try {
			m = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
		}
		catch (IOException e) {
			throw new ConversionException("Template " + folder + " cannot be read: " + e.getMessage());
		}
		catch (JsonParseException | IllegalStateException e) {
			throw new ConversionException("Template " + file + " is not valid JSON: " + e.getMessage());
		}
		try {
			if (!FORMAT.equals(m.get("format").getAsString()) || m.get("format_version").getAsInt() != FORMAT_VERSION)
				throw new ConversionException("Template " + folder + " is not a " + FORMAT + " version " + FORMAT_VERSION);
			for (Map.Entry<String, JsonElement> f : m.getAsJsonObject("files").entrySet()) {
				JsonObject spec = f.getValue().getAsJsonObject();
				Path p = folder.resolve(f.getKey()).normalize();
				if (!p.startsWith(folder.normalize()) || !Files.isRegularFile(p) || Files.size(p) != spec.get("size").getAsLong()
					|| !ModelPackage.sha256(p).equals(spec.get("sha256").getAsString()))
					throw new ConversionException("Template " + folder + " is damaged: " + f.getKey() + " is missing or changed; reinstall the plugin");
			}
			List<Graph> graphs = new ArrayList<>();
			for (Map.Entry<String, JsonElement> g : m.getAsJsonObject("graphs").entrySet()) {
				JsonObject spec = g.getValue().getAsJsonObject();
				List<OnnxWeights.Weight> weights = new ArrayList<>();
				List<String> keys = new ArrayList<>();
				for (JsonElement w : spec.getAsJsonArray("weights")) {
					JsonObject o = w.getAsJsonObject();
					weights.add(new OnnxWeights.Weight(o.get("name").getAsString(), shape(o.get("shape"))));
					keys.add(o.get("key").getAsString());
				}
				List<OnnxWeights.Weight> constants = new ArrayList<>();
				List<String> hashes = new ArrayList<>();
				if (spec.has("constants"))
					for (JsonElement w : spec.getAsJsonArray("constants")) {
						JsonObject o = w.getAsJsonObject();
						constants.add(new OnnxWeights.Weight(o.get("name").getAsString(), shape(o.get("shape"))));
						String sha256 = o.get("sha256").getAsString();
						if (!sha256.matches("[0-9a-f]{64}")) throw new ConversionException("Template " + file + " names a constant by a bad sha256: " + sha256);
						hashes.add(sha256);
					}
				graphs.add(new Graph(g.getKey(), spec.get("file").getAsString(), List.copyOf(weights), List.copyOf(keys), List.copyOf(constants),
					List.copyOf(hashes)));
			}
			List<Tensor> tensors = new ArrayList<>();
			for (Map.Entry<String, JsonElement> t : m.getAsJsonObject("tensors").entrySet()) {
				JsonObject o = t.getValue().getAsJsonObject();
				tensors.add(new Tensor(t.getKey(), o.get("file").getAsString(), o.get("key").getAsString(), shape(o.get("shape"))));
			}
			Map<String, long[]> keys = new LinkedHashMap<>();
			for (Map.Entry<String, JsonElement> k : m.getAsJsonObject("checkpoint").getAsJsonObject("keys").entrySet())
				keys.put(k.getKey(), shape(k.getValue()));
			return new ModelTemplate(folder, m, List.copyOf(graphs), List.copyOf(tensors), Collections.unmodifiableMap(keys));
		}
		catch (IOException e) {
			throw new ConversionException("Template " + folder + " cannot be read: " + e.getMessage());
		}
		catch (NullPointerException | ClassCastException | IllegalStateException | UnsupportedOperationException e) {
			throw new ConversionException("Template " + file + " lacks a field or has a wrong one (" + e.getMessage() + ")");
		}
	}

	private static long[] shape(JsonElement e) {
		var array = e.getAsJsonArray();
		long[] out = new long[array.size()];
		for (int i = 0; i < out.length; i++) out[i] = array.get(i).getAsLong();
		return out;
	}

	public Path folder() {
		return folder;
	}

	/** The official config name (sam2.1_hiera_t, ...) or the YAML's name. */
	public String config() {
		return manifest.get("config").getAsString();
	}

	public int imageSize() {
		return manifest.get("image_size").getAsInt();
	}

	public List<Graph> graphs() {
		return graphs;
	}

	public List<Tensor> tensors() {
		return tensors;
	}

	/** Every key of the architecture's state dict with its shape: a checkpoint must have exactly these. */
	public Map<String, long[]> checkpointKeys() {
		return checkpointKeys;
	}

	/** The folder of the shared constants ({@code constants_dir} of template.json, relative to the template). */
	Path constantsFolder() {
		return folder.resolve(manifest.has("constants_dir") ? manifest.get("constants_dir").getAsString() : "constants").normalize();
	}

	/**
	 * The values of a shared constant, checked against its sha256: a file {@code <sha256>.f32}
	 * (raw little-endian float32) in the folder template.json's {@code constants_dir} names.
	 */
	float[] constant(String sha256, long elements) {
		Path file = constantsFolder().resolve(sha256 + ".f32");
		try {
			byte[] bytes = Files.readAllBytes(file);
			if (bytes.length != 4 * elements || !sha256.equals(java.util.HexFormat.of().formatHex(
				java.security.MessageDigest.getInstance("SHA-256").digest(bytes))))
				throw new ConversionException("Template constant " + file + " is damaged; reinstall the plugin");
			float[] values = new float[(int) elements];
			java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
			return values;
		}
		catch (IOException e) {
			throw new ConversionException("Template constant " + file + " cannot be read (" + e.getMessage() + "); reinstall the plugin");
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** A copy of a part of template.json (architecture, preprocessing, graphs, source). */
	JsonObject part(String name) {
		return manifest.getAsJsonObject(name).deepCopy();
	}
}
