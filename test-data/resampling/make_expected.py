#!/usr/bin/env python3
"""Writes expected.json: small random planes resized by Pillow (BICUBIC, 8-bit "L" and float "F"
modes) and by torch F.interpolate (bilinear, align_corners=False, with and without antialias).
Run with Debian's Python (torch 1.13, Pillow 9.4): /usr/bin/python3 make_expected.py"""
import json
import numpy as np
import PIL
import torch
import torch.nn.functional as F
from PIL import Image

rng = np.random.default_rng(20261125)
# (width, height, out_width, out_height): shrinking by integer and fractional factors, growing, mixed
SIZES = [(16, 12, 8, 6), (13, 9, 5, 7), (20, 16, 7, 31), (6, 5, 17, 11), (37, 29, 16, 16), (9, 9, 9, 4)]

cases = []
for w, h, ow, oh in SIZES:
    u8 = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
    f32 = (rng.standard_normal((h, w)) * 3).astype(np.float32)
    pil8 = np.asarray(Image.fromarray(u8, mode="L").resize((ow, oh), Image.BICUBIC))
    pilf = np.asarray(Image.fromarray(f32, mode="F").resize((ow, oh), Image.BICUBIC))
    t = torch.from_numpy(f32)[None, None]
    aa = F.interpolate(t, size=(oh, ow), mode="bilinear", align_corners=False, antialias=True)[0, 0].numpy()
    lin = F.interpolate(t, size=(oh, ow), mode="bilinear", align_corners=False)[0, 0].numpy()
    cases.append({
        "width": w, "height": h, "out_width": ow, "out_height": oh,
        "input_8bit": u8.ravel().tolist(), "pil_bicubic_8bit": pil8.ravel().tolist(),
        "input_float": f32.ravel().tolist(), "pil_bicubic_float": pilf.ravel().tolist(),
        "torch_bilinear_antialias": aa.ravel().tolist(), "torch_bilinear": lin.ravel().tolist(),
    })

# A whole-frame check of the frame loader's step: an RGB image shrunk as SAM 2's loader does.
rgb = rng.integers(0, 256, size=(23, 31, 3), dtype=np.uint8)
rgb_resized = np.asarray(Image.fromarray(rgb, mode="RGB").resize((16, 16)))
with open("expected.json", "w") as f:
    json.dump({"pillow": PIL.__version__, "torch": torch.__version__, "cases": cases,
               "rgb": {"width": 31, "height": 23, "out": 16, "input_hwc": rgb.ravel().tolist(),
                       "resized_hwc": rgb_resized.ravel().tolist()}}, f)
