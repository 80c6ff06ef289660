#!/bin/bash
# One `make gpu` that outlives a single device call (at most 10 minutes each), for a lent GPU machine reached through
# calls that each re-sync the checkout there: the first call starts the run in its own session on a private copy of
# the tree (a later call's re-sync would overwrite results files as they are written), every call waits up to WAIT
# seconds, then hands back the log and everything code/results holds so far as one tarball under $OUT (the device
# tool brings back only a few files). Call it again, within the machine's idle time, until the log says `exit`.
#
#   bash tools/gpu/continuous.sh WAIT COMMIT CHAPTER...      e.g. bash tools/gpu/continuous.sh 540 $(git rev-parse HEAD) ch02 ch05
#
# The wheels of `make gpu-wheels` travel in .whl/ (the device call's carry); chapters run in the order given.
set -u
WAIT=$1; COMMIT=$2; shift 2
RUN=${GPU_RUN_DIR:-/tmp/gpurepo}
STATE=${GPU_STATE_DIR:-/tmp}
: "${OUT:?OUT must name the folder whose files come back}"
if [ ! -f "$STATE/gpu.started" ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$STATE/site" .whl/*.whl \
    || { echo "the wheels in .whl/ did not install: run make gpu-wheels here and carry .whl" >&2; exit 1; }
  rm -rf "$RUN"; mkdir -p "$RUN"; cp -a . "$RUN/"; rm -rf "$RUN/.whl"
  touch "$STATE/gpu.started"
  { date -u; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
    python3 -c "import torch; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name())"; } > "$STATE/gpu.log" 2>&1
  (cd "$RUN" && setsid bash -c "export PYTHONPATH='$STATE/site' PYTHONUNBUFFERED=1 BOOK_COMMIT='$COMMIT';
      make gpu CHAPTERS='$*' >> '$STATE/gpu.log' 2>&1; echo \"exit \$? \$(date -u)\" > '$STATE/gpu.done'" \
      < /dev/null > /dev/null 2>&1 &)
fi
for _ in $(seq 1 "$WAIT"); do [ -f "$STATE/gpu.done" ] && break; sleep 1; done
cat "$STATE/gpu.done" 2>/dev/null || echo "still running: call again to wait on"
cp "$STATE/gpu.log" "$OUT/gpu.log"
(cd "$RUN" && tar czf "$OUT/results.tgz" code/results)
tail -c 3000 "$STATE/gpu.log"
