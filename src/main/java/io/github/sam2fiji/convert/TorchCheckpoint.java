package io.github.sam2fiji.convert;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.github.sam2fiji.core.progress.CancellationToken;

import net.razorvine.pickle.PickleException;

/**
 * A PyTorch checkpoint as {@code torch.save} writes it (PyTorch 1.6 and later, the official SAM 2
 * checkpoints included): a zip archive {@code <name>/data.pkl} (the pickled object) plus one entry
 * {@code <name>/data/<key>} per storage. Reads the official layout {@code {"model": state_dict}}
 * and a bare state dict; float32, bfloat16 and float16 storages (converted to float32 exactly).
 * Every zip entry's CRC is checked when the file is opened, and again for each storage when it is
 * read. No Python code in the file is run (see {@link CheckpointUnpickler}).
 */
public final class TorchCheckpoint implements Closeable {

	private static final long MAX_PICKLE_BYTES = 256L << 20;

	private final Path file;
	private final ZipFile zip;
	private final String prefix;
	private final String sha256;
	private final Map<String, CheckpointTensor> tensors;

	private TorchCheckpoint(Path file, ZipFile zip, String prefix, String sha256, Map<String, CheckpointTensor> tensors) {
		this.file = file;
		this.zip = zip;
		this.prefix = prefix;
		this.sha256 = sha256;
		this.tensors = tensors;
	}

	/** Opens and checks a checkpoint: zip structure, every entry's CRC, the pickle, the tensor inventory. */
	public static TorchCheckpoint open(Path file, CancellationToken cancel) {
		String name = file.getFileName().toString();
		if (!Files.isRegularFile(file)) throw new ConversionException(file + ": no such checkpoint file");
		String sha256 = sha256(file, cancel);
		checkSignature(file);
		ZipFile zip;
		try {
			zip = new ZipFile(file.toFile());
		}
		catch (ZipException e) {
			throw new ConversionException(name + " is damaged or incomplete: not a readable zip archive (" + e.getMessage()
				+ "); download it again");
		}
		catch (IOException e) {
			throw new ConversionException(name + ": cannot read (" + e.getMessage() + ")");
		}
		try {
			String prefix = pickleEntry(zip, name);
			checkAllCrcs(zip, name, cancel);
			checkByteOrder(zip, prefix, name);
			Object root = unpickle(zip, prefix + "data.pkl", name);
			Map<String, CheckpointTensor> tensors = stateDict(root, name);
			for (CheckpointTensor t : tensors.values()) checkStorageEntry(zip, prefix, t, name);
			return new TorchCheckpoint(file, zip, prefix, sha256, Collections.unmodifiableMap(tensors));
		}
		catch (RuntimeException e) {
			closeQuietly(zip);
			throw e;
		}
	}

	/** The state dict's tensors by key, in the file's order. */
	public Map<String, CheckpointTensor> tensors() {
		return tensors;
	}

	/** Hex sha256 of the whole file (as read when it was opened). */
	public String sha256() {
		return sha256;
	}

	public Path file() {
		return file;
	}

	/** The values of one tensor as float32 (bfloat16 and float16 widen exactly), row-major. */
	public float[] floats(String key) {
		CheckpointTensor t = tensors.get(key);
		if (t == null) throw new ConversionException(file.getFileName() + " has no tensor " + key);
		if (t.type() == null)
			throw new ConversionException(file.getFileName() + ": tensor " + key + " is stored as " + t.typeName()
				+ " of an unsupported type; only float32, bfloat16 and float16 tensors convert");
		byte[] storage = readStorage(t);
		long n = t.elements();
		if (n > Integer.MAX_VALUE) throw new ConversionException(file.getFileName() + ": tensor " + key + " is too large");
		float[] out = new float[(int) n];
		boolean contiguous = t.contiguous();
		long[] index = new long[t.shape().length];
		for (int i = 0; i < out.length; i++) {
			long element = t.offset();
			if (contiguous) element += i;
			else for (int d = 0; d < index.length; d++) element += index[d] * t.stride()[d];
			out[i] = element(storage, t.type(), (int) element);
			if (!contiguous) increment(index, t.shape());
		}
		return out;
	}

