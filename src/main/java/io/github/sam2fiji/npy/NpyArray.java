package io.github.sam2fiji.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.github.sam2fiji.core.runtime.OrtTensors;

/**
 * A dense little-endian array in NumPy's .npy format (versions 1-3, C order), float32, int32 or
 * int64: the exchange format between the Python exporter / reference scripts and Java (inputs
 * and expected outputs of graphs, reference fixtures). Converts to and from ONNX Runtime tensors.
 */
public final class NpyArray {

	/** Element types, with their .npy descriptor. */
	public enum Type {
		FLOAT32("<f4", 4, OnnxJavaType.FLOAT), INT32("<i4", 4, OnnxJavaType.INT32), INT64("<i8", 8, OnnxJavaType.INT64),
		/** Unsigned bytes (images, binary masks); read only, no ONNX tensor conversion. */
		UINT8("|u1", 1, OnnxJavaType.UINT8);

		final String descr;
		final int bytes;
		final OnnxJavaType onnx;

		Type(String descr, int bytes, OnnxJavaType onnx) {
			this.descr = descr;
			this.bytes = bytes;
			this.onnx = onnx;
		}
	}

	private static final byte[] MAGIC = { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y' };
	private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
	private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

	private final Type type;
	private final long[] shape;
	private final ByteBuffer data;

	private NpyArray(Type type, long[] shape, ByteBuffer data) {
		long count = count(shape);
		if (data.remaining() != count * type.bytes)
			throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " needs " + count * type.bytes + " bytes, got " + data.remaining());
		this.type = type;
		this.shape = shape.clone();
		this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
	}

	public static NpyArray ofFloats(float[] values, long... shape) {
		ByteBuffer b = allocate(values.length * 4L);
		b.asFloatBuffer().put(values);
		return new NpyArray(Type.FLOAT32, shape, b);
	}

	public static NpyArray ofInts(int[] values, long... shape) {
		ByteBuffer b = allocate(values.length * 4L);
		b.asIntBuffer().put(values);
		return new NpyArray(Type.INT32, shape, b);
	}

	public static NpyArray ofLongs(long[] values, long... shape) {
		ByteBuffer b = allocate(values.length * 8L);
		b.asLongBuffer().put(values);
		return new NpyArray(Type.INT64, shape, b);
	}

	private static ByteBuffer allocate(long bytes) {
		if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("Array too large for one buffer: " + bytes + " bytes");
		return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
	}

