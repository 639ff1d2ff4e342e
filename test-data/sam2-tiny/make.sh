#!/usr/bin/env bash
# Regenerates test-data/sam2-tiny/model (the package) and selfcheck/ (graph inputs and the official
# PyTorch outputs, replayed by GraphSelfCheckTest) from sam2_tiny.yaml with random weights, seed 0.
# Needs the official SAM 2 code importable (PYTHONPATH or SAM2_PATH; see scripts/sam2_official.py),
# torch and onnx (Debian: python3-torch python3-onnx python3-omegaconf), Java 17 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$here/model" "$here/selfcheck"
nice "${PYTHON:-/usr/bin/python3}" "$here/../../scripts/export_sam2.py" \
	--config "$here/sam2_tiny.yaml" --random-init --seed 0 --name sam2-tiny-random-seed0 \
	--out "$here/model" --self-check-dir "$here/selfcheck" --threads 2
