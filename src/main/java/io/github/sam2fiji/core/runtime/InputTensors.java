package io.github.sam2fiji.core.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

/**
 * A graph's input tensors, made in direct buffers that are reused from call to call. Given a heap
 * array, ONNX Runtime's Java API copies it into a new direct buffer that the JVM frees only when the
 * garbage collector gets to it; with 16 objects at 1024 that is over half a gigabyte of native
 * memory per frame waiting for a collection. A direct buffer in native byte order is used in place,
 * so keeping one buffer per input, grown when needed, bounds that memory and saves the copy.
 * <p>
 * Not thread-safe. A tensor stays valid until the next tensor with the same key is made: close a
 * call's tensors before the next call.
 */
public final class InputTensors {

	private final OrtEnvironment environment;
	private final Map<String, ByteBuffer> buffers = new HashMap<>();

	public InputTensors(OrtEnvironment environment) {
		this.environment = environment;
	}

	/** A float32 tensor of {@code shape} holding a copy of {@code values}, in the buffer kept for {@code key}. */
	public OnnxTensor floats(String key, float[] values, long... shape) throws OrtException {
		checkSize(key, values.length, shape);
		FloatBuffer buffer = buffer(key, values.length).asFloatBuffer();
		buffer.put(values).flip();
		return OnnxTensor.createTensor(environment, buffer, shape);
	}

	/**
	 * A float32 tensor of {@code shape} whose values {@code writer} puts, in order, into the buffer
	 * kept for {@code key}: for inputs assembled from parts, without a heap array in between.
	 */
	public OnnxTensor floats(String key, Consumer<FloatBuffer> writer, long... shape) throws OrtException {
		int n = count(shape);
		FloatBuffer buffer = buffer(key, n).asFloatBuffer();
		writer.accept(buffer);
		if (buffer.position() != n)
			throw new IllegalStateException("Tensor '" + key + "' of shape " + Arrays.toString(shape) + " needs " + n + " values, " + buffer.position() + " were written");
		buffer.flip();
		return OnnxTensor.createTensor(environment, buffer, shape);
	}

	/** An int32 tensor, as {@link #floats}. */
	public OnnxTensor ints(String key, int[] values, long... shape) throws OrtException {
		checkSize(key, values.length, shape);
		IntBuffer buffer = buffer(key, values.length).asIntBuffer();
		buffer.put(values).flip();
		return OnnxTensor.createTensor(environment, buffer, shape);
	}

	/** Bytes held by the reused buffers: the largest input each key has had. */
	public long bytesHeld() {
		long sum = 0;
		for (ByteBuffer b : buffers.values()) sum += b.capacity();
		return sum;
	}

	/** A buffer of at least {@code elements} 4-byte values for {@code key}, position 0, limit at their end. */
	private ByteBuffer buffer(String key, int elements) {
		int bytes = Math.multiplyExact(elements, 4);
		ByteBuffer b = buffers.get(key);
		if (b == null || b.capacity() < bytes) {
			b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
			buffers.put(key, b);
		}
		b.clear().limit(bytes);
		return b;
	}

	private static int count(long[] shape) {
		long n = 1;
		for (long d : shape) n *= d;
		return Math.toIntExact(n);
	}

	private static void checkSize(String key, int length, long[] shape) {
		long n = count(shape);
		if (n != length)
			throw new IllegalArgumentException("Tensor '" + key + "' of shape " + Arrays.toString(shape) + " needs " + n + " values, got " + length);
	}
}
