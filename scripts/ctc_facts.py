#!/usr/bin/env python3
"""Facts of a CTC sequence's ground truth that bound what propagation from frame-0 clicks can score.

    scripts/ctc_facts.py DATA_ROOT DATASET/SEQ [DATASET/SEQ ...]

1. Cells that appear later: the tracks of man_track.txt that begin after frame 0 (entering cells
   and daughters of divisions) and their share of all cell-frames. With one click per cell on
   frame 0 (scripts/real-data) they are never prompted. DET charges a missed marker in full
   (10 of the 10 per marker it starts from) and one result covering two markers only half, so DET
   is at most about 1 - that share, unless tracked masks cover late cells' markers: a mother's
   mask over its daughters (divisions), or a mask spread over a neighbour by accident. The
   per-frame oracle of docs/model-format.md clicks every ground-truth cell on every frame and has
   no such limit.
2. Motion: for every cell on two consecutive frames, the displacement of its marker's centroid
   divided by the marker's equivalent radius on the earlier frame, and whether the new centroid
   lies outside the earlier marker (where a mask carried from the previous frame starts off the cell).
"""
import glob
import sys

import numpy as np
from PIL import Image  # reads the LZW-compressed CTC files
from scipy import ndimage


def late_tracks(root, seq):
    tracks = []
    with open(f"{root}/{seq}_GT/TRA/man_track.txt", newline=None) as f:  # some have CRLF line ends
        for line in f:
            if line.strip():
                label, begin, end, parent = map(int, line.split())
                tracks.append((begin, end, parent))
    total = sum(e - b + 1 for b, e, _ in tracks)
    late = [(b, e, p) for b, e, p in tracks if b > 0]
    late_frames = sum(e - b + 1 for b, e, _ in late)
    daughters = sum(1 for _, _, p in late if p > 0)
    return (f"{seq}: {len(tracks)} tracks, {len(late)} begin after frame 0 ({daughters} daughters of a division); "
            f"their share of cell-frames {late_frames / total * 100:.1f} %, so DET for frame-0 clicks <= ~{1 - late_frames / total:.2f} where no mask covers them")


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
        print(late_tracks(sys.argv[1], seq))
        print(motion(sys.argv[1], seq))
