package io.github.sam2fiji.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.CancelledException;
import io.github.sam2fiji.testing.TinyTemplate;
import net.razorvine.pickle.Pickler;

/**
 * Checkpoints that must be refused, each with one line naming the problem, and nothing left where
 * the package would have gone; the reading of views (offsets, strides) on known values.
 */
class BadCheckpointTest {

	@TempDir
	Path tmp;

	/** The one-line message of a refused conversion into an (existing, empty) models folder, which stays empty. */
	private String refusal(Path checkpoint) {
		Path target = tmp.resolve("models").resolve("converted");
		createFolder(target.getParent());
		ConversionException e = assertThrows(ConversionException.class, () -> ConvertCheckpointTest.convert(checkpoint, target));
		assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
		assertEquals(List.of(), listing(target.getParent()), "left behind");
		return e.getMessage();
	}

	private static void createFolder(Path folder) {
		try {
			Files.createDirectories(folder);
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	private static List<Path> listing(Path folder) {
		try (Stream<Path> s = Files.list(folder)) {
			return s.toList();
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
		"bad_missing_key.pt | 1 tensor missing (sam_mask_decoder.iou_prediction_head.layers.0.weight)",
		"bad_wrong_shape.pt | 1 of another shape (memory_encoder.out_proj.weight is [17, 32, 1, 1], not [16, 32, 1, 1])",
		"bad_sam20.pt | it looks like a SAM 2.0 checkpoint and the config is SAM 2.1",
		"bad_extra_block.pt | Hiera blocks" })
	void aCheckpointOfAnotherArchitectureIsRefusedByName(String file, String expected) {
		String message = refusal(ConvertCheckpointTest.CHECKPOINTS.resolve(file));
		assertTrue(message.startsWith(file + " does not fit sam2_tiny: "), message);
		assertTrue(message.contains(expected), message);
	}

	@Test
	void aTruncatedDownloadIsRefused() throws IOException {
		byte[] good = Files.readAllBytes(ConvertCheckpointTest.CHECKPOINTS.resolve("sam2_tiny_seed0.pt"));
		Path truncated = Files.write(tmp.resolve("truncated.pt"), java.util.Arrays.copyOf(good, good.length / 2));
		assertTrue(refusal(truncated).startsWith("truncated.pt is damaged or incomplete: not a readable zip archive"));
	}

	@Test
	void aFlippedByteFailsTheCrcCheck() throws IOException {
		Path good = ConvertCheckpointTest.CHECKPOINTS.resolve("sam2_tiny_seed0.pt");
		byte[] bytes = Files.readAllBytes(good);
		float[] values;
		try (TorchCheckpoint c = TorchCheckpoint.open(good, CancellationToken.NEVER)) {
			values = c.floats("memory_encoder.out_proj.weight");
		}
		ByteBuffer pattern = ByteBuffer.allocate(4 * 8).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < 8; i++) pattern.putFloat(values[i]);
		int at = indexOf(bytes, pattern.array());
		assertTrue(at > 0, "the tensor's bytes are in the file");
		bytes[at + 5] ^= 0x10;
		Path flipped = Files.write(tmp.resolve("flipped.pt"), bytes);
		String message = refusal(flipped);
		assertTrue(message.startsWith("flipped.pt is damaged: entry ") && message.contains("fails its CRC check"), message);
	}

	@Test
	void notAZipAndTheLegacyFormatAreRefused() throws IOException {
		assertEquals("notes.pt is not a PyTorch checkpoint (a .pt zip archive written by torch.save)",
			refusal(Files.writeString(tmp.resolve("notes.pt"), "hello")));
		assertTrue(refusal(Files.write(tmp.resolve("old.pt"), new byte[] { (byte) 0x80, 2, 'c', 'x' }))
			.startsWith("old.pt is a PyTorch checkpoint in the legacy format (before PyTorch 1.6)"));
	}

	@Test
	void aPickleThatIsNotAStateDictIsRefused() throws IOException {
		Path list = zipWithPickle(tmp.resolve("list.pt"), new Pickler().dumps(List.of(1, 2, 3)));
		assertTrue(refusal(list).startsWith("list.pt holds no state dict"), refusal(list));
		Path mixed = zipWithPickle(tmp.resolve("mixed.pt"), new Pickler().dumps(java.util.Map.of("epoch", 3)));
		assertTrue(refusal(mixed).startsWith("mixed.pt holds no state dict: it has entries that are not tensors: epoch"), refusal(mixed));
	}

	@Test
	void aCancelledConversionLeavesNothing() {
		Path target = tmp.resolve("models").resolve("converted");
		createFolder(target.getParent());
		AtomicInteger asked = new AtomicInteger();
		CancellationToken cancelAfterSomeTensors = () -> asked.incrementAndGet() > 300;
		try (TorchCheckpoint c = TorchCheckpoint.open(ConvertCheckpointTest.CHECKPOINTS.resolve("sam2_tiny_seed0.pt"), CancellationToken.NEVER)) {
			assertThrows(CancelledException.class, () -> CheckpointConverter.convert(c, ModelTemplate.open(ConvertCheckpointTest.TEMPLATE), target,
				CheckpointConverter.Options.named("x"), (d, t, m) -> {}, cancelAfterSomeTensors));
		}
		assertTrue(asked.get() > 300, "cancelled midway");
		assertEquals(List.of(), listing(target.getParent()), "left behind");
	}

	@Test
	void aWrongExpectedSha256IsRefused() {
		Path target = tmp.resolve("models").resolve("converted");
		try (TorchCheckpoint c = TorchCheckpoint.open(ConvertCheckpointTest.CHECKPOINTS.resolve("sam2_tiny_seed0.pt"), CancellationToken.NEVER)) {
			ConversionException e = assertThrows(ConversionException.class, () -> CheckpointConverter.convert(c,
				ModelTemplate.open(ConvertCheckpointTest.TEMPLATE), target, new CheckpointConverter.Options("x", true, "00" + c.sha256().substring(2)),
				(d, t, m) -> {}, CancellationToken.NEVER));
			assertTrue(e.getMessage().startsWith("sam2_tiny_seed0.pt has sha256 " + c.sha256() + ", not the expected 00"), e.getMessage());
		}
		assertFalse(Files.exists(target));
	}

	/** A template whose shared constant changed on disk is refused, naming the file. */
	@Test
	void aDamagedTemplateConstantIsRefused() throws IOException {
		Path template = TinyTemplate.copyInto(tmp.resolve("templates"), "tiny");
		Path damaged = listing(tmp.resolve("templates").resolve("constants")).get(0);
		byte[] bytes = Files.readAllBytes(damaged);
		bytes[7] ^= 1;
		Files.write(damaged, bytes);
		Path target = tmp.resolve("models").resolve("converted");
		createFolder(target.getParent());
		try (TorchCheckpoint c = TorchCheckpoint.open(ConvertCheckpointTest.CHECKPOINTS.resolve("sam2_tiny_seed0.pt"), CancellationToken.NEVER)) {
			ConversionException e = assertThrows(ConversionException.class, () -> CheckpointConverter.convert(c, ModelTemplate.open(template), target,
				CheckpointConverter.Options.named("x"), (d, t, m) -> {}, CancellationToken.NEVER));
			assertEquals("Template constant " + damaged + " is damaged; reinstall the plugin", e.getMessage());
		}
		assertEquals(List.of(), listing(target.getParent()));
	}

	/** Views as torch.save keeps them: offsets into a shared storage and a transposed (non-contiguous) tensor. */
	@Test
	void viewsAreReadByOffsetAndStride() {
		try (TorchCheckpoint c = TorchCheckpoint.open(ConvertCheckpointTest.CHECKPOINTS.resolve("views.pt"), CancellationToken.NEVER)) {
			assertArrayEquals(new float[] { 3, 4, 5, 6, 7, 8 }, c.floats("a"));
			assertArrayEquals(new long[] { 2, 3 }, c.tensors().get("a").shape());
			assertArrayEquals(new float[] { 0, 3, 1, 4, 2, 5 }, c.floats("b"));
			assertArrayEquals(new long[] { 3, 2 }, c.tensors().get("b").shape());
			assertArrayEquals(new float[] { 10, 11, 12, 13 }, c.floats("c"));
		}
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++)
				if (haystack[i + j] != needle[j]) continue outer;
			return i;
		}
		return -1;
	}

	private static Path zipWithPickle(Path file, byte[] pickle) throws IOException {
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			ZipEntry entry = new ZipEntry("archive/data.pkl");
			entry.setMethod(ZipEntry.STORED);
			entry.setSize(pickle.length);
			CRC32 crc = new CRC32();
			crc.update(pickle);
			entry.setCrc(crc.getValue());
			zip.putNextEntry(entry);
			zip.write(pickle);
			zip.closeEntry();
		}
		return file;
	}
}
