#!/usr/bin/env python3
"""Writes the two graphs of the FLOP counter and the GEMM rate (scripts/bench's roofline):

  matmul.onnx        one MatMul, A [m, k] @ B [k, n], every dimension dynamic: the benchmark times
                     large square products with it to measure the machine's best matmul rate;
  flop_probe.onnx    a small graph with one of each kind of work the counter knows (Conv with and
                     without groups, a Conv followed by a Relu that ONNX Runtime runs inside it, ConvTranspose,
                     MatMul, MatMul of a transposed operand (fused into FusedMatMul), Gemm,
                     com.microsoft MultiHeadAttention): GraphProfileTest counts its FLOPs from an
                     ONNX Runtime profile and checks them against the formulas at these shapes.

Usage: /usr/bin/python3 test-data/roofline/make_graphs.py   (needs the onnx package; Debian: python3-onnx)
"""
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent


def matmul():
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["m", "k"])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["k", "n"])
    c = helper.make_tensor_value_info("c", TensorProto.FLOAT, ["m", "n"])
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"], name="matmul")], "matmul", [a, b], [c])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="sam2fiji-roofline")


def flop_probe():
    rng = np.random.default_rng(0)
    weights = {
        "w_conv": rng.standard_normal((16, 8, 3, 3)),  # Conv 8 -> 16, 3x3, pad 1 (its Relu runs inside it)
        "w_dw": rng.standard_normal((16, 1, 3, 3)),  # depthwise Conv, stride 2
        "w_q": rng.standard_normal((16, 32)),
        "w_k": rng.standard_normal((16, 32)),
        "w_v": rng.standard_normal((16, 32)),
        "w_up": rng.standard_normal((16, 4, 2, 2)),  # ConvTranspose 16 -> 4, stride 2
        "w_fc": rng.standard_normal((4096, 10)),
        "b_fc": rng.standard_normal((10,)),
        "tokens_shape": np.array([1, 16, 256]),
        "flat_shape": np.array([1, 4096]),
    }
    inits = [numpy_helper.from_array(v.astype(np.int64 if k.endswith("shape") else np.float32), k) for k, v in weights.items()]
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w_conv"], ["c1"], name="conv", pads=[1, 1, 1, 1]),
        n("Relu", ["c1"], ["r1"], name="relu"),
        n("Conv", ["r1", "w_dw"], ["c2"], name="depthwise", group=16, strides=[2, 2], pads=[1, 1, 1, 1]),
        n("Reshape", ["c2", "tokens_shape"], ["t0"], name="to_tokens"),
        n("Transpose", ["t0"], ["t"], name="tokens_last", perm=[0, 2, 1]),
        n("MatMul", ["t", "w_q"], ["q"], name="q"),
        n("MatMul", ["t", "w_k"], ["k"], name="k"),
        n("MatMul", ["t", "w_v"], ["v"], name="v"),
        n("MultiHeadAttention", ["q", "k", "v"], ["attended"], name="attention", domain="com.microsoft", num_heads=2),
        n("Transpose", ["k"], ["k_t"], name="k_transposed", perm=[0, 2, 1]),
        n("MatMul", ["q", "k_t"], ["scores"], name="scores"),
        n("ConvTranspose", ["c2", "w_up"], ["up"], name="up", strides=[2, 2]),
        n("Reshape", ["c2", "flat_shape"], ["flat"], name="flatten"),
        n("Gemm", ["flat", "w_fc", "b_fc"], ["logits"], name="fc"),
    ]
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "flop_probe", [helper.make_tensor_value_info("x", f, [1, 8, 32, 32])],
        [helper.make_tensor_value_info("attended", f, [1, 256, 32]), helper.make_tensor_value_info("scores", f, [1, 256, 256]),
         helper.make_tensor_value_info("up", f, [1, 4, 32, 32]), helper.make_tensor_value_info("logits", f, [1, 10])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
                             producer_name="sam2fiji-roofline")


if __name__ == "__main__":
    for name, model in (("matmul.onnx", matmul()), ("flop_probe.onnx", flop_probe())):
        onnx.checker.check_model(model)
        onnx.save(model, str(HERE / name))
        print(f"wrote {HERE / name}")
