package io.github.sam2fiji.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import io.github.sam2fiji.store.catalogue.ExposedTensor;

/**
 * Makes intermediate tensors of an ONNX graph into graph outputs, without the onnx library: each
 * becomes an {@code Identity} node appended to the graph with a public name, and a float graph
 * output of the given shape. The graph is edited at the protobuf wire level (through protobuf's own
 * coded streams): a {@code ModelProto}'s graph (field 7) gets {@code NodeProto}s (field 1) and
 * {@code ValueInfoProto}s (field 12) appended, which protobuf readers merge after the existing ones;
 * every other byte stays as it was.
 * <p>
 * Used to expose all 4 candidate masks and IoUs of a SAM 1 decoder that picks one inside the graph
 * (see docs/model-format.md, "The candidate edit").
 */
public final class OnnxOutputs {

	private static final int MODEL_GRAPH = 7, GRAPH_NODE = 1, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12, GRAPH_INITIALIZER = 5;
	private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4;
	private static final int TENSOR_FLOAT = 1;

	private OnnxOutputs() {}

	/**
	 * @param model the bytes of an ONNX ModelProto
	 * @return the edited model; fails when a tensor is not produced in the graph or a new name is taken
	 */
	public static byte[] expose(byte[] model, List<ExposedTensor> tensors) {
		try {
			CodedInputStream in = CodedInputStream.newInstance(model);
			ByteArrayOutputStream bytes = new ByteArrayOutputStream(model.length + 1024);
			CodedOutputStream out = CodedOutputStream.newInstance(bytes);
			boolean edited = false;
			while (!in.isAtEnd()) {
				int start = in.getTotalBytesRead();
				int tag = in.readTag();
				if (isLengthDelimited(tag, MODEL_GRAPH)) {
					out.writeByteArray(MODEL_GRAPH, editGraph(in.readByteArray(), tensors));
					edited = true;
				}
				else {
					in.skipField(tag);
					out.writeRawBytes(model, start, in.getTotalBytesRead() - start);
				}
			}
			if (!edited) throw new ModelStoreException("Not an ONNX model: no graph found");
			out.flush();
			return bytes.toByteArray();
		}
		catch (IOException e) { // InvalidProtocolBufferException: truncated or malformed
			throw new ModelStoreException("Not an ONNX model: " + e.getMessage());
		}
	}

	private static byte[] editGraph(byte[] graph, List<ExposedTensor> tensors) throws IOException {
		Set<String> produced = new HashSet<>(), taken = new HashSet<>();
		CodedInputStream in = CodedInputStream.newInstance(graph);
		for (int tag; (tag = readTag(in)) != 0;) {
			int field = WireFormat.getTagFieldNumber(tag);
			if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
				&& (field == GRAPH_NODE || field == GRAPH_INPUT || field == GRAPH_OUTPUT || field == GRAPH_INITIALIZER)) {
				// node outputs (2) are produced tensors; the name (1) of inputs, outputs and initializers too
				for (String s : strings(in.readByteArray(), field == GRAPH_NODE ? NODE_OUTPUT : 1)) {
					taken.add(s);
					if (field != GRAPH_OUTPUT) produced.add(s);
				}
			}
			else in.skipField(tag);
		}
		for (ExposedTensor e : tensors) {
			if (!produced.contains(e.tensor()))
				throw new ModelStoreException("The graph has no tensor '" + e.tensor() + "' to expose: it is not the graph this catalogue entry was written for");
			if (taken.contains(e.as())) throw new ModelStoreException("The graph already has a tensor named '" + e.as() + "'");
		}
		return message(g -> {
			g.writeRawBytes(graph);
			for (ExposedTensor e : tensors) {
				g.writeByteArray(GRAPH_NODE, message(node -> {
					node.writeString(NODE_INPUT, e.tensor());
					node.writeString(NODE_OUTPUT, e.as());
					node.writeString(NODE_NAME, "expose_" + e.as());
					node.writeString(NODE_OP_TYPE, "Identity");
				}));
				g.writeByteArray(GRAPH_OUTPUT, floatValueInfo(e.as(), e.shape()));
			}
		});
	}

	/** ValueInfoProto{name, type: TypeProto{tensor_type: {elem_type FLOAT, shape: {dim: {dim_value}}...}}}. */
	private static byte[] floatValueInfo(String name, long[] shape) throws IOException {
		byte[] dims = message(s -> {
			for (long d : shape) s.writeByteArray(1, message(dim -> dim.writeInt64(1, d)));
		});
		byte[] tensor = message(t -> {
			t.writeInt32(1, TENSOR_FLOAT);
			t.writeByteArray(2, dims);
		});
		byte[] type = message(t -> t.writeByteArray(1, tensor));
		return message(info -> {
			info.writeString(1, name);
			info.writeByteArray(2, type);
		});
	}

	/** Writes fields with protobuf's encoder. */
	@FunctionalInterface
	interface Fields {
		void write(CodedOutputStream out) throws IOException;
	}

	/** The bytes of a message whose fields {@code fields} writes. */
	static byte[] message(Fields fields) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		CodedOutputStream out = CodedOutputStream.newInstance(bytes);
		fields.write(out);
		out.flush();
		return bytes.toByteArray();
	}

	private static int readTag(CodedInputStream in) throws IOException {
		return in.isAtEnd() ? 0 : in.readTag();
	}

	private static boolean isLengthDelimited(int tag, int field) {
		return WireFormat.getTagFieldNumber(tag) == field && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
	}

	/** All length-delimited values of one field of a message, as UTF-8 strings. */
	private static List<String> strings(byte[] message, int field) throws IOException {
		List<String> out = new ArrayList<>();
		CodedInputStream in = CodedInputStream.newInstance(message);
		for (int tag; (tag = readTag(in)) != 0;) {
			if (isLengthDelimited(tag, field)) out.add(in.readStringRequireUtf8());
			else in.skipField(tag);
		}
		return out;
	}
}
