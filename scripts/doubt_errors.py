#!/usr/bin/env python3
"""How many of the objects a run calls doubtful were real errors, against CTC ground truth.

    scripts/doubt_errors.py SEQ_GT LABELS_TIF RESULTS_CSV

SEQ_GT: a CTC ground-truth folder (TRA/man_trackTTT.tif markers); LABELS_TIF: the run's label stack
(`track --output`: one plane per frame, labels = the object IDs of the table; not the CTC folder,
whose labels start a new track at each gap); RESULTS_CSV: the run's Results table (`track
--results`, with its Object and Doubt columns).

On each frame an object matches the GT cells whose marker it covers more than half of (the CTC's DET
rule). An object-frame is wrong when it matches no cell (a false mask), two or more (a merge), or a
cell other than the one it matches most often (a switch). An object is an error when at least
--min-wrong of its frames (default 0.2) are wrong. Prints, per object, its frames, wrong frames and
whether it is doubtful, then the counts: doubtful objects, how many of them are errors, errors not
flagged. Needs numpy and tifffile (Debian: python3-numpy python3-tifffile) and Pillow for the
LZW-compressed GT files.
"""
import argparse
import csv
import glob
import os
from collections import Counter, defaultdict

import numpy as np


def read(path):
    try:
        import tifffile
        return tifffile.imread(path)
    except Exception:  # LZW without imagecodecs: Pillow reads it
        from PIL import Image
        return np.array(Image.open(path))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("gt")
    p.add_argument("labels")
    p.add_argument("results_csv")
    p.add_argument("--min-wrong", type=float, default=0.2)
    a = p.parse_args()

    doubtful = {}
    with open(a.results_csv, newline="") as f:
        for row in csv.DictReader(f):
            if row.get("Doubt"):
                doubtful[int(float(row["Object"]))] = row["Doubt"]

    labels = read(a.labels)
    if labels.ndim == 2:
        labels = labels[None]
    matches = defaultdict(dict)  # object -> frame -> list of GT labels matched
    for path in sorted(glob.glob(os.path.join(a.gt, "TRA", "man_track*.tif"))):
        t = int(os.path.basename(path)[len("man_track"):-len(".tif")])
        gt, res = read(path), labels[t]
        for obj in np.unique(res):
            if obj != 0:
                matches[int(obj)][t] = []
        for cell in np.unique(gt):
            if cell == 0:
                continue
            marker = gt == cell
            objs, counts = np.unique(res[marker], return_counts=True)
            for obj, n in zip(objs, counts):
                if obj != 0 and n > 0.5 * marker.sum():
                    matches[int(obj)][t].append(int(cell))

    errors = set()
    print("object frames wrong doubtful")
    for obj in sorted(matches):
        frames = matches[obj]
        single = Counter(c[0] for c in frames.values() if len(c) == 1)
        main_cell = single.most_common(1)[0][0] if single else None
        wrong = sum(1 for c in frames.values() if len(c) != 1 or c[0] != main_cell)
        if wrong >= a.min_wrong * len(frames):
            errors.add(obj)
        print(f"{obj} {len(frames)} {wrong} {'yes: ' + doubtful[obj] if obj in doubtful else 'no'}")
    flagged = set(doubtful) & set(matches)
    print(f"objects {len(matches)}, errors (>= {a.min_wrong:.0%} of frames wrong) {len(errors)}, "
          f"doubtful {len(flagged)}, doubtful and errors {len(flagged & errors)}, errors not flagged {len(errors - flagged)}")


if __name__ == "__main__":
    main()
