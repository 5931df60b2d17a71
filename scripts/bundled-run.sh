#!/usr/bin/env bash
# A bundled model's run (models/README.md): the tutorial's nets, batch 64, the moving average of G, plus the recipe's
# flags; every EVERY-th checkpoint kept and scored, so the run also gives the FID curve that shows whether the recipe
# holds past the step where the tutorial's D wins (~3,300 on the emoji set).
#
#   scripts/bundled-run.sh SET STEPS EVERY [TRAIN FLAGS...]      SET: emoji (64x64) or fashion-mnist (32x32)
#   RUN=NAME scripts/bundled-run.sh ...                          into runs/NAME instead of runs/bundled-SET
#     e.g. scripts/bundled-run.sh emoji 4800 600 --augment translation,cutout
#   then: ./dcgan recalibrate --checkpoint runs/bundled-SET/checkpoints/step-NNNNNNN.ckpt --weights ema \
#           --out models/SET-dcgan/netG.pth   (the step with the lowest FID in runs/bundled-SET/curve.tsv)
#
# Resumable: run it again (with the same flags) and it continues from the newest checkpoint, then scores the
# checkpoints not yet scored. Writes runs/bundled-SET/curve.tsv: step, FID, KID and SWD (mean over the pyramid's levels,
# x1e3) of the moving average (N 1000, seeds 0..999, against the real set as scripts/lib/data-sets.sh says), then of G itself.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/bundled-run.sh emoji|fashion-mnist STEPS EVERY [TRAIN FLAGS...]"
set_name=${1:?$usage}
steps=${2:?$usage}
every=${3:?$usage}
shift 3
source scripts/lib/data-sets.sh
select_data_set "$set_name"
size=64; [ "$set_name" = fashion-mnist ] && size=32 # Fashion-MNIST's images are 28x28: 64 would only upscale them
run=runs/${RUN:-bundled-$set_name} # RUN=NAME: another run folder under runs/ (a recipe tried at full length beside the bundled one)
mkdir -p "$run" # runs/ is not in git: tee below needs the folder
dcgan=${DCGAN:-./dcgan}

resume=()
compgen -G "$run/checkpoints/step-*.ckpt" > /dev/null && resume=(--resume)
start=$SECONDS
"$dcgan" train --data "$data" --out "$run" --image-size "$size" --batch-size 64 --epochs 100000 --max-steps "$steps" \
  --ema 0.999 --sample-every "$every" --checkpoint-every "$every" --keep-checkpoints 1000 "$@" "${resume[@]}" | tee -a "$run.log"
echo "training: $((SECONDS - start)) s this time" | tee -a "$run.log"

# The trainer also saves at each epoch end (every 33 steps on the emoji set, ~80 MB each): only every EVERY-th step
# and the last are kept and scored. The newest is always kept: it is where the next call resumes, even when it is past
# STEPS (a run already longer than asked).
touch "$run/curve.tsv"
newest=$(compgen -G "$run/checkpoints/step-*.ckpt" | sort | tail -n 1)
for checkpoint in "$run"/checkpoints/step-*.ckpt; do
  step=$(basename "$checkpoint" .ckpt); step=$((10#${step#step-}))
  if (( step % every != 0 && step != steps )); then
    [ "$checkpoint" = "$newest" ] || rm -f "$checkpoint"
    continue
  fi
  grep -q "^$step	" "$run/curve.tsv" && continue
  row=$step
  for weights in ema raw; do
    "$dcgan" eval --checkpoint "$checkpoint" --weights "$weights" --data "$data" "${real_n[@]}" --n 1000 \
      --json "$run/eval-$step-$weights.json" > /dev/null
    row+=$(jq -r '"\t" + (.report.fid|tostring) + "\t" + (.report.kid.mean|tostring) + "\t" + (.report.swd.mean|tostring)' \
      "$run/eval-$step-$weights.json")
  done
  printf '%s\n' "$row" >> "$run/curve.tsv"
done
sort -n -o "$run/curve.tsv" "$run/curve.tsv"
echo "step, FID, KID and SWD of the moving average, then of G:"
cat "$run/curve.tsv"
