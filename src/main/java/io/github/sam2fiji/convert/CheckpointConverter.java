package io.github.sam2fiji.convert;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.io.AtomicOutputs;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;

/**
 * Converts a PyTorch checkpoint into a model package (docs/model-format.md) through the template
 * of its architecture, with no Python: the checkpoint's inventory must be exactly the template's
 * (every key, every shape), then each graph is written as its template plus the checkpoint's
 * tensors, one tensor in memory at a time, and the package is put in place only when complete
 * (a failed or cancelled conversion leaves nothing).
 */
public final class CheckpointConverter {

	/** What the package is called and which correction policy it records. */
	public record Options(String name, boolean correctionsAsConditioning, String expectedSha256) {
		public Options {
			if (name == null || name.isBlank()) throw new IllegalArgumentException("a package name is needed");
		}

		/** The product's default policy (corrections persist), no sha256 to check. */
		public static Options named(String name) {
			return new Options(name, true, null);
		}
	}

	/** What was converted. */
	public record Result(Path folder, int weights, long weightBytes, String checkpointSha256) {}

	private static final Pattern HIERA_BLOCK = Pattern.compile("^image_encoder\\.trunk\\.blocks\\.(\\d+)\\.");

	private CheckpointConverter() {}

	/** Converts; {@code target} must not exist or be an empty folder. */
	public static Result convert(TorchCheckpoint checkpoint, ModelTemplate template, Path target, Options options,
		ProgressListener progress, CancellationToken cancel) {
		String name = checkpoint.file().getFileName().toString();
		if (options.expectedSha256() != null && !options.expectedSha256().equalsIgnoreCase(checkpoint.sha256()))
			throw new ConversionException(name + " has sha256 " + checkpoint.sha256() + ", not the expected " + options.expectedSha256()
				+ "; download it again or check the expected value");
		checkInventory(checkpoint, template);
		long total = 0;
		int count = 0;
		for (ModelTemplate.Graph g : template.graphs())
			for (OnnxWeights.Weight w : g.weights()) {
				total += 4 * w.elements();
				count++;
			}
		long[] done = { 0 };
		long weightBytes = total;
		try {
			AtomicOutputs.writeFolder(target, false, folder -> {
				Map<String, JsonObject> files = new LinkedHashMap<>();
				for (ModelTemplate.Graph g : template.graphs()) {
					byte[] graphTemplate = Files.readAllBytes(template.folder().resolve(g.file()));
					List<OnnxWeights.Weight> initializers = new ArrayList<>(g.weights());
					initializers.addAll(g.constants());
					int weights = g.weights().size();
					try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(folder.resolve(g.file())), 1 << 20)) {
						OnnxWeights.write(graphTemplate, initializers, i -> {
							cancel.throwIfCancelled();
							if (i >= weights) return template.constant(g.constantHashes().get(i - weights), g.constants().get(i - weights).elements());
							float[] values = checkpoint.floats(g.keys().get(i));
							done[0] += 4L * values.length;
							progress.progress(done[0], weightBytes, "Converting " + name + ": " + g.name());
							return values;
						}, out);
					}
				}
				Files.createDirectories(folder.resolve("tensors"));
				for (ModelTemplate.Tensor t : template.tensors()) {
					float[] values = checkpoint.floats(t.key());
					ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
					bytes.asFloatBuffer().put(values);
					Files.write(folder.resolve(t.file()), bytes.array());
				}
				ModelPackage.writeManifest(folder, manifest(checkpoint, template, options, folder));
			});
		}
		catch (IOException e) {
			throw new ConversionException("Cannot write the package " + target + ": " + e.getMessage());
		}
		return new Result(target, count, weightBytes, checkpoint.sha256());
	}

	/** Refuses a checkpoint whose keys or shapes are not exactly the template's, naming the differences. */
	static void checkInventory(TorchCheckpoint checkpoint, ModelTemplate template) {
		String name = checkpoint.file().getFileName().toString();
		Map<String, CheckpointTensor> have = checkpoint.tensors();
		Map<String, long[]> want = template.checkpointKeys();
		List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), shapes = new ArrayList<>();
		for (Map.Entry<String, long[]> e : want.entrySet()) {
			CheckpointTensor t = have.get(e.getKey());
			if (t == null) missing.add(e.getKey());
			else if (!Arrays.equals(t.shape(), e.getValue()))
				shapes.add(e.getKey() + " is " + t.shapeText() + ", not " + Arrays.toString(e.getValue()));
		}
		for (String key : have.keySet())
			if (!want.containsKey(key)) unexpected.add(key);
		if (missing.isEmpty() && unexpected.isEmpty() && shapes.isEmpty()) {
			for (CheckpointTensor t : have.values())
				if (t.type() == null)
					throw new ConversionException(name + ": tensor " + t.key() + " is stored as " + t.typeName()
						+ "; only float32, bfloat16 and float16 tensors convert");
			return;
		}
		StringBuilder message = new StringBuilder(name).append(" does not fit ").append(template.config()).append(": ");
		String hint = architectureHint(have.keySet(), want.keySet());
		if (hint != null) message.append(hint).append("; ");
		List<String> parts = new ArrayList<>();
		if (!missing.isEmpty()) parts.add(missing.size() + (missing.size() == 1 ? " tensor" : " tensors") + " missing (" + few(missing) + ")");
		if (!unexpected.isEmpty()) parts.add(unexpected.size() + " unexpected (" + few(unexpected) + ")");
		if (!shapes.isEmpty()) parts.add(shapes.size() + " of another shape (" + few(shapes) + ")");
		message.append(String.join(", ", parts)).append(". Choose the config the checkpoint was trained with");
		throw new ConversionException(message.toString());
	}

	/** A guess at what the checkpoint is, from the differences users meet most: SAM 2.0 vs 2.1, Hiera size. */
	private static String architectureHint(java.util.Set<String> have, java.util.Set<String> want) {
		boolean have21 = have.contains("no_obj_embed_spatial"), want21 = want.contains("no_obj_embed_spatial");
		if (have21 != want21) return "it looks like a SAM " + (have21 ? "2.1" : "2.0") + " checkpoint and the config is SAM " + (want21 ? "2.1" : "2.0");
		int haveBlocks = hieraBlocks(have), wantBlocks = hieraBlocks(want);
		if (haveBlocks != wantBlocks)
			return "its image encoder has " + haveBlocks + " Hiera blocks" + hieraName(haveBlocks) + ", the config's " + wantBlocks + hieraName(wantBlocks);
		return null;
	}

	private static int hieraBlocks(java.util.Set<String> keys) {
		int max = -1;
		for (String k : keys) {
			Matcher m = HIERA_BLOCK.matcher(k);
			if (m.find()) max = Math.max(max, Integer.parseInt(m.group(1)));
		}
		return max + 1;
	}

	private static String hieraName(int blocks) {
		return switch (blocks) {
			case 12 -> " (hiera-t)";
			case 16 -> " (hiera-s)";
			case 24 -> " (hiera-b+)";
			case 48 -> " (hiera-l)";
			default -> "";
		};
	}

	private static String few(List<String> items) {
		List<String> sorted = new ArrayList<>(new TreeSet<>(items));
		return String.join(", ", sorted.subList(0, Math.min(3, sorted.size()))) + (sorted.size() > 3 ? ", ..." : "");
	}

	private static JsonObject manifest(TorchCheckpoint checkpoint, ModelTemplate template, Options options, Path folder) throws IOException {
		JsonObject m = ModelPackage.manifestHeader("sam2", options.name());
		JsonObject source = new JsonObject();
		source.addProperty("config", template.config());
		source.addProperty("checkpoint", checkpoint.file().getFileName().toString());
		source.addProperty("checkpoint_sha256", checkpoint.sha256());
		source.add("random_init_seed", null);
		source.addProperty("converter", "sam2-fiji (Java: io.github.sam2fiji.convert)");
		source.add("template", template.part("source"));
		m.add("source", source);
		JsonObject architecture = template.part("architecture");
		architecture.addProperty("add_all_frames_to_correct_as_cond", options.correctionsAsConditioning());
		m.add("architecture", architecture);
		m.add("preprocessing", template.part("preprocessing"));
		JsonObject graphs = template.part("graphs");
		for (Map.Entry<String, JsonElement> g : graphs.entrySet()) g.getValue().getAsJsonObject().remove("weights");
		m.add("graphs", graphs);
		JsonObject tensors = new JsonObject();
		for (ModelTemplate.Tensor t : template.tensors()) {
			JsonObject spec = new JsonObject();
			spec.addProperty("file", t.file());
			JsonArray shape = new JsonArray();
			for (long d : t.shape()) shape.add(d);
			spec.add("shape", shape);
			spec.addProperty("dtype", "float32");
			spec.addProperty("byte_order", "little");
			tensors.add(t.name(), spec);
		}
		m.add("tensors", tensors);
		JsonObject files = new JsonObject();
		List<Path> written;
		try (Stream<Path> walk = Files.walk(folder)) {
			written = walk.filter(Files::isRegularFile).sorted().toList();
		}
		for (Path p : written) files.add(folder.relativize(p).toString().replace('\\', '/'), ModelPackage.fileEntry(p));
		m.add("files", files);
		return m;
	}
}
