#!/usr/bin/env bash
# The bundled emoji model's run (models/README.md): the tutorial's nets at 64x64, batch 64, the moving average of G,
# plus the recipe's flags; every checkpoint kept and scored, so the run also gives the FID curve that shows whether
# the recipe holds past the step where the tutorial's D wins (~3,300 here).
#
#   scripts/bundled-run.sh STEPS EVERY [TRAIN FLAGS...]
#     e.g. scripts/bundled-run.sh 4800 600 --augment translation,cutout --augment-p auto
#   then: ./dcgan recalibrate --checkpoint runs/bundled/checkpoints/step-NNNNNNN.ckpt --weights ema \
#           --out models/emoji-dcgan/netG.pth   (the step with the lowest FID in runs/bundled/curve.tsv)
#
# Resumable: run it again (with the same flags) and it continues from the newest checkpoint, then scores the
# checkpoints not yet scored. Writes runs/bundled/curve.tsv: step, FID and KID of the moving average (N 1000, seeds
# 0..999, against all 2,065 emoji), and of G itself.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:?usage: scripts/bundled-run.sh STEPS EVERY [TRAIN FLAGS...]}
every=${2:?usage: scripts/bundled-run.sh STEPS EVERY [TRAIN FLAGS...]}
shift 2
run=runs/bundled
dcgan=${DCGAN:-./dcgan}

resume=()
compgen -G "$run/checkpoints/step-*.ckpt" > /dev/null && resume=(--resume)
start=$SECONDS
"$dcgan" train --data emoji --out "$run" --image-size 64 --batch-size 64 --epochs 100000 --max-steps "$steps" \
  --ema 0.999 --sample-every "$every" --checkpoint-every "$every" --keep-checkpoints 1000 "$@" "${resume[@]}" | tee -a "$run.log"
echo "training: $((SECONDS - start)) s this time" | tee -a "$run.log"

# The trainer also saves at each epoch end (every 33 steps here, ~70 MB each): only every EVERY-th step and the last
# are kept and scored.
touch "$run/curve.tsv"
for checkpoint in "$run"/checkpoints/step-*.ckpt; do
  step=$(basename "$checkpoint" .ckpt); step=$((10#${step#step-}))
  if (( step % every != 0 && step != steps )); then rm -f "$checkpoint"; continue; fi
  grep -q "^$step	" "$run/curve.tsv" && continue
  row=$step
  for weights in ema raw; do
    "$dcgan" eval --checkpoint "$checkpoint" --weights "$weights" --data emoji --n 1000 --json "$run/eval-$step-$weights.json" > /dev/null
    row+=$(jq -r '"\t" + (.report.fid|tostring) + "\t" + (.report.kid.mean|tostring)' "$run/eval-$step-$weights.json")
  done
  printf '%s\n' "$row" >> "$run/curve.tsv"
done
sort -n -o "$run/curve.tsv" "$run/curve.tsv"
echo "step, FID and KID of the moving average, FID and KID of G:"
cat "$run/curve.tsv"
