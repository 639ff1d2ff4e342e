package io.github.sam2fiji.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.sam2fiji.store.catalogue.ExposedTensor;

/**
 * Makes intermediate tensors of an ONNX graph into graph outputs, without the onnx library: each
 * becomes an {@code Identity} node appended to the graph with a public name, and a float graph
 * output of the given shape. The graph is edited at the protobuf wire level: a {@code ModelProto}'s
 * graph (field 7) gets {@code NodeProto}s (field 1) and {@code ValueInfoProto}s (field 12) appended,
 * which protobuf readers merge after the existing ones; every other byte stays as it was.
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
		Reader r = new Reader(model, 0, model.length);
		ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 1024);
		boolean edited = false;
		while (r.more()) {
			int start = r.pos;
			long tag = r.varint();
			int field = (int) (tag >>> 3), wire = (int) (tag & 7);
			if (field == MODEL_GRAPH && wire == 2) {
				int length = (int) r.varint();
				byte[] graph = editGraph(model, r.pos, length, tensors);
				r.pos += length;
				writeBytesField(out, MODEL_GRAPH, graph);
				edited = true;
			}
			else {
				r.skip(wire);
				out.write(model, start, r.pos - start);
			}
		}
		if (!edited) throw new ModelStoreException("Not an ONNX model: no graph found");
		return out.toByteArray();
	}

	private static byte[] editGraph(byte[] model, int offset, int length, List<ExposedTensor> tensors) {
		Set<String> produced = new HashSet<>(), taken = new HashSet<>();
		Reader r = new Reader(model, offset, offset + length);
		while (r.more()) {
			long tag = r.varint();
			int field = (int) (tag >>> 3), wire = (int) (tag & 7);
			if (wire == 2 && (field == GRAPH_NODE || field == GRAPH_INPUT || field == GRAPH_OUTPUT || field == GRAPH_INITIALIZER)) {
				int len = (int) r.varint();
				Reader sub = new Reader(model, r.pos, r.pos + len);
				r.pos += len;
				// node outputs (2) are produced tensors; the name (1) of inputs, outputs and initializers too
				int nameField = field == GRAPH_NODE ? NODE_OUTPUT : 1;
				for (String s : sub.strings(nameField)) {
					taken.add(s);
					if (field != GRAPH_OUTPUT) produced.add(s);
				}
			}
			else r.skip(wire);
		}
		ByteArrayOutputStream extra = new ByteArrayOutputStream();
		for (ExposedTensor e : tensors) {
			if (!produced.contains(e.tensor()))
				throw new ModelStoreException("The graph has no tensor '" + e.tensor() + "' to expose: it is not the graph this catalogue entry was written for");
			if (taken.contains(e.as())) throw new ModelStoreException("The graph already has a tensor named '" + e.as() + "'");
			ByteArrayOutputStream node = new ByteArrayOutputStream();
			writeStringField(node, NODE_INPUT, e.tensor());
			writeStringField(node, NODE_OUTPUT, e.as());
			writeStringField(node, NODE_NAME, "expose_" + e.as());
			writeStringField(node, NODE_OP_TYPE, "Identity");
			writeBytesField(extra, GRAPH_NODE, node.toByteArray());
			writeBytesField(extra, GRAPH_OUTPUT, floatValueInfo(e.as(), e.shape()));
		}
		ByteArrayOutputStream graph = new ByteArrayOutputStream(length + extra.size());
		graph.write(model, offset, length);
		graph.writeBytes(extra.toByteArray());
		return graph.toByteArray();
	}

	/** ValueInfoProto{name, type: TypeProto{tensor_type: {elem_type FLOAT, shape: {dim: {dim_value}}...}}}. */
	private static byte[] floatValueInfo(String name, long[] shape) {
		ByteArrayOutputStream dims = new ByteArrayOutputStream();
		for (long d : shape) {
			ByteArrayOutputStream dim = new ByteArrayOutputStream();
			writeVarintField(dim, 1, d);
			writeBytesField(dims, 1, dim.toByteArray());
		}
		ByteArrayOutputStream tensor = new ByteArrayOutputStream();
		writeVarintField(tensor, 1, TENSOR_FLOAT);
		writeBytesField(tensor, 2, dims.toByteArray());
		ByteArrayOutputStream type = new ByteArrayOutputStream();
		writeBytesField(type, 1, tensor.toByteArray());
		ByteArrayOutputStream info = new ByteArrayOutputStream();
		writeStringField(info, 1, name);
		writeBytesField(info, 2, type.toByteArray());
		return info.toByteArray();
	}

	static void writeVarint(ByteArrayOutputStream out, long v) {
		while ((v & ~0x7FL) != 0) {
			out.write((int) ((v & 0x7F) | 0x80));
			v >>>= 7;
		}
		out.write((int) v);
	}

	static void writeVarintField(ByteArrayOutputStream out, int field, long v) {
		writeVarint(out, (long) field << 3);
		writeVarint(out, v);
	}

	static void writeBytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
		writeVarint(out, ((long) field << 3) | 2);
		writeVarint(out, bytes.length);
		out.writeBytes(bytes);
	}

	static void writeStringField(ByteArrayOutputStream out, int field, String s) {
		writeBytesField(out, field, s.getBytes(StandardCharsets.UTF_8));
	}

	/** Reads protobuf wire format from a range of a byte array. */
	private static final class Reader {
		final byte[] data;
		int pos;
		final int end;

		Reader(byte[] data, int pos, int end) {
			this.data = data;
			this.pos = pos;
			this.end = end;
		}

		boolean more() {
			return pos < end;
		}

		long varint() {
			long v = 0;
			for (int shift = 0; shift < 64; shift += 7) {
				if (pos >= end) throw new ModelStoreException("Not an ONNX model: truncated protobuf");
				byte b = data[pos++];
				v |= (long) (b & 0x7F) << shift;
				if ((b & 0x80) == 0) return v;
			}
			throw new ModelStoreException("Not an ONNX model: malformed protobuf varint");
		}

		void skip(int wire) {
			switch (wire) {
				case 0 -> varint();
				case 1 -> pos += 8;
				case 2 -> {
					long len = varint();
					pos += (int) len;
				}
				case 5 -> pos += 4;
				default -> throw new ModelStoreException("Not an ONNX model: protobuf wire type " + wire);
			}
			if (pos > end) throw new ModelStoreException("Not an ONNX model: truncated protobuf");
		}

		/** All length-delimited values of one field, as UTF-8 strings. */
		List<String> strings(int field) {
			List<String> out = new java.util.ArrayList<>();
			while (more()) {
				long tag = varint();
				int wire = (int) (tag & 7);
				if ((int) (tag >>> 3) == field && wire == 2) {
					int len = (int) varint();
					out.add(new String(data, pos, len, StandardCharsets.UTF_8));
					pos += len;
				}
				else skip(wire);
			}
			return out;
		}
	}
}
