#!/usr/bin/env python3
"""Renders the demo time-lapse into test-data/demo/: a small cell-like 16-bit sequence with its
ground truth in Cell Tracking Challenge layout and a prompts file.

What it contains (256 x 256 pixels, 20 frames, seeded, so it is reproducible bit for bit):
  - demo.tif            16-bit multi-page TIFF (Deflate), the time-lapse
  - points.csv          one positive click per cell (object_id,frame,x,y,label; frame 0-based):
                        every cell on frame 0, the cell that enters on the first frame its centre is well inside
  - 01_GT/TRA/man_trackTTT.tif, 01_GT/TRA/man_track.txt   CTC tracking ground truth (L B E P)
  - 01_GT/SEG/man_segTTT.tif                               CTC segmentation ground truth (every frame)
Cells: bright nuclei-like blobs with wobbly outlines and texture that move, two that touch, one
that divides (its daughters are new tracks with the mother as parent, as in CTC), one that leaves
the frame and one that enters; Poisson shot noise (gain 16) on a dim background.
Needs numpy and Pillow.   Usage: make_demo_data.py [OUT_DIR]
"""
import os
import sys

import numpy as np
from PIL import Image

W = H = 256
T = 20
DIVISION = 10  # first frame of the daughters
rng = np.random.default_rng(20261125)


def track(x0, y0, vx, vy, frames, wobble=0.6):
    """Centres along a smooth path with a little random drift."""
    xs, ys = [x0], [y0]
    for _ in range(1, frames):
        xs.append(xs[-1] + vx + rng.normal(0, wobble))
        ys.append(ys[-1] + vy + rng.normal(0, wobble))
    return np.array(xs), np.array(ys)


class Cell:
    def __init__(self, label, start, xs, ys, rx, ry, angle, brightness, parent=0):
        self.label, self.start, self.xs, self.ys = label, start, xs, ys
        self.rx, self.ry, self.angle, self.brightness, self.parent = rx, ry, angle, brightness, parent
        self.phase = rng.uniform(0, 2 * np.pi, 3)

    @property
    def end(self):
        return self.start + len(self.xs) - 1

    def mask(self, t, yy, xx):
        i = t - self.start
        if i < 0 or i >= len(self.xs):
            return np.zeros((H, W), bool)
        dx, dy = xx - self.xs[i], yy - self.ys[i]
        a = self.angle + 0.02 * i
        u = dx * np.cos(a) + dy * np.sin(a)
        v = -dx * np.sin(a) + dy * np.cos(a)
        theta = np.arctan2(v, u)
        # wobbly outline, slowly changing shape
        r = 1 + 0.07 * np.sin(3 * theta + self.phase[0] + 0.2 * i) + 0.05 * np.sin(5 * theta + self.phase[1])
        return (u / self.rx) ** 2 + (v / self.ry) ** 2 <= r ** 2


def cells():
    c = []
    xs, ys = track(60, 60, 1.2, 0.6, T)
    c.append(Cell(1, 0, xs, ys, 15, 11, 0.3, 1800))
    # two cells that touch: side by side, drifting together
    xs, ys = track(150, 70, 0.4, 1.0, T, 0.3)
    c.append(Cell(2, 0, xs, ys, 13, 10, 0.0, 1500))
    c.append(Cell(3, 0, xs + 25, ys + 2, 12, 10, 0.2, 2200))
    # a cell that divides: the mother stretches, then two daughters move apart
    xs, ys = track(80, 170, 0.3, -0.3, DIVISION, 0.3)
    mother = Cell(4, 0, xs, ys, 13, 11, 0.8, 1700)
    mother.rx = 13
    c.append(mother)
    ax, ay = np.cos(0.8), np.sin(0.8)
    for label, sign in ((7, -1), (8, 1)):
        n = T - DIVISION
        dxs = xs[-1] + sign * ax * (8 + 1.2 * np.arange(n)) + rng.normal(0, 0.3, n)
        dys = ys[-1] + sign * ay * (8 + 1.2 * np.arange(n)) + rng.normal(0, 0.3, n)
        c.append(Cell(label, DIVISION, dxs, dys, 10, 9, 0.8, 1900, parent=4))
    # a cell that leaves on the right, gone before the end
    xs, ys = track(205, 190, 4.0, 0.2, 14, 0.3)
    c.append(Cell(5, 0, xs, ys, 12, 10, 0.0, 2000))
    # a cell that enters from the left on frame 4
    xs, ys = track(-12, 120, 3.5, 0.1, T - 4, 0.3)
    c.append(Cell(6, 4, xs, ys, 12, 10, 0.1, 1600))
    return c


