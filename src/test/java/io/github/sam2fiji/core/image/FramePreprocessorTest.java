package io.github.sam2fiji.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Compares encoder inputs with SAM 2's video loader on test-data/preprocessing/expected.json (see make_expected.py). */
class FramePreprocessorTest {

	private static JsonObject expected;
	private static final FramePreprocessor IMAGENET = new FramePreprocessor(16,
		new float[] { 0.485f, 0.456f, 0.406f }, new float[] { 0.229f, 0.224f, 0.225f }, null);

	@BeforeAll
	static void load() throws IOException {
		expected = JsonParser.parseString(Files.readString(Path.of("test-data/preprocessing/expected.json"))).getAsJsonObject();
	}

	private static float[] floats(JsonObject c, String key) {
		JsonArray a = c.getAsJsonArray(key);
		float[] f = new float[a.size()];
		for (int i = 0; i < f.length; i++) f[i] = a.get(i).getAsFloat();
		return f;
	}

	private static void assertClose(float[] want, float[] actual, double tolerance) {
		assertEquals(want.length, actual.length);
		for (int i = 0; i < want.length; i++) assertEquals(want[i], actual[i], tolerance, "value " + i);
	}

	@Test
	void greyFrameAsTheVideoLoader() {
		JsonObject g = expected.getAsJsonObject("grey");
		Frame frame = new Frame(g.get("width").getAsInt(), g.get("height").getAsInt(), 1, floats(g, "pixels"));
		float[] before = frame.data().clone();
		assertClose(floats(g, "model_input"), IMAGENET.apply(frame), 1e-6);
		assertArrayEquals(before, frame.data(), "the frame must not be modified");
	}

	@Test
	void rgbFrameAsTheVideoLoader() {
		JsonObject c = expected.getAsJsonObject("rgb");
		int w = c.get("width").getAsInt(), h = c.get("height").getAsInt();
		float[] hwc = floats(c, "pixels_hwc"), planar = new float[hwc.length];
		for (int i = 0; i < w * h; i++)
			for (int ch = 0; ch < 3; ch++) planar[ch * w * h + i] = hwc[i * 3 + ch];
		assertClose(floats(c, "model_input"), IMAGENET.apply(new Frame(w, h, 3, planar)), 1e-6);
	}

	@Test
	void deepFramesArePercentileNormalised() {
		JsonObject d = expected.getAsJsonObject("deep");
		float[] pixels = floats(d, "pixels");
		float[] sorted = pixels.clone();
		java.util.Arrays.sort(sorted);
		double p1 = d.get("p1").getAsDouble(), p998 = d.get("p99_8").getAsDouble();
		assertEquals(p1, PercentileNormalization.percentile(sorted, 1), 1e-9);
		assertEquals(p998, PercentileNormalization.percentile(sorted, 99.8), 1e-9);
		float[] unit = PercentileNormalization.DEFAULT.apply(pixels);
		for (int i = 0; i < pixels.length; i++)
			assertEquals(Math.min(1, Math.max(0, (pixels[i] - p1) / (p998 - p1))), unit[i], 1e-6);
		// the encoder input of a 12-bit frame is that of its normalised values, resized in float
		Frame frame = new Frame(d.get("width").getAsInt(), d.get("height").getAsInt(), 1, pixels);
		float[] input = IMAGENET.apply(frame);
		float[] resized = Resampling.pilBicubic(unit, frame.width(), frame.height(), 16, 16);
		assertEquals((resized[37] - 0.456f) / 0.224f, input[256 + 37], 1e-6);
	}

	@Test
	void declaredDepthKeepsEveryFrameOnOnePath() {
		// a dim frame of a 16-bit sequence has only values below 256: it must still be stretched
		float[] dim = new float[30 * 20];
		for (int i = 0; i < dim.length; i++) dim[i] = 100 + (i % 50);
		Frame frame = new Frame(30, 20, 1, dim);
		float[] asDeep = IMAGENET.apply(frame, 16), asEightBit = IMAGENET.apply(frame, 8), judged = IMAGENET.apply(frame);
		assertArrayEquals(asEightBit, judged, "unknown depth: integer values 0..255 are 8-bit data");
		float[] stretched = Resampling.pilBicubic(PercentileNormalization.DEFAULT.apply(dim), 30, 20, 16, 16);
		for (int i = 0; i < 256; i++) assertEquals((stretched[i] - 0.485f) / 0.229f, asDeep[i], 1e-6, "16-bit: percentile path, pixel " + i);
		assertTrue(asEightBit[0] < 0, "8-bit: 100/255 stays dim");
	}

	@Test
	void eightBitDetection() {
		assertTrue(FramePreprocessor.isEightBit(new float[] { 0, 255, 17 }));
		assertTrue(!FramePreprocessor.isEightBit(new float[] { 0, 256 }));
		assertTrue(!FramePreprocessor.isEightBit(new float[] { 0.5f }));
	}
}
