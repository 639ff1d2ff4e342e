#!/usr/bin/env python3
"""Official-layout PyTorch checkpoints of the reduced test architecture, for the Java checkpoint
converter's tests (io.github.sam2fiji.convert). Written by torch.save, as the official
checkpoints are ({"model": state_dict}, zip format):

- sam2_tiny_seed0.pt: the weights of the committed package test-data/sam2-tiny/model (official
  random initialisation, seed 0, constant parameters perturbed), float32.
- sam2_tiny_seed0_bf16.pt: the same tensors stored as bfloat16.
- sam2_tiny_seed0_fp16_bare.pt: the same tensors stored as float16, as a bare state dict (no
  {"model": ...} around it).
- bad_*.pt: checkpoints that must be refused, with the inventory of the tiny architecture but every
  tensor a stride-0 view of one shared zero (so each file is small): one key missing (bad_missing_key),
  one tensor of another shape (bad_wrong_shape), the SAM 2.1-only tensors left out as in a SAM 2.0
  checkpoint (bad_sam20), an extra Hiera block (bad_extra_block).
- views.pt: tensors that are views (offsets into a shared storage, a transposed non-contiguous
  tensor) with known values: arange(20)[3:9].view(2, 3), arange(6).view(2, 3).t(), arange(20)[10:14].
- sam2_tiny_reference.pt: the tuned model of test-data/sam2-reference (scripts/make_reference.py
  --save-checkpoint), so the parity cases can run on a converted package.

Usage: /usr/bin/python3 test-data/checkpoints/make.py --sam2-path /path/to/official/sam2-repo
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import sam2_official  # noqa: E402


def bad_inventories(inventory):
    missing = dict(inventory)
    del missing["sam_mask_decoder.iou_prediction_head.layers.0.weight"]
    wrong = dict(inventory)
    key = "memory_encoder.out_proj.weight"
    wrong[key] = (wrong[key][0] + 1,) + tuple(wrong[key][1:])
    sam20 = {k: v for k, v in inventory.items() if k != "no_obj_embed_spatial" and not k.startswith("obj_ptr_tpos_proj.")}
    blocks = sorted({int(k.split(".")[3]) for k in inventory if k.startswith("image_encoder.trunk.blocks.")})
    last = f"image_encoder.trunk.blocks.{blocks[-1]}."
    extra = dict(inventory)
    extra.update({k.replace(last, f"image_encoder.trunk.blocks.{blocks[-1] + 1}."): v for k, v in inventory.items()
                  if k.startswith(last)})
    return {"bad_missing_key": missing, "bad_wrong_shape": wrong, "bad_sam20": sam20, "bad_extra_block": extra}


def shared_storage_state(torch, shapes):
    """A state dict of the given shapes whose tensors all view one single zero (stride 0 views;
    torch.save keeps the sharing, so the file holds one number)."""
    import collections

    zero = torch.zeros(())
    return collections.OrderedDict((k, zero.expand(*s)) for k, s in shapes.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sam2-path", help="folder holding the official sam2/ package")
    args = parser.parse_args()
    sam2_official.setup(args.sam2_path, threads=2)
    import torch

    model = sam2_official.build_model(REPO / "test-data" / "sam2-tiny" / "sam2_tiny.yaml", seed=0, video=True,
                                      perturb_constants=True)
    # model.state_dict() as the official checkpoints hold it: an OrderedDict with its _metadata
    state = model.state_dict()
    torch.save({"model": state}, HERE / "sam2_tiny_seed0.pt")
    for key in state:
        state[key] = state[key].bfloat16()
    torch.save({"model": state}, HERE / "sam2_tiny_seed0_bf16.pt")
    state = model.state_dict()
    for key in state:
        state[key] = state[key].half()
    torch.save(state, HERE / "sam2_tiny_seed0_fp16_bare.pt")
    inventory = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    for name, shapes in bad_inventories(inventory).items():
        torch.save({"model": shared_storage_state(torch, shapes)}, HERE / f"{name}.pt")
    base = torch.arange(20, dtype=torch.float32)
    torch.save({"model": {"a": base[3:9].view(2, 3), "b": torch.arange(6, dtype=torch.float32).view(2, 3).t(),
                          "c": base[10:14]}}, HERE / "views.pt")
    command = [sys.executable, str(REPO / "scripts" / "make_reference.py"), "--checkpoint-only",
               "--save-checkpoint", str(HERE / "sam2_tiny_reference.pt")]
    if args.sam2_path:
        command += ["--sam2-path", args.sam2_path]
    subprocess.run(command, check=True)
    for path in sorted(HERE.glob("*.pt")):
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
