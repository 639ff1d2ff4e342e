#!/usr/bin/env python3
"""Writes expected.json: small frames turned into SAM 2 encoder inputs exactly as SAM 2's video
frame loader does it (sam2/utils/misc.py _load_img_as_tensor: PIL convert("RGB"), resize to
S x S with the default BICUBIC filter, / 255.0, ImageNet mean/std), plus numpy percentiles of a
16-bit frame. Run with Debian's Python: /usr/bin/python3 make_expected.py"""
import json
import numpy as np
import torch
from PIL import Image

S = 16
mean = torch.tensor((0.485, 0.456, 0.406), dtype=torch.float32)[:, None, None]
std = torch.tensor((0.229, 0.224, 0.225), dtype=torch.float32)[:, None, None]


def loader(pil_image):
    # the same steps as _load_img_as_tensor followed by the loader's normalisation
    img_np = np.array(pil_image.convert("RGB").resize((S, S))) / 255.0
    img = torch.zeros(3, S, S, dtype=torch.float32)
    img[:] = torch.from_numpy(img_np).permute(2, 0, 1)
    return ((img - mean) / std).numpy()


rng = np.random.default_rng(7)
grey = rng.integers(0, 256, size=(21, 27), dtype=np.uint8)
rgb = rng.integers(0, 256, size=(11, 14, 3), dtype=np.uint8)
deep = rng.integers(0, 4096, size=(10, 13)).astype(np.uint16)
out = {
    "size": S,
    "grey": {"width": 27, "height": 21, "pixels": grey.ravel().tolist(), "model_input": loader(Image.fromarray(grey, "L")).ravel().tolist()},
    "rgb": {"width": 14, "height": 11, "pixels_hwc": rgb.ravel().tolist(), "model_input": loader(Image.fromarray(rgb, "RGB")).ravel().tolist()},
    "deep": {"width": 13, "height": 10, "pixels": deep.ravel().tolist(),
             "p1": float(np.percentile(deep, 1)), "p99_8": float(np.percentile(deep, 99.8))},
}
with open("expected.json", "w") as f:
    json.dump(out, f)
