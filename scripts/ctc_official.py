#!/usr/bin/env python3
"""Scores a CTC result folder with the Cell Tracking Challenge's own metrics (py-ctcmetrics).

    CTCMETRICS=/path/to/py-ctcmetrics python3 scripts/ctc_official.py GT_DIR RES_DIR

CTCMETRICS is a local copy of github:CellTrackingChallenge/py-ctcmetrics (its ctc_metrics folder is
enough; it is not part of this project). Needs numpy, scipy, tifffile, scikit-learn, pandas and
Pillow (Debian: python3-numpy python3-scipy python3-tifffile python3-sklearn python3-pandas
python3-pil). The ground truth of the challenge is LZW-compressed and Debian's tifffile cannot read
LZW without imagecodecs, so the GT is first copied uncompressed (Pillow) into a temporary folder.
Prints one line: Valid, SEG, DET, TRA, CHOTA, HOTA as the official tool computes them.
"""
import os
import shutil
import sys
import tempfile

import numpy as np
from PIL import Image


def uncompressed_copy(gt, into):
    for sub in ("TRA", "SEG"):
        src = os.path.join(gt, sub)
        if not os.path.isdir(src):
            continue
        dst = os.path.join(into, sub)
        os.makedirs(dst)
        for name in sorted(os.listdir(src)):
            path = os.path.join(src, name)
            if name.endswith(".tif"):
                # mode I;16 keeps the 16-bit labels; written without compression
                Image.fromarray(np.array(Image.open(path)).astype(np.uint16)).save(os.path.join(dst, name))
            else:
                shutil.copy(path, dst)


def main():
    if len(sys.argv) != 3 or "CTCMETRICS" not in os.environ:
        sys.exit(__doc__)
    gt, res = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.environ["CTCMETRICS"])
    from ctc_metrics.scripts.evaluate import evaluate_sequence

    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "GT")
        uncompressed_copy(gt, copy)
        scores = evaluate_sequence(res, copy, metrics=["Valid", "SEG", "DET", "TRA", "CHOTA", "HOTA"])
    names = ["Valid", "SEG", "DET", "TRA", "CHOTA", "HOTA"]
    print(" ".join(f"{k}={scores[k]:.3f}" if isinstance(scores.get(k), float) else f"{k}={scores.get(k)}" for k in names))


if __name__ == "__main__":
    main()