	@Override
	public void close() {
		closeQuietly(zip);
	}

	// ---- reading

	private byte[] readStorage(CheckpointTensor t) {
		ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage());
		try (InputStream in = zip.getInputStream(entry)) {
			byte[] bytes = in.readAllBytes();
			CRC32 crc = new CRC32();
			crc.update(bytes);
			if (bytes.length != entry.getSize() || crc.getValue() != entry.getCrc())
				throw new ConversionException(file.getFileName() + " changed or is damaged: storage " + t.storage()
					+ " of " + t.key() + " fails its CRC check; download it again");
			return bytes;
		}
		catch (IOException e) {
			throw new ConversionException(file.getFileName() + ": cannot read storage of " + t.key() + " (" + e.getMessage() + ")");
		}
	}

	private static float element(byte[] b, CheckpointTensor.StorageType type, int i) {
		switch (type) {
			case FLOAT32: {
				int p = 4 * i;
				return Float.intBitsToFloat((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24);
			}
			case BFLOAT16: {
				int p = 2 * i;
				return Float.intBitsToFloat(((b[p] & 0xff) | (b[p + 1] & 0xff) << 8) << 16);
			}
			default: {
				int p = 2 * i;
				return halfToFloat((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
			}
		}
	}

	/** IEEE 754 binary16 to binary32, exact (Java 17 has no Float.float16ToFloat). */
	static float halfToFloat(int h) {
		int sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1f, mantissa = h & 0x3ff;
		if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13); // inf, NaN
		if (exponent == 0) {
			float value = mantissa * 0x1p-24f; // subnormal (or zero): exact in float32
			return sign == 0 ? value : -value;
		}
		return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
	}

	private static void increment(long[] index, long[] shape) {
		for (int d = index.length - 1; d >= 0; d--) {
			if (++index[d] < shape[d]) return;
			index[d] = 0;
		}
	}

	// ---- opening

	private static String sha256(Path file, CancellationToken cancel) {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			byte[] buffer = new byte[1 << 20];
			while (in.read(buffer) >= 0) cancel.throwIfCancelled();
			return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
		}
		catch (IOException e) {
			throw new ConversionException(file.getFileName() + ": cannot read (" + e.getMessage() + ")");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static void checkSignature(Path file) {
		byte[] head = new byte[4];
		int n;
		try (InputStream in = Files.newInputStream(file)) {
			n = in.readNBytes(head, 0, 4);
		}
		catch (IOException e) {
			throw new ConversionException(file.getFileName() + ": cannot read (" + e.getMessage() + ")");
		}
		String name = file.getFileName().toString();
		if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return;
		if (n >= 1 && (head[0] & 0xff) == 0x80)
			throw new ConversionException(name + " is a PyTorch checkpoint in the legacy format (before PyTorch 1.6); "
				+ "load it and torch.save it again in a newer PyTorch");
		throw new ConversionException(name + " is not a PyTorch checkpoint (a .pt zip archive written by torch.save)");
	}

	private static String pickleEntry(ZipFile zip, String name) {
		List<String> found = new ArrayList<>();
		for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
			String entry = e.nextElement().getName();
			int slash = entry.indexOf('/');
			if (slash > 0 && entry.substring(slash + 1).equals("data.pkl")) found.add(entry.substring(0, slash + 1));
		}
		if (found.size() != 1)
			throw new ConversionException(name + " is a zip archive but not a PyTorch checkpoint ("
				+ (found.isEmpty() ? "no data.pkl" : "several data.pkl") + ")");
		return found.get(0);
	}

	private static void checkAllCrcs(ZipFile zip, String name, CancellationToken cancel) {
		byte[] buffer = new byte[1 << 20];
		for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
			ZipEntry entry = e.nextElement();
			if (entry.isDirectory()) continue;
			cancel.throwIfCancelled();
			CRC32 crc = new CRC32();
			long size = 0;
			try (InputStream in = zip.getInputStream(entry)) {
				for (int n; (n = in.read(buffer)) >= 0;) {
					crc.update(buffer, 0, n);
					size += n;
				}
			}
			catch (IOException ex) {
				throw new ConversionException(name + " is damaged or incomplete: entry " + entry.getName() + " cannot be read ("
					+ ex.getMessage() + "); download it again");
			}
			if (crc.getValue() != entry.getCrc() || size != entry.getSize())
				throw new ConversionException(name + " is damaged: entry " + entry.getName() + " fails its CRC check; download it again");
		}
	}

	private static void checkByteOrder(ZipFile zip, String prefix, String name) {
		ZipEntry order = zip.getEntry(prefix + "byteorder");
		if (order == null) return; // older torch.save: always little-endian
		try (InputStream in = zip.getInputStream(order)) {
			String value = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
			if (!"little".equals(value))
				throw new ConversionException(name + " stores its tensors " + value + "-endian; only little-endian checkpoints convert");
		}
		catch (IOException e) {
			throw new ConversionException(name + ": cannot read its byte order (" + e.getMessage() + ")");
		}
	}

	private static Object unpickle(ZipFile zip, String entryName, String name) {
		ZipEntry entry = zip.getEntry(entryName);
		if (entry.getSize() > MAX_PICKLE_BYTES)
			throw new ConversionException(name + ": its pickle is " + entry.getSize() + " bytes, more than a state dict needs");
		try (InputStream in = zip.getInputStream(entry)) {
			return new CheckpointUnpickler().loads(in.readAllBytes());
		}
		catch (PickleException | IOException | ClassCastException | IndexOutOfBoundsException e) {
			throw new ConversionException(name + ": its pickle cannot be read (" + e.getMessage() + ")");
		}
	}

	private static Map<String, CheckpointTensor> stateDict(Object root, String name) {
		Map<?, ?> dict = root instanceof Map<?, ?> m ? m : null;
		if (dict != null && dict.get("model") instanceof Map<?, ?> model) dict = model;
		if (dict == null || dict.isEmpty())
			throw new ConversionException(name + " holds no state dict: expected {\"model\": {name: tensor}} (the official layout) "
				+ "or {name: tensor}");
		Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();
		List<String> notTensors = new ArrayList<>();
		for (Map.Entry<?, ?> e : dict.entrySet()) {
			String key = String.valueOf(e.getKey());
			if (e.getValue() instanceof CheckpointUnpickler.TensorView v)
				tensors.put(key, new CheckpointTensor(key, v.storage().type(), v.storage().typeName(), v.storage().key(), v.storage().elements(), v.offset(),
					v.shape(), v.stride()));
			else notTensors.add(key);
		}
		if (!notTensors.isEmpty())
			throw new ConversionException(name + " holds no state dict: " + (tensors.isEmpty() ? "" : "besides tensors, ")
				+ "it has entries that are not tensors: " + String.join(", ", notTensors.subList(0, Math.min(5, notTensors.size())))
				+ (notTensors.size() > 5 ? ", ..." : ""));
		return tensors;
	}

	private static void checkStorageEntry(ZipFile zip, String prefix, CheckpointTensor t, String name) {
		ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage());
		if (entry == null) throw new ConversionException(name + " is damaged: the storage of " + t.key() + " is missing");
		if (t.type() == null) return; // refused when read, with the type's name
		long need = t.offset();
		for (int d = 0; d < t.shape().length; d++) {
			if (t.shape()[d] < 0 || t.stride()[d] < 0) throw new ConversionException(name + ": tensor " + t.key() + " has a negative size or stride");
			if (t.shape()[d] == 0) return;
			need += (t.shape()[d] - 1) * t.stride()[d];
		}
		if (entry.getSize() != t.storageElements() * t.type().bytes || need >= t.storageElements())
			throw new ConversionException(name + " is damaged: tensor " + t.key() + " reaches past its storage");
	}

	private static void closeQuietly(ZipFile zip) {
		try {
			zip.close();
		}
		catch (IOException ignored) {
			// nothing was written through it
		}
	}
}
