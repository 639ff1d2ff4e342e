#!/usr/bin/env python3
"""Writes the two small graphs the benchmark (Sam2Benchmark --floor) needs to measure the
memory-attention FLOP floor with ONNX Runtime itself:

  memory_attention_probe.onnx  the package's memory_attention.onnx with the operands of every
                               MatMul and Gemm added as graph outputs, so that one run tells the
                               exact operand shapes for given memory and pointer counts (a fused
                               MultiHeadAttention counts as its two products, from q, k, v);
  matmul.onnx                  one MatMul with fully dynamic shapes, A [b, m, k] @ B [b, k, n],
                               to time ONNX Runtime's matmul rate on those shapes.
  probe.json                   the probe's matmul list: node name, op type, operand output names
                               (and Gemm's transB).

Usage: /usr/bin/python3 scripts/attention_floor_graphs.py MODEL_DIR OUT_DIR
Needs the onnx Python package (Debian: python3-onnx); the graphs are small (the probe keeps the
package's weights, a few MB).
"""
import json
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper


def probe(model_dir, out):
    model = onnx.load(str(Path(model_dir) / "memory_attention.onnx"))
    graph = model.graph
    existing = {o.name for o in graph.output}
    initializers = {t.name: list(t.dims) for t in graph.initializer}
    matmuls = []

    def operand(name):
        if name in initializers:
            return {"initializer": name, "shape": initializers[name]}
        if name not in existing:
            graph.output.append(helper.make_empty_tensor_value_info(name))
            existing.add(name)
        return {"output": name}

    for node in graph.node:
        if node.op_type == "MultiHeadAttention":
            # a fused attention (export_sam2.py --fused-attention): its two products, on [B, T, d]
            q, k, v = (operand(name) for name in node.input[:3])
            matmuls.append({"node": node.name + "/scores", "op": "AttentionScores", "a": q, "b": k})
            matmuls.append({"node": node.name + "/values", "op": "AttentionValues", "a": q, "b": k, "v": v})
            continue
        if node.op_type not in ("MatMul", "Gemm"):
            continue
        operands = []
        for name in node.input[:2]:
            if name in initializers:
                operands.append({"initializer": name, "shape": initializers[name]})
            else:
                operands.append({"output": name})
                if name not in existing:
                    graph.output.append(helper.make_empty_tensor_value_info(name))
                    existing.add(name)
        trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
        trans_a = next((a.i for a in node.attribute if a.name == "transA"), 0)
        matmuls.append({"node": node.name, "op": node.op_type, "a": operands[0], "b": operands[1],
                        "trans_a": trans_a, "trans_b": trans_b})
    onnx.save(model, str(out / "memory_attention_probe.onnx"))
    (out / "probe.json").write_text(json.dumps({"matmuls": matmuls}, indent=1) + "\n")
    return len(matmuls)


def matmul_graph(out):
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["b", "m", "k"])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["b", "k", "n"])
    c = helper.make_tensor_value_info("c", TensorProto.FLOAT, ["b", "m", "n"])
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "matmul", [a, b], [c])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(out / "matmul.onnx"))


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    n = probe(sys.argv[1], out)
    matmul_graph(out)
    print(f"{out}: probe with {n} MatMul/Gemm nodes, matmul.onnx")


if __name__ == "__main__":
    main()
