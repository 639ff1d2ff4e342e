package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** {@link MaskLogits} against the official operations' outputs in test-data/mask-logits (see make_expected.py there). */
class MaskLogitsTest {

	private static JsonObject expected;
	private static int w, h;

	@BeforeAll
	static void load() throws IOException {
		expected = JsonParser.parseString(Files.readString(Path.of("test-data/mask-logits/expected.json"))).getAsJsonObject();
		w = expected.get("width").getAsInt();
		h = expected.get("height").getAsInt();
	}

	private static float[] floats(JsonObject o, String key) {
		JsonArray a = o.getAsJsonArray(key);
		float[] f = new float[a.size()];
		for (int i = 0; i < f.length; i++) f[i] = a.get(i).getAsFloat();
		return f;
	}

	@Test
	void fillsSmallBackgroundComponentsOnly() {
		int cases = 0;
		for (JsonElement e : expected.getAsJsonArray("holes")) {
			JsonObject c = e.getAsJsonObject();
			float[] logits = floats(c, "logits"), before = logits.clone();
			assertTrue(c.get("filled_components").getAsInt() > 0 && c.get("filled_components").getAsInt() < c.get("components").getAsInt());
			assertArrayEquals(floats(c, "filled"), MaskLogits.fillHoles(logits, w, h, c.get("max_area").getAsInt()));
			assertArrayEquals(before, logits, "input unchanged");
			cases++;
		}
		assertEquals(2, cases);
	}

	@Test
	void nonOverlapKeepsOnlyTheHighestObject() {
		JsonObject c = expected.getAsJsonObject("non_overlap");
		float[] all = floats(c, "planes"), want = floats(c, "result");
		int n = w * h;
		List<float[]> planes = new ArrayList<>();
		for (int o = 0; o < 3; o++) planes.add(java.util.Arrays.copyOfRange(all, o * n, (o + 1) * n));
		List<float[]> kept = MaskLogits.nonOverlapping(planes);
		for (int o = 0; o < 3; o++) assertArrayEquals(java.util.Arrays.copyOfRange(want, o * n, (o + 1) * n), kept.get(o), "object " + o);
	}

	@Test
	void bfloat16RoundingAsTorch() {
		JsonObject c = expected.getAsJsonObject("bf16");
		float[] values = floats(c, "values");
		MaskLogits.roundToBfloat16(values);
		assertArrayEquals(floats(c, "rounded"), values);
		FloatBuffer back = FloatBuffer.allocate(values.length + 1);
		back.put(-1f); // written at the buffer's position, as into a graph input after other memories
		FrameOutput.putBf16(FrameOutput.toBf16(floats(c, "values")), back);
		assertEquals(back.capacity(), back.position());
		assertArrayEquals(floats(c, "rounded"), Arrays.copyOfRange(back.array(), 1, back.capacity()), "bf16 storage is exact");
	}

	@Test
	void stabilityAsTheMaskDecoder() {
		for (JsonElement e : expected.getAsJsonArray("stability")) {
			JsonObject c = e.getAsJsonObject();
			assertEquals(c.get("stability").getAsFloat(), MaskLogits.stability(floats(c, "logits"), 0.05f), 1e-7);
		}
		assertEquals(1f, MaskLogits.stability(new float[] { -1, -2 }, 0.05f));
	}
}
