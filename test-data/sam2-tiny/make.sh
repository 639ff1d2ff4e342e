#!/usr/bin/env bash
# Regenerates test-data/sam2-tiny/model (the package), selfcheck/ (graph inputs and the official
# PyTorch outputs, replayed by GraphSelfCheckTest), template/ and template-fused/ (weight-free graphs, see
# docs/model-template.md) from sam2_tiny.yaml with random weights, seed 0.
# Needs the official SAM 2 code importable (PYTHONPATH or SAM2_PATH; see scripts/sam2_official.py),
# torch and onnx (Debian: python3-torch python3-onnx python3-omegaconf), Java 17 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$here/model" "$here/selfcheck" "$here/template" "$here/template-fused" "$here/constants"
nice "${PYTHON:-/usr/bin/python3}" "$here/../../scripts/export_sam2.py" \
	--config "$here/sam2_tiny.yaml" --random-init --seed 0 --name sam2-tiny-random-seed0 \
	--out "$here/model" --self-check-dir "$here/selfcheck" --threads 2
# The weight-free template of the same architecture (for the Java checkpoint converter's tests;
# its own weights are made distinct and dropped, so a converted package's weights can only come
# from the checkpoint); its RoPE tables go to constants/.
nice "${PYTHON:-/usr/bin/python3}" "$here/../../scripts/export_sam2.py" \
	--config "$here/sam2_tiny.yaml" --random-init --seed 0 --template --out "$here/template" --threads 2 \
	--shared-constant-bytes 1024  # small, so that the tiny RoPE tables take the shared-constants path too
# The same template with --fused-attention (Hiera's attention blocks and the memory attention as
# ONNX Runtime's MultiHeadAttention, the fast graphs): Sam2ParityTest replays the official fixtures on it.
nice "${PYTHON:-/usr/bin/python3}" "$here/../../scripts/export_sam2.py" \
	--config "$here/sam2_tiny.yaml" --random-init --seed 0 --template --fused-attention --out "$here/template-fused" --threads 2 \
	--shared-constant-bytes 1024
