package io.github.sam2fiji.convert;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

/**
 * Completes a weight-free ONNX graph (a template) with its weights, streaming: the template's
 * ModelProto is copied field by field and its graph (field 7) re-emitted with one float32
 * initializer (GraphProto field 5, a TensorProto with dims, data_type, name and raw_data) appended
 * per weight, each written as soon as its values are read. Only these few fields of the ONNX schema
 * are written by hand, through protobuf's own encoder; the rest of the model is copied as it is.
 */
final class OnnxWeights {

	private static final int MODEL_GRAPH = 7;
	private static final int GRAPH_INITIALIZER = 5;
	private static final int TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_NAME = 8, TENSOR_RAW_DATA = 9;
	private static final int ONNX_FLOAT = 1;

	/** A weight to append: the graph's initializer name and its shape. */
	record Weight(String name, long[] shape) {
		long elements() {
			long n = 1;
			for (long d : shape) n *= d;
			return n;
		}
	}

	/** Gives the values of weight {@code index} (in the order listed) when they are written. */
	@FunctionalInterface
	interface Values {
		float[] of(int index) throws IOException;
	}

	private OnnxWeights() {}

	/** Writes template + weights to {@code out}; {@code values} must give exactly each weight's element count. */
	static void write(byte[] template, List<Weight> weights, Values values, OutputStream out) throws IOException {
		CodedInputStream in = CodedInputStream.newInstance(template);
		CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 16);
		int graphStart = -1, graphEnd = -1;
		byte[] graph = null;
		while (true) {
			int start = in.getTotalBytesRead();
			int tag = in.readTag();
			if (tag == 0) break;
			if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
				if (graph != null) throw new IOException("the template has more than one graph");
				graph = in.readByteArray();
				graphStart = start;
				graphEnd = in.getTotalBytesRead();
			}
			else in.skipField(tag);
		}
		if (graph == null) throw new IOException("the template has no graph");
		coded.writeRawBytes(template, 0, graphStart);
		long size = graph.length;
		for (Weight w : weights) {
			long tensor = tensorSize(w);
			size += CodedOutputStream.computeTagSize(GRAPH_INITIALIZER) + CodedOutputStream.computeUInt64SizeNoTag(tensor) + tensor;
		}
		if (size > Integer.MAX_VALUE) throw new IOException("the graph's weights exceed the 2 GB limit of an ONNX file");
		coded.writeTag(MODEL_GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
		coded.writeUInt64NoTag(size);
		coded.writeRawBytes(graph);
		for (int i = 0; i < weights.size(); i++) {
			Weight w = weights.get(i);
			float[] v = values.of(i);
			if (v.length != w.elements()) throw new IOException(w.name() + ": " + v.length + " values for " + w.elements() + " elements");
			coded.writeTag(GRAPH_INITIALIZER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
			coded.writeUInt64NoTag(tensorSize(w));
			for (long d : w.shape()) coded.writeInt64(TENSOR_DIMS, d);
			coded.writeInt32(TENSOR_DATA_TYPE, ONNX_FLOAT);
			coded.writeString(TENSOR_NAME, w.name());
			coded.writeTag(TENSOR_RAW_DATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
			coded.writeUInt64NoTag(4L * v.length);
			ByteBuffer bytes = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
			bytes.asFloatBuffer().put(v);
			coded.writeRawBytes(bytes.array());
		}
		coded.writeRawBytes(template, graphEnd, template.length - graphEnd);
		coded.flush();
	}

	private static long tensorSize(Weight w) {
		long size = 0;
		for (long d : w.shape()) size += CodedOutputStream.computeInt64Size(TENSOR_DIMS, d);
		size += CodedOutputStream.computeInt32Size(TENSOR_DATA_TYPE, ONNX_FLOAT);
		size += CodedOutputStream.computeStringSize(TENSOR_NAME, w.name());
		long raw = 4 * w.elements();
		size += CodedOutputStream.computeTagSize(TENSOR_RAW_DATA) + CodedOutputStream.computeUInt64SizeNoTag(raw) + raw;
		return size;
	}
}