def render(all_cells):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64) + 0.5
    texture = rng.normal(0, 1, (H, W))
    frames, labels = [], []
    for t in range(T):
        signal = np.full((H, W), 200.0)
        lab = np.zeros((H, W), np.uint16)
        for cell in all_cells:
            m = cell.mask(t, yy, xx)
            m &= lab == 0  # touching cells: the one drawn first keeps the shared pixels
            if not m.any():
                continue
            lab[m] = cell.label
            # soft-edged body: blur the mask a little, add texture
            body = m.astype(np.float64)
            for axis in (0, 1):
                body = (np.roll(body, 1, axis) + 2 * body + np.roll(body, -1, axis)) / 4
            signal += body * cell.brightness * (1 + 0.08 * np.roll(texture, 7 * t, 0))
        # shot noise at a camera gain of 16 grey levels per photo-electron (keeps the file small)
        noisy = rng.poisson(np.maximum(signal, 0) / 16.0) * 16.0
        frames.append(np.clip(noisy, 0, 65535).astype(np.uint16))
        labels.append(lab)
    return frames, labels


def save_stack(path, planes):
    """Multi-page TIFF whose ImageJ description makes ImageJ/Fiji open it as a time-lapse (frames=T).
    Deflate matters: ImageJ reads an uncompressed multi-page TIFF with an ImageJ description as one
    contiguous block, which pages written by Pillow are not (later frames would come out shifted)."""
    images = [Image.fromarray(p) for p in planes]
    description = f"ImageJ=1.53t\nimages={len(planes)}\nframes={len(planes)}\nloop=false\n"
    images[0].save(path, save_all=True, append_images=images[1:], compression="tiff_deflate", description=description)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "test-data", "demo")
    all_cells = cells()
    frames, labels = render(all_cells)
    os.makedirs(os.path.join(out, "01_GT", "TRA"), exist_ok=True)
    os.makedirs(os.path.join(out, "01_GT", "SEG"), exist_ok=True)
    save_stack(os.path.join(out, "demo.tif"), frames)
    for t, lab in enumerate(labels):
        Image.fromarray(lab).save(os.path.join(out, "01_GT", "TRA", f"man_track{t:03d}.tif"), compression="tiff_deflate")
        Image.fromarray(lab).save(os.path.join(out, "01_GT", "SEG", f"man_seg{t:03d}.tif"), compression="tiff_deflate")
    with open(os.path.join(out, "01_GT", "TRA", "man_track.txt"), "w") as f:
        for cell in sorted(all_cells, key=lambda c: c.label):
            present = [t for t in range(T) if (labels[t] == cell.label).any()]
            f.write(f"{cell.label} {present[0]} {present[-1]} {cell.parent}\n")
    # Prompts: one click per cell at its centre on its first frame fully inside the image
    # (daughters are not prompted: the demo shows what propagation does with a division).
    with open(os.path.join(out, "points.csv"), "w") as f:
        f.write("object_id,frame,x,y,label\n")
        for cell in all_cells:
            if cell.parent:
                continue
            for t in range(cell.start, cell.end + 1):
                i = t - cell.start
                x, y = cell.xs[i], cell.ys[i]
                if cell.rx / 2 < x < W - cell.rx / 2 and cell.rx / 2 < y < H - cell.rx / 2:
                    f.write(f"{cell.label},{t},{x:.1f},{y:.1f},1\n")
                    break
    print(f"Wrote {out}: {T} frames of {W} x {H}, {len(all_cells)} tracks")


if __name__ == "__main__":
    main()
