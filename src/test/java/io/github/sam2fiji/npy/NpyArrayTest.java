package io.github.sam2fiji.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

class NpyArrayTest {

	@TempDir
	Path dir;

	@Test
	void readsNumpyWrittenFiles() throws IOException {
		// written by numpy.save in the exporter (scripts/export_sam2.py)
		NpyArray labels = NpyArray.read(Path.of("test-data/sam2-tiny/selfcheck/sam_heads_B2_P3.input.point_labels.npy"));
		assertEquals(NpyArray.Type.INT32, labels.type());
		assertArrayEquals(new long[] { 2, 3 }, labels.shape());
		assertArrayEquals(new int[] { 1, 0, -1, 2, 3, 1 }, labels.ints());
		NpyArray tpos = NpyArray.read(Path.of("test-data/sam2-tiny/selfcheck/memory_attention_B1_N1_K0.input.object_pointer_tpos.npy"));
		assertArrayEquals(new long[] { 0 }, tpos.shape());
	}

	@Test
	void roundTripsEveryTypeAndRank() throws IOException {
		NpyArray[] arrays = { NpyArray.ofFloats(new float[] { 1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, 7f }, 2, 3),
				NpyArray.ofInts(new int[] { -1, 2, Integer.MAX_VALUE }, 3), NpyArray.ofLongs(new long[] { Long.MIN_VALUE }, 1, 1, 1),
				NpyArray.ofFloats(new float[] { 4f }), NpyArray.ofFloats(new float[0], 0, 5) };
		for (NpyArray a : arrays) {
			Path f = dir.resolve("a.npy");
			a.write(f);
			NpyArray b = NpyArray.read(f);
			assertEquals(a.type(), b.type());
			assertArrayEquals(a.shape(), b.shape());
			assertArrayEquals(a.asDoubles(), b.asDoubles());
		}
	}

	@Test
	void convertsToAndFromOrtTensors() throws OrtException {
		NpyArray a = NpyArray.ofFloats(new float[] { 1, 2, 3, 4, 5, 6 }, 1, 2, 3);
		try (OnnxTensor t = a.toTensor(OrtEnvironment.getEnvironment())) {
			assertArrayEquals(new long[] { 1, 2, 3 }, t.getInfo().getShape());
			assertArrayEquals(a.floats(), NpyArray.fromTensor(t).floats());
		}
	}

	@Test
	void rejectsWhatItCannotRead() throws IOException {
		Path f = dir.resolve("b.npy");
		Files.writeString(f, "not numpy");
		assertThrows(IOException.class, () -> NpyArray.read(f));
		assertThrows(IllegalArgumentException.class, () -> NpyArray.ofFloats(new float[3], 2, 2));
	}
}
