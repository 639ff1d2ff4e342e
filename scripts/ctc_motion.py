#!/usr/bin/env python3
"""How far ground-truth cells move between frames, relative to their own size, from CTC TRA markers.

    scripts/ctc_motion.py DATA_ROOT DATASET/SEQ [DATASET/SEQ ...]

For every cell present on two consecutive frames: the displacement of its marker's centroid
divided by the marker's equivalent radius on the earlier frame, and whether the new centroid lies
outside the earlier marker. Propagation carries each object from its previous mask, so cells whose
new centre lies outside it are where a per-frame click from the ground truth (the oracle of
docs/model-format.md) knows more than propagation can.
"""
import glob
import sys

import numpy as np
from PIL import Image  # reads the LZW-compressed CTC files
from scipy import ndimage


def motion(root, seq):
    files = sorted(glob.glob(f"{root}/{seq}_GT/TRA/man_track*.tif"))
    if not files:
        sys.exit(f"no TRA markers under {root}/{seq}_GT/TRA")
    previous = None
    ratios, outside, areas = [], 0, []
    for f in files:
        labels = np.array(Image.open(f)).astype(np.int64)
        ids = np.unique(labels)
        ids = ids[ids > 0]
        centres = dict(zip(ids, ndimage.center_of_mass(labels > 0, labels, ids)))
        area = dict(zip(ids, ndimage.sum(labels > 0, labels, ids)))
        areas.extend(area.values())
        if previous is not None:
            prev_labels, prev_centres, prev_area = previous
            for i in ids:
                if i not in prev_centres:
                    continue
                (y, x), (py, px) = centres[i], prev_centres[i]
                ratios.append(np.hypot(y - py, x - px) / np.sqrt(prev_area[i] / np.pi))
                if prev_labels[int(round(y)), int(round(x))] != i:
                    outside += 1
        previous = (labels, centres, area)
    r = np.array(ratios)
    return (f"{seq}: {len(r)} cell transitions; displacement / radius median {np.median(r):.2f}, "
            f"90th percentile {np.percentile(r, 90):.2f}; over 1 radius {np.mean(r > 1) * 100:.1f} %; "
            f"new centre outside the previous marker {outside / len(r) * 100:.1f} %; median marker area {np.median(areas):.0f} px")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    for seq in sys.argv[2:]:
        print(motion(sys.argv[1], seq))