	/** Reads a .npy file; names the file and the problem if it is not a supported array. */
	public static NpyArray read(Path file) throws IOException {
		byte[] all = Files.readAllBytes(file);
		ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
		if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), MAGIC))
			throw new IOException(file + " is not a .npy file");
		int major = all[6];
		b.position(8);
		int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
		int headerStart = b.position();
		if (headerStart + headerLength > all.length) throw new IOException(file + ": truncated .npy header");
		String header = new String(all, headerStart, headerLength, major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
		String descr = find(DESCR, header, file, "descr");
		if ("True".equals(find(FORTRAN, header, file, "fortran_order")))
			throw new IOException(file + " is in Fortran order; save it in C order");
		Type type = Arrays.stream(Type.values()).filter(t -> t.descr.equals(descr)).findFirst()
				.orElseThrow(() -> new IOException(file + " holds '" + descr + "'; supported are <f4, <i4, <i8, |u1"));
		String dims = find(SHAPE, header, file, "shape").trim();
		long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
		b.position(headerStart + headerLength);
		long need = count(shape) * type.bytes;
		if (b.remaining() < need) throw new IOException(file + " is truncated: " + b.remaining() + " data bytes, shape needs " + need);
		ByteBuffer data = b.slice().order(ByteOrder.LITTLE_ENDIAN);
		data.limit((int) need);
		return new NpyArray(type, shape, data);
	}

	private static String find(Pattern p, String header, Path file, String key) throws IOException {
		Matcher m = p.matcher(header);
		if (!m.find()) throw new IOException(file + ": .npy header lacks '" + key + "': " + header);
		return m.group(1);
	}

	/** Writes a version 1.0 .npy file. */
	public void write(Path file) throws IOException {
		StringBuilder dims = new StringBuilder();
		for (long d : shape) dims.append(d).append(", ");
		if (shape.length > 1) dims.setLength(dims.length() - 1);
		String dict = "{'descr': '" + type.descr + "', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
		int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
		int padding = (64 - unpadded % 64) % 64;
		String header = dict + " ".repeat(padding) + "\n";
		ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
		out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
		out.put(header.getBytes(StandardCharsets.ISO_8859_1));
		out.put(data.duplicate());
		Files.write(file, out.array());
	}

	/** An ONNX Runtime tensor holding a copy of this array. */
	public OnnxTensor toTensor(OrtEnvironment env) throws OrtException {
		ByteBuffer direct = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
		switch (type) {
			case FLOAT32 -> direct.asFloatBuffer().put(data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
			case INT32 -> direct.asIntBuffer().put(data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer());
			case INT64 -> direct.asLongBuffer().put(data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer());
			case UINT8 -> throw new UnsupportedOperationException("uint8 arrays are not converted to tensors");
		}
		return switch (type) {
			case FLOAT32 -> OnnxTensor.createTensor(env, direct.asFloatBuffer(), shape);
			case INT32 -> OnnxTensor.createTensor(env, direct.asIntBuffer(), shape);
			case INT64 -> OnnxTensor.createTensor(env, direct.asLongBuffer(), shape);
			case UINT8 -> throw new UnsupportedOperationException("uint8 arrays are not converted to tensors");
		};
	}

	/** A copy of a float32, int32 or int64 ONNX Runtime tensor. */
	public static NpyArray fromTensor(OnnxTensor tensor) {
		TensorInfo info = tensor.getInfo();
		long[] shape = info.getShape();
		return switch (info.type) {
			case FLOAT -> {
				yield ofFloats(OrtTensors.floats(tensor), shape);
			}
			case INT32 -> {
				int[] v = new int[(int) count(shape)];
				tensor.getIntBuffer().get(v);
				yield ofInts(v, shape);
			}
			case INT64 -> {
				long[] v = new long[(int) count(shape)];
				tensor.getLongBuffer().get(v);
				yield ofLongs(v, shape);
			}
			default -> throw new IllegalArgumentException("Unsupported tensor type " + info.type);
		};
	}

	public Type type() {
		return type;
	}

	public long[] shape() {
		return shape.clone();
	}

	public long size() {
		return count(shape);
	}

	public float[] floats() {
		requireType(Type.FLOAT32);
		float[] v = new float[(int) size()];
		data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
		return v;
	}

	/** The raw values of a uint8 array (read them with {@code & 0xff}). */
	public byte[] bytes() {
		requireType(Type.UINT8);
		byte[] v = new byte[(int) size()];
		data.duplicate().get(v);
		return v;
	}

	public int[] ints() {
		requireType(Type.INT32);
		int[] v = new int[(int) size()];
		data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
		return v;
	}

	public long[] longs() {
		requireType(Type.INT64);
		long[] v = new long[(int) size()];
		data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
		return v;
	}

	/** Values widened to double, whatever the type (for comparisons). */
	public double[] asDoubles() {
		return switch (type) {
			case FLOAT32 -> { float[] f = floats(); double[] d = new double[f.length]; for (int i = 0; i < f.length; i++) d[i] = f[i]; yield d; }
			case INT32 -> Arrays.stream(ints()).asDoubleStream().toArray();
			case INT64 -> Arrays.stream(longs()).asDoubleStream().toArray();
			case UINT8 -> { byte[] u = bytes(); double[] d = new double[u.length]; for (int i = 0; i < u.length; i++) d[i] = u[i] & 0xff; yield d; }
		};
	}

	private void requireType(Type wanted) {
		if (type != wanted) throw new IllegalStateException("Array holds " + type + ", not " + wanted);
	}

	private static long count(long[] shape) {
		long n = 1;
		for (long d : shape) {
			if (d < 0) throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
			n *= d;
		}
		return n;
	}

	@Override
	public String toString() {
		return type + Arrays.toString(shape);
	}
}
