package io.github.sam2fiji.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.sam2fiji.core.predictor.parity.ReferenceCase;
import io.github.sam2fiji.npy.NpyArray;

/**
 * The official-predictor fixtures (test-data/sam2-reference, made by scripts/make_reference.py) are
 * complete and consistent, and two rules of docs/sam2-runtime.md hold on them against the official
 * outputs: the video-resolution mask is the bilinear resize (align_corners=False) of the stored
 * low-res logits thresholded at 0, and the model input is the 8-bit Pillow bicubic resize with the
 * ImageNet mean/std. (The runtime's parity tests use the same fixtures end to end.)
 */
class OfficialReferenceFixturesTest {

	static final Path ROOT = Path.of("test-data/sam2-reference");
	static final float NO_OBJ_SCORE = -1024f;

	private static JsonObject json(Path file) throws IOException {
		return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
	}

	private static List<String> cases() throws IOException {
		List<String> names = new ArrayList<>();
		for (JsonElement e : json(ROOT.resolve("manifest.json")).getAsJsonArray("cases")) names.add(e.getAsString());
		return names;
	}

	@Test
	void fixturesBelongToTheCommittedPackage() throws IOException, NoSuchAlgorithmException {
		JsonObject model = json(ROOT.resolve("manifest.json")).getAsJsonObject("model");
		Path modelJson = ROOT.resolve(model.get("package").getAsString()).resolve("model.json");
		String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(modelJson)));
		assertEquals(model.get("package_model_json_sha256").getAsString(), sha,
			"test-data/sam2-reference/model was re-exported without regenerating the fixtures (run scripts/make_reference.py)");
		assertEquals(model.get("package_name").getAsString(), json(modelJson).get("name").getAsString());
		try (var folders = Files.list(ROOT)) {
			assertEquals(folders.filter(d -> Files.exists(d.resolve("case.json"))).count(), cases().size(), "every case folder is in the manifest");
		}
		assertTrue(cases().size() >= 20, "cases: " + cases().size());
	}

	@Test
	void videoMasksAreTheBilinearResizeOfTheStoredLogits() throws IOException {
		int records = 0, absent = 0;
		for (String name : cases()) {
			Path dir = ROOT.resolve(name);
			JsonObject c = json(dir.resolve("case.json"));
			int h = c.get("video_height").getAsInt(), w = c.get("video_width").getAsInt();
			boolean nonOverlap = c.getAsJsonObject("settings").get("non_overlap_masks").getAsBoolean();
			NpyArray logits = NpyArray.read(dir.resolve("low_res_logits.npy"));
			NpyArray masks = NpyArray.read(dir.resolve(c.get("masks_packed").getAsString()));
			int low = (int) logits.shape()[1];
			float[] allLogits = logits.floats();
			byte[] packed = masks.bytes();
			int rowBytes = (int) masks.shape()[1];
			JsonArray outputs = c.getAsJsonArray("outputs");
			assertEquals(outputs.size(), logits.shape()[0], name + ": one logits row per output record");
			assertEquals(outputs.size(), masks.shape()[0], name + ": one mask row per output record");
			for (JsonElement e : outputs) {
				JsonObject o = e.getAsJsonObject();
				int row = o.get("row").getAsInt();
				byte[] mask = ReferenceCase.unpackBits(packed, rowBytes, row, w * h);
				float[] plane = new float[low * low];
				System.arraycopy(allLogits, row * low * low, plane, 0, plane.length);
				boolean present = o.get("present").getAsBoolean();
				if (!o.get("object_score_logit").isJsonNull())
					assertEquals(o.get("object_score_logit").getAsFloat() > 0, present, name + " row " + row);
				if (!present) {
					absent++;
					for (float v : plane) assertEquals(NO_OBJ_SCORE, v, name + " row " + row + ": an absent object's logits are -1024");
				}
				int area = 0;
				for (int i = 0; i < w * h; i++) area += mask[i];
				assertEquals(o.get("mask_area").getAsInt(), area, name + " row " + row);
				if (nonOverlap) continue; // there the mask also depends on the other objects
				float[] video = Resampling.bilinear(plane, low, low, w, h);
				int differing = 0;
				for (int i = 0; i < w * h; i++)
					if ((video[i] > 0) != (mask[i] == 1) && Math.abs(video[i]) > 1e-4f) differing++;
				assertEquals(0, differing, name + " row " + row + ": mask pixels not equal to bilinear(logits) > 0");
				records++;
			}
		}
		assertTrue(records > 200, "records checked: " + records);
		assertTrue(absent >= 4, "absent records: " + absent);
	}

	@Test
	void modelInputIsThePillowBicubicResizeWithImagenetNormalisation() throws IOException {
		FramePreprocessor imagenet = new FramePreprocessor(128,
			new float[] { 0.485f, 0.456f, 0.406f }, new float[] { 0.229f, 0.224f, 0.225f }, null);
		int checked = 0;
		for (String name : cases()) {
			Path dir = ROOT.resolve(name);
			if (!Files.exists(dir.resolve("model_input.npy"))) continue;
			NpyArray frames = NpyArray.read(dir.resolve("frames.npy"));
			long[] shape = frames.shape();
			int h = (int) shape[1], w = (int) shape[2], channels = shape.length == 4 ? (int) shape[3] : 1;
			byte[] bytes = frames.bytes();
			float[] planar = new float[channels * w * h];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					for (int ch = 0; ch < channels; ch++)
						planar[(ch * h + y) * w + x] = bytes[(y * w + x) * channels + ch] & 0xff;
			float[] want = NpyArray.read(dir.resolve("model_input.npy")).floats();
			float[] actual = imagenet.apply(new Frame(w, h, channels, planar), 8);
			assertEquals(want.length, actual.length);
			for (int i = 0; i < want.length; i++) assertEquals(want[i], actual[i], 1e-5, name + " value " + i);
			checked++;
		}
		assertEquals(3, checked);
	}
}
