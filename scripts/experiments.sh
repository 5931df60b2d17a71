#!/usr/bin/env bash
# The experiments of docs/experiments.md: the same nets, seed, batches and steps for every row, one change per row,
# each judged by FID/KID (ResNet-18) of N generated images against the data set. Rows that only change how a trained
# G is used (EMA weights, train-mode sampling, BatchNorm re-estimation) reuse the baseline run: --ema does not touch
# training (the losses of runs with and without it are identical), so the baseline's raw weights are the tutorial's G.
#
#   scripts/experiments.sh fashion-mnist|emoji [STEPS] [N]
#
# Writes runs/experiments/SET/ROW/{run,eval.json,grid.png} and prints one tab-separated line per row to
# runs/experiments/SET/results.tsv. Each run uses one thread (OMP_NUM_THREADS=1) so two sets can run side by side.
set -euo pipefail
cd "$(dirname "$0")/.."

set_name=${1:?usage: scripts/experiments.sh fashion-mnist|emoji [STEPS] [N]}
steps=${2:-1000}
n=${3:-1000}
source scripts/lib/data-sets.sh
select_data_set "$set_name"

# 32x32 images with the tutorial's widths (ngf = ndf = 64): about 6x cheaper per image than 64x64 on a CPU.
common=(--data "$data" --image-size 32 --batch-size 64 --seed 999 --epochs 1000 --max-steps "$steps"
        --sample-every 250 --checkpoint-every 250 --keep-checkpoints 1)
root=runs/experiments/$set_name
cache=runs/.cache
mkdir -p "$root"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

train() { # ROW ARGS...
  local row=$1; shift
  local dir=$root/$row/run
  if [ -f "$root/$row/trained" ]; then return; fi
  rm -rf "$dir"
  local start=$SECONDS
  ./dcgan train "${common[@]}" --out "$dir" --cache-dir "$cache" "$@" > "$root/$row/train.log" 2>&1
  echo $((SECONDS - start)) > "$root/$row/trained"
}

evaluate() { # ROW LABEL CHECKPOINT ARGS...
  local row=$1 label=$2 checkpoint=$3; shift 3
  local out=$root/$label
  mkdir -p "$out"
  if [ ! -f "$out/eval.json" ]; then
    ./dcgan eval --checkpoint "$checkpoint" --data "$data" --n "$n" "${real_n[@]}" --cache-dir "$cache" --json "$out/eval.json" "$@" > "$out/eval.log" 2>&1
    ./dcgan sample --checkpoint "$checkpoint" --n 64 --out "$out/grid.png" "$@" > /dev/null
  fi
  jq -r --arg name "$label" --arg seconds "$(cat "$root/$row/trained")" \
    '[$name, (.report.fid|tostring), (.report.kid.mean|tostring), (.report.kid.standardDeviation|tostring),
      (.report.precisionRecall.precision|tostring), (.report.precisionRecall.recall|tostring),
      (.report.generatedCount|tostring), (.report.realCount|tostring), $seconds] | @tsv' "$out/eval.json" >> "$root/results.tsv"
}

mkdir -p "$root"/{baseline,bce-logits,lsgan,hinge,wgan-gp,leaky-relu-g,ttur,augment,augment-tc,spectral-norm}
train baseline --ema 0.99
train bce-logits --loss bce-logits
train lsgan --loss lsgan
train hinge --loss hinge
train wgan-gp --loss wgan-gp
train leaky-relu-g --g-activation leaky-relu
train ttur --lr-g 1e-4 --lr-d 4e-4
train augment --augment color,translation,cutout
train augment-tc --augment translation,cutout
train spectral-norm --spectral-norm

: > "$root/results.tsv"
for row in baseline bce-logits lsgan hinge wgan-gp leaky-relu-g ttur augment augment-tc spectral-norm; do
  evaluate "$row" "$row" "$root/$row/run" --weights raw
done
evaluate baseline ema-0.99 "$root/baseline/run" --weights ema
evaluate baseline train-mode "$root/baseline/run" --weights raw --mode train
if [ ! -f "$root/recalibrated.pth" ]; then
  ./dcgan recalibrate --checkpoint "$root/baseline/run" --weights raw --out "$root/recalibrated.pth" > /dev/null
fi
evaluate baseline recalibrated "$root/recalibrated.pth"
# The moving average's weights with the trained G's BatchNorm statistics, then with statistics measured for them.
if [ ! -f "$root/ema-recalibrated.pth" ]; then
  ./dcgan recalibrate --checkpoint "$root/baseline/run" --weights ema --out "$root/ema-recalibrated.pth" > /dev/null
fi
evaluate baseline ema-0.99-recalibrated "$root/ema-recalibrated.pth"
{
  echo "| row | FID (ResNet-18) | KID (ResNet-18) | precision / recall | N generated / real | training wall time |"
  echo "|---|---|---|---|---|---|"
  awk -F'\t' '{ printf "| %s | %.1f | %.2f +- %.2f | %.3f / %.3f | %s / %s | %d s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$root/results.tsv"
} > "$root/results.md"
cat "$root/results.md"
