package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.model.ModelFormatException;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/** Bad prompts and bad model packages give exceptions whose messages name the problem. */
class Sam2BadInputTest {

	@TempDir
	Path temp;

	private static void assertMessage(Throwable e, String... parts) {
		for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
	}

	@Test
	void badPrompts() {
		MovingDiscs frames = new MovingDiscs(96, 80, 5);
		try (Tracker tracker = Trackers.open(TinyModel.FOLDER, new RuntimeOptions(false, 1)); TrackingSession s = tracker.newSession(frames)) {
			assertMessage(assertThrows(IllegalArgumentException.class, () -> ObjectPrompt.points(1, 0, List.of())), "empty prompt");
			assertMessage(assertThrows(IllegalArgumentException.class,
				() -> s.addPrompt(ObjectPrompt.points(1, 0, List.of(new PointPrompt(120, 10, true))))), "(120.0, 10.0)", "outside", "96 x 80");
			assertMessage(assertThrows(IllegalArgumentException.class,
				() -> s.addPrompt(ObjectPrompt.box(1, 0, new BoxPrompt(100, 90, 130, 120)))), "box", "outside");
			assertMessage(assertThrows(IllegalArgumentException.class,
				() -> s.addPrompt(ObjectPrompt.points(1, 7, List.of(new PointPrompt(10, 10, true))))), "frame 7", "0 to 4");
			assertMessage(assertThrows(IllegalArgumentException.class,
				() -> s.addPrompt(ObjectPrompt.mask(1, 0, BinaryMask.of(3, 3, new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0 })))), "3 x 3", "96 x 80");
			assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> s.segmentFrame(5, CancellationToken.NEVER)), "Frame 5");
			assertMessage(assertThrows(IllegalStateException.class,
				() -> s.propagate(Direction.FORWARD, r -> {}, ProgressListener.NONE, CancellationToken.NEVER)), "no object");
			assertMessage(assertThrows(IllegalArgumentException.class, () -> s.removeObject(4)), "no object 4");
			assertTrue(s.objectIds().isEmpty(), "rejected prompts leave no object behind");
		}
	}

	private Path copyOfTinyModel() throws IOException {
		Path copy = temp.resolve("model");
		try (Stream<Path> files = Files.walk(TinyModel.FOLDER)) {
			for (Path f : (Iterable<Path>) files::iterator) {
				Path target = copy.resolve(TinyModel.FOLDER.relativize(f).toString());
				if (Files.isDirectory(f)) Files.createDirectories(target);
				else Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		return copy;
	}

	/** Rewrites model.json after {@code edit}, with fresh sizes and checksums for every listed file. */
	private static void rewriteManifest(Path model, java.util.function.Consumer<JsonObject> edit) throws IOException {
		Path manifestFile = model.resolve("model.json");
		JsonObject manifest = JsonParser.parseString(Files.readString(manifestFile)).getAsJsonObject();
		edit.accept(manifest);
		for (String file : manifest.getAsJsonObject("files").keySet()) {
			JsonObject entry = manifest.getAsJsonObject("files").getAsJsonObject(file);
			entry.addProperty("size", Files.size(model.resolve(file)));
			entry.addProperty("sha256", ModelPackage.sha256(model.resolve(file)));
		}
		Files.writeString(manifestFile, manifest.toString());
	}

	private static ModelFormatException openFails(Path model) {
		return assertThrows(ModelFormatException.class, () -> Trackers.open(model, new RuntimeOptions(false, 1)).close());
	}

	@Test
	void corruptGraphWithMatchingChecksum() throws IOException {
		Path model = copyOfTinyModel();
		byte[] bytes = Files.readAllBytes(model.resolve("memory_attention.onnx"));
		// the protobuf framing at the start: with a fresh checksum it passes the package check but cannot be parsed
		for (int i = 0; i < 64; i++) bytes[i] ^= 0x5a;
		Files.write(model.resolve("memory_attention.onnx"), bytes);
		assertMessage(openFails(model), "memory_attention.onnx", "corrupt");
		rewriteManifest(model, m -> {});
		assertMessage(openFails(model), "memory_attention.onnx");
	}

	@Test
	void graphsSwapped() throws IOException {
		Path model = copyOfTinyModel();
		Files.copy(model.resolve("memory_encoder.onnx"), model.resolve("sam_heads.onnx"), StandardCopyOption.REPLACE_EXISTING);
		rewriteManifest(model, m -> {});
		assertMessage(openFails(model), "sam_heads.onnx", "is not a SAM 2 'sam_heads' graph");
	}

	@Test
	void truncatedTensorAndMissingSettings() throws IOException {
		Path model = copyOfTinyModel();
		Path tensor = model.resolve("tensors/no_obj_ptr.f32");
		Files.write(tensor, java.util.Arrays.copyOf(Files.readAllBytes(tensor), 12));
		assertMessage(openFails(model), "no_obj_ptr.f32", "truncated");
		rewriteManifest(model, m -> {});
		assertMessage(openFails(model), "no_obj_ptr.f32", "12 bytes");
		Path other = temp.resolve("other");
		Files.createDirectories(other);
		Path second = copyOfTinyModel();
		rewriteManifest(second, m -> m.getAsJsonObject("architecture").remove("num_maskmem"));
		assertMessage(openFails(second), "num_maskmem");
		rewriteManifest(second, m -> m.addProperty("kind", "sam7"));
		assertMessage(openFails(second), "'sam7'");
	}

	/** A graph changed after the package was checked is refused when it is loaded: what runs is what was checked. */
	@Test
	void aGraphChangedAfterTheCheckIsNotLoaded() throws IOException {
		Path model = copyOfTinyModel();
		ModelPackage checked = ModelPackage.open(model);
		Path graph = model.resolve("memory_encoder.onnx");
		byte[] bytes = Files.readAllBytes(graph);
		bytes[bytes.length / 2] ^= 1; // same size, other content
		Files.write(graph, bytes);
		assertMessage(assertThrows(ModelFormatException.class, () -> new Sam2Tracker(checked, new RuntimeOptions(false, 1))), "memory_encoder.onnx is corrupt: sha256");
	}
}
