#!/usr/bin/env python3
"""The official SAM 2 video predictor on the benchmark's frames and clicks (scripts/bench).

Builds the same random-init model the package was exported from (config, seed, image size as in
the package's model.json "source", constants perturbed as the exporter does), runs
SAM2VideoPredictor.propagate_in_video with one click per object on frame 0 (the disc centres
Sam2Benchmark uses), times each propagated frame and prints one JSON line, including object 1's
mask area per frame so the Java run can be compared. Needs the official code importable
(--sam2-path or PYTHONPATH); see scripts/sam2_official.py.

Usage: bench_official.py --package DIR --frames-dir DIR --objects K [--threads N] [--sam2-path P]
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sam2_official  # noqa: E402


def centre(disc, t):
    # keep in step with Sam2Benchmark.Discs
    return 80 + (disc % 4) * 150 + 2.0 * t, 70 + (disc // 4) * 120 + (t if disc % 2 == 0 else -t)


def fill_holes_like_the_gpu():
    """The official code labels holes with its CUDA extension and skips filling without it (CPU);
    give it an 8-connected scipy labelling instead, so it fills as on a GPU (and as the Java runtime)."""
    import torch
    from scipy import ndimage
    from sam2.utils import misc

    def get_connected_components(mask):
        labels = np.zeros(mask.shape, dtype=np.int32)
        counts = np.zeros(mask.shape, dtype=np.int32)
        for i in range(mask.shape[0]):
            lab, n = ndimage.label(mask[i, 0].cpu().numpy().astype(bool), structure=np.ones((3, 3)))
            areas = np.bincount(lab.ravel())
            labels[i, 0] = lab
            counts[i, 0] = np.where(lab > 0, areas[lab], 0)
        return torch.from_numpy(labels), torch.from_numpy(counts)

    misc.get_connected_components = get_connected_components


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--package", required=True)
    p.add_argument("--frames-dir", required=True)
    p.add_argument("--objects", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sam2-path")
    p.add_argument("--masks-out", help="write object 1's mask per frame here (t.raw, one byte per pixel)")
    a = p.parse_args()
    sam2_official.setup(a.sam2_path, threads=a.threads)
    import torch
    from PIL import Image

    manifest = json.loads((Path(a.package) / "model.json").read_text())
    source, size = manifest["source"], manifest["architecture"]["image_size"]
    if source.get("random_init_seed") is None:
        raise SystemExit("the package was exported from a checkpoint; run the official model from that checkpoint instead")
    fill_holes_like_the_gpu()
    model = sam2_official.build_model(source["config"], seed=source["random_init_seed"], image_size=size,
                                      video=True, perturb_constants=True)
    frames_dir = Path(a.frames_dir)
    w, h = (int(v) for v in (frames_dir / "size.txt").read_text().split())
    raws = sorted(frames_dir.glob("*.raw"), key=lambda f: int(f.stem))
    with tempfile.TemporaryDirectory() as jpg_dir, torch.inference_mode():
        for f in raws:  # lossless PNG content under the .jpg names the official loader lists
            Image.fromarray(np.fromfile(f, dtype=np.uint8).reshape(h, w), "L").save(Path(jpg_dir) / f"{f.stem}.jpg", format="PNG")
        state = model.init_state(jpg_dir)
        started = time.time()
        for k in range(a.objects):
            model.add_new_points_or_box(state, 0, k + 1, points=np.array([centre(k, 0)], dtype=np.float32),
                                        labels=np.array([1], dtype=np.int32))
        prompt_seconds = time.time() - started
        per_frame, areas, last = [], [], time.time()
        for frame, ids, masks in model.propagate_in_video(state):
            now = time.time()
            per_frame.append(round(now - last, 3))
            last = now
            areas.append(int((masks[0, 0] > 0).sum()))
            if a.masks_out:
                Path(a.masks_out).mkdir(parents=True, exist_ok=True)
                (masks[0, 0] > 0).numpy().astype(np.uint8).tofile(Path(a.masks_out) / f"{frame}.raw")
    tracked = per_frame[1:]
    import resource
    print(json.dumps({"official": True, "objects": a.objects, "frames": len(raws), "threads": a.threads,
                      "torch": torch.__version__, "prompt_seconds": round(prompt_seconds, 3),
                      "seconds_per_tracked_frame": sum(tracked) / max(len(tracked), 1), "per_frame": per_frame,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                      "object1_areas": areas, "hole_filling": "official fill_holes_in_mask_scores, labelling by scipy.ndimage (8-connected) as sam2._C does on a GPU"}))


if __name__ == "__main__":
    main()
