#!/usr/bin/env python3
"""Writes expected.json for MaskLogitsTest: on small random logit planes, what the official
operations give: hole filling as fill_holes_in_mask_scores does on a GPU (8-connected components
of logits <= 0 with area <= max_area set to 0.1; labelled here with scipy.ndimage because the
official CUDA labelling is not available on CPU), the official _apply_non_overlapping_constraints,
torch's bfloat16 rounding
and the mask decoder's stability score.

Run: PYTHONPATH=/work/ext/sam2 /usr/bin/python3 make_expected.py"""
import json
import sys
import types
from pathlib import Path

import numpy as np
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import sam2_official  # noqa: E402

sam2_official.setup()
import torch  # noqa: E402
from sam2.modeling.sam2_base import SAM2Base  # noqa: E402
from sam2.modeling.sam.mask_decoder import MaskDecoder  # noqa: E402

rng = np.random.default_rng(11)
W, H = 23, 17
out = {"width": W, "height": H, "holes": [], "non_overlap": None}

for max_area in (8, 3):
    # blobs of background in foreground: smooth random field thresholded
    field = ndimage.gaussian_filter(rng.standard_normal((H, W)), 1.0) * 10 + 1.5
    logits = field.astype(np.float32)
    labels, n = ndimage.label(logits <= 0, structure=np.ones((3, 3)))
    areas = ndimage.sum(np.ones_like(logits), labels, index=np.arange(1, n + 1))
    filled = logits.copy()
    for i, a in enumerate(areas, start=1):
        if a <= max_area:
            filled[labels == i] = 0.1
    out["holes"].append({"max_area": max_area, "logits": logits.ravel().tolist(), "filled": filled.ravel().tolist(),
                         "components": int(n), "filled_components": int(sum(a <= max_area for a in areas))})

planes = (rng.standard_normal((3, 1, H, W)) * 5).astype(np.float32)
planes[1, 0, 0, :5] = planes[0, 0, 0, :5]  # ties: the first object wins
kept = SAM2Base._apply_non_overlapping_constraints(types.SimpleNamespace(), torch.from_numpy(planes)).numpy()
out["non_overlap"] = {"planes": planes.ravel().tolist(), "result": kept.ravel().tolist()}

values = (rng.standard_normal(2000) * np.exp(rng.uniform(-20, 20, 2000))).astype(np.float32)
values[:4] = [1.00390625, 1.01171875, -3.0078125, 0.0]  # exact ties between two bfloat16 neighbours
out["bf16"] = {"values": values.tolist(), "rounded": torch.from_numpy(values).to(torch.bfloat16).float().numpy().tolist()}


stab = []
for scale in (0.03, 1.0, 20.0):
    m = torch.from_numpy((rng.standard_normal((1, 1, H, W)) * scale).astype(np.float32))
    dec = types.SimpleNamespace(dynamic_multimask_stability_delta=0.05)
    stab.append({"logits": m.numpy().ravel().tolist(), "stability": float(MaskDecoder._get_stability_scores(dec, m).item())})
out["stability"] = stab

with open(Path(__file__).with_name("expected.json"), "w") as f:
    json.dump(out, f)
print({k: (v["components"], v["filled_components"]) for k, v in enumerate(out["holes"])})
