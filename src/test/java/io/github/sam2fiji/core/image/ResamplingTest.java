package io.github.sam2fiji.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Compares {@link Resampling} with Pillow 9.4 and torch 1.13 on the planes in
 * test-data/resampling/expected.json (made by make_expected.py next to it).
 */
class ResamplingTest {

	private static JsonObject expected;

	@BeforeAll
	static void load() throws IOException {
		expected = JsonParser.parseString(Files.readString(Path.of("test-data/resampling/expected.json"))).getAsJsonObject();
	}

	private interface Resize {
		float[] apply(float[] plane, int w, int h, int ow, int oh);
	}

	private static float[] floats(JsonObject c, String key) {
		JsonArray a = c.getAsJsonArray(key);
		float[] f = new float[a.size()];
		for (int i = 0; i < f.length; i++) f[i] = a.get(i).getAsFloat();
		return f;
	}

	/** Runs {@code resize} on every case's {@code input}, returns the largest |difference| to {@code output}. */
	private static double maxDifference(String input, String output, Resize resize) {
		double worst = 0;
		int cases = 0;
		for (var element : expected.getAsJsonArray("cases")) {
			JsonObject c = element.getAsJsonObject();
			int w = c.get("width").getAsInt(), h = c.get("height").getAsInt();
			int ow = c.get("out_width").getAsInt(), oh = c.get("out_height").getAsInt();
			float[] in = floats(c, input);
			float[] before = in.clone();
			float[] actual = resize.apply(in, w, h, ow, oh);
			float[] want = floats(c, output);
			assertEquals(want.length, actual.length, output + " size for " + w + "x" + h + " -> " + ow + "x" + oh);
			for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - actual[i]));
			assertTrue(java.util.Arrays.equals(before, in), "input modified");
			cases++;
		}
		assertTrue(cases >= 5);
		return worst;
	}

	@Test
	void pilBicubic8BitIsBitExact() {
		assertEquals(0.0, maxDifference("input_8bit", "pil_bicubic_8bit", Resampling::pilBicubic8Bit));
	}

	@Test
	void pilBicubicFloatMatches() {
		assertTrue(maxDifference("input_float", "pil_bicubic_float", Resampling::pilBicubic) < 1e-5);
	}

	@Test
	void torchAntialiasedBilinearMatches() {
		assertTrue(maxDifference("input_float", "torch_bilinear_antialias", Resampling::bilinearAntialiased) < 1e-5);
	}

	@Test
	void torchBilinearMatches() {
		assertTrue(maxDifference("input_float", "torch_bilinear", Resampling::bilinear) < 1e-5);
	}

	@Test
	void rgbFrameShrunkAsTheVideoLoaderDoes() {
		JsonObject rgb = expected.getAsJsonObject("rgb");
		int w = rgb.get("width").getAsInt(), h = rgb.get("height").getAsInt(), s = rgb.get("out").getAsInt();
		float[] hwc = floats(rgb, "input_hwc"), want = floats(rgb, "resized_hwc");
		for (int c = 0; c < 3; c++) {
			float[] plane = new float[w * h];
			for (int i = 0; i < plane.length; i++) plane[i] = hwc[i * 3 + c];
			float[] out = Resampling.pilBicubic8Bit(plane, w, h, s, s);
			for (int i = 0; i < out.length; i++) assertEquals(want[i * 3 + c], out[i], 0.0, "channel " + c + " pixel " + i);
		}
	}

	@Test
	void badSizesAreNamed() {
		var e = assertThrows(IllegalArgumentException.class, () -> Resampling.bilinear(new float[6], 2, 2, 4, 4));
		assertTrue(e.getMessage().contains("6 values"), e.getMessage());
	}
}
