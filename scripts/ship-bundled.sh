#!/usr/bin/env bash
# Ships a step of a bundled run (scripts/bundled-run.sh) as models/SET-dcgan/netG.pth: the moving average with its
# BatchNorm statistics re-measured over 8,192 z, its 64-seed grid (what `./dcgan sample` draws), and its evaluation
# (N 1,000 against the real set, as the curve) in runs/bundled-SET/shipped-STEP.json for the model card. The grid it
# replaces is kept as docs/images/experiments/SET-bundled-before-STEP.png, for the card's side-by-side.
#
#   scripts/ship-bundled.sh emoji|fashion-mnist STEP      (the step with the lowest FID in runs/bundled-SET/curve.tsv)
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/ship-bundled.sh emoji|fashion-mnist STEP"
set_name=${1:?$usage}
step=${2:?$usage}
source scripts/lib/data-sets.sh
select_data_set "$set_name"
run=runs/${RUN:-bundled-$set_name} # RUN=NAME: a step of runs/NAME instead
checkpoint=$run/checkpoints/step-$(printf %07d "$step").ckpt
[ -f "$checkpoint" ] || { echo "$checkpoint does not exist: name a step whose checkpoint the run kept" >&2; exit 1; }
model=models/$set_name-dcgan
dcgan=${DCGAN:-./dcgan}

cp "$model/samples.png" "docs/images/experiments/$set_name-bundled-before-$step.png"
"$dcgan" recalibrate --checkpoint "$checkpoint" --weights ema --out "$model/netG.pth"
"$dcgan" sample --checkpoint "$model/netG.pth" --out "$model/samples.png"
"$dcgan" eval --checkpoint "$model/netG.pth" --data "$data" "${real_n[@]}" --n 1000 --json "$run/shipped-$step.json"
