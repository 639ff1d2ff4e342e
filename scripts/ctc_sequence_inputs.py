#!/usr/bin/env python3
"""Turns a Cell Tracking Challenge sequence into the tracker's inputs: one multi-page TIFF
(ImageJ time-lapse, Deflate-compressed) of SEQ/tTTT.tif, and points.csv with one positive click per
cell on frame 0, taken from the TRA markers: the marker pixel farthest from the marker's border
(inside the cell even for non-convex markers).

Usage: ctc_sequence_inputs.py SEQ_DIR SEQ_GT OUT_DIR      (needs numpy, scipy, Pillow)
"""
import os
import re
import sys

import numpy as np
from PIL import Image
from scipy import ndimage


def main(seq, gt, out):
    os.makedirs(out, exist_ok=True)
    names = sorted(f for f in os.listdir(seq) if re.fullmatch(r"t\d+\.tif", f))
    if not names:
        sys.exit(f"no tTTT.tif frames in {seq}")
    planes = [Image.fromarray(np.array(Image.open(os.path.join(seq, f))).astype(np.uint16)) for f in names]
    description = f"ImageJ=1.53t\nimages={len(planes)}\nframes={len(planes)}\nloop=false\n"
    # Deflate, not uncompressed: ImageJ reads an uncompressed multi-page TIFF that carries an ImageJ
    # description as one contiguous block, which Pillow's pages (each after its own header) are not,
    # so later frames would come out shifted.
    planes[0].save(os.path.join(out, "stack.tif"), save_all=True, append_images=planes[1:], description=description,
                   compression="tiff_deflate")
    markers = np.array(Image.open(os.path.join(gt, "TRA", "man_track" + names[0][1:])))
    rows = []
    for label in np.unique(markers):
        if label == 0:
            continue
        inside = np.pad(markers == label, 1)
        depth = ndimage.distance_transform_edt(inside)[1:-1, 1:-1]
        y, x = np.unravel_index(np.argmax(depth), depth.shape)
        rows.append(f"{label},0,{x + 0.5},{y + 0.5},1")  # the pixel's centre
    with open(os.path.join(out, "points.csv"), "w") as f:
        f.write("object_id,frame,x,y,label\n" + "\n".join(rows) + "\n")
    print(f"{out}: {len(planes)} frames {planes[0].size}, {len(rows)} clicks on frame 0")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
