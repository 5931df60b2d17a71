#!/usr/bin/env bash
# The multi-seed study of docs/experiments.md: each row trained with several seeds at equal steps, then every run
# judged by FID/KID (ResNet-18) of N generated images, for its raw G and for its moving average (--ema does not
# change training, so one run gives both rows). Rows run seed by seed, so a stopped study still compares rows.
#
#   scripts/study.sh fashion-mnist|emoji [STEPS] [SEEDS] [ROWS]
#     e.g. scripts/study.sh emoji 1000 "1 2 3" "baseline augment spectral-norm r1"
#   STEPS above 1,000 go to runs/study/SET-STEPS and also score a checkpoint every 1,000 steps (curves.tsv)
#   CURVE_SEEDS="1 2"  scores the curves of those seeds only (space-separated; each point costs two evaluations);
#                      running the study again without it adds the rest
#   DCGAN=/path/to/dcgan  runs another build (a copy, so rebuilding the tree does not change a study under way)
#   PRECISION=bf16     trains in bf16 mixed precision, into runs/study/SET[-STEPS]-bf16 (default fp32, the tables' own;
#                      the command's auto would pick bf16 on some processors and not others)
#
# Writes runs/study/SET/SEED/ROW/{run,eval-*.json,grid-*.png,result-*.tsv}, one tab-separated line per evaluation,
# gathered after each run in runs/study/SET/results.tsv; scripts/study-summary.sh makes the table of means and spreads.
set -euo pipefail
cd "$(dirname "$0")/.."

set_name=${1:?usage: scripts/study.sh fashion-mnist|emoji [STEPS] [SEEDS] [ROWS]}
steps=${2:-1000}
seeds=${3:-1 2 3}
rows=${4:-baseline augment spectral-norm r1 leaky-relu-g augment-auto augment-leaky-g augment-r1} # the 1,000-step tables (Fashion-MNIST's has no augment-r1)
dcgan=${DCGAN:-./dcgan}
n=1000
source scripts/lib/data-sets.sh
source scripts/lib/study-results.sh
select_data_set "$set_name"

row_args() { # ROW -> the training flags that make it
  case "$1" in
    baseline) ;;
    # The augment rows keep the shift they were measured with (half the paper's; see DiffAugment.LegacyTranslationRatio);
    # augment-paper-shift is the paper's 1/8. Colour is left out: it greys the emoji backgrounds.
    augment) echo "--augment translation,cutout --augment-translation 0.0625" ;;
    augment-paper-shift) echo "--augment translation,cutout" ;;
    # G's last two side-doubling layers as resize + 3x3 convolution (the checkerboard remedy; docs/experiments.md).
    augment-paper-shift-resize2) echo "--augment translation,cutout --g-resize-conv 2" ;;
    # D with twice the feature maps (issue 22's last suspect for the texture: D's capacity).
    augment-paper-shift-ndf128) echo "--augment translation,cutout --ndf 128" ;;
    # Both learning rates falling linearly to 0 over the last third of the run (pix2pix's ending): 2000-3000 at 3,000 steps.
    augment-paper-shift-lr-decay) echo "--augment translation,cutout --lr-decay $((steps * 2 / 3))-$steps" ;;
    spectral-norm) echo "--spectral-norm" ;;
    r1) echo "--r1 1" ;;
    r1-*) echo "--r1 ${1#r1-}" ;; # the gamma sweep: r1-0.1, r1-10, ...
    leaky-relu-g) echo "--g-activation leaky-relu" ;;
    augment-sn) echo "--augment translation,cutout --augment-translation 0.0625 --spectral-norm" ;;
    augment-r1) echo "--augment translation,cutout --augment-translation 0.0625 --r1 1" ;;
    augment-leaky-g) echo "--augment translation,cutout --augment-translation 0.0625 --g-activation leaky-relu" ;;
    augment-auto) echo "--augment translation,cutout --augment-translation 0.0625 --augment-p auto" ;;
    *) echo "unknown row '$1'" >&2; return 1 ;;
  esac
}

precision=${PRECISION:-fp32}
root=runs/study/$set_name
[ "$steps" = 1000 ] || root=runs/study/$set_name-$steps
[ "$precision" = fp32 ] || root=$root-$precision
# Runs of other lengths than the tables' 1,000 steps go to their own folder; longer ones keep a checkpoint every 1,000
# steps and score each: the FID curve that shows whether a row holds past the step where the tutorial's D wins
# (runs/study/SET-STEPS/curves.tsv). Epoch-end checkpoints between those are removed after the run (disk space).
every=250; keep=1
[ "$steps" -gt 1000 ] && { every=1000; keep=1000; }
cache=runs/.cache
mkdir -p "$root"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

for seed in $seeds; do
  for row in $rows; do
    args=$(row_args "$row")
    dir=$root/$seed/$row
    mkdir -p "$dir"
    if [ ! -f "$dir/trained" ]; then
      # A run stopped part-way (Ctrl+C, the end of a session) continues bit-exactly from its newest checkpoint.
      resume=(); compgen -G "$dir/run/checkpoints/step-*.ckpt" > /dev/null && resume=(--resume)
      start=$SECONDS
      # shellcheck disable=SC2086 # row_args yields separate flags
      "$dcgan" train --data "$data" --image-size 32 --batch-size 64 --seed "$seed" --epochs 100000 --max-steps "$steps" \
        --sample-every "$every" --checkpoint-every "$every" --keep-checkpoints "$keep" --ema 0.99 $args \
        --precision "$precision" --out "$dir/run" --cache-dir "$cache" "${resume[@]}" >> "$dir/train.log" 2>&1
      echo $((SECONDS - start)) >> "$dir/seconds" # training time over all the invocations a run took
      # Only a run that reached its last step counts as trained (a stopped one exits 128 + the signal, and set -e ends the study).
      compgen -G "$dir/run/checkpoints/step-$(printf %07d "$steps").ckpt" > /dev/null \
        || { echo "$dir: the run stopped before step $steps; run the study again to continue it" >&2; exit 1; }
      awk '{ s += $1 } END { print s }' "$dir/seconds" > "$dir/trained"
      for checkpoint in "$dir"/run/checkpoints/step-*.ckpt; do
        step=$(basename "$checkpoint" .ckpt); step=$((10#${step#step-}))
        (( step % every == 0 || step == steps )) || rm -f "$checkpoint"
      done
    fi
    for weights in raw ema; do
      label=$row; [ "$weights" = ema ] && label="$row+ema"
      if [ ! -f "$dir/eval-$weights.json" ] || [ ! -f "$dir/grid-$weights.png" ]; then
        "$dcgan" eval --checkpoint "$dir/run" --weights "$weights" --data "$data" --n "$n" "${real_n[@]}" \
          --cache-dir "$cache" --json "$dir/eval-$weights.json" > "$dir/eval-$weights.log" 2>&1
        "$dcgan" sample --checkpoint "$dir/run" --weights "$weights" --n 64 --out "$dir/grid-$weights.png" > /dev/null
      fi
      jq -r --arg row "$label" --arg seed "$seed" --arg seconds "$(cat "$dir/trained")" \
        '[$row, $seed, (.report.fid|tostring), (.report.kid.mean|tostring),
          (.report.precisionRecall.precision|tostring), (.report.precisionRecall.recall|tostring),
          (.report.generatedCount|tostring), (.report.realCount|tostring), $seconds,
          ((.report.swd.mean // "")|tostring)] | @tsv' \
        "$dir/eval-$weights.json" > "$dir/result-$weights.tsv"
    done
    # CURVE_SEEDS="1" scores the curve of seed 1 only, for speed; running the study again later fills in the rest.
    if [ "$keep" -gt 1 ] && [[ " ${CURVE_SEEDS:-$seed} " == *" $seed "* ]]; then
      for checkpoint in "$dir"/run/checkpoints/step-*.ckpt; do
        step=$(basename "$checkpoint" .ckpt); step=$((10#${step#step-}))
        [ -f "$dir/curve-$step.tsv" ] && continue
        line="$row	$seed	$step"
        for weights in raw ema; do
          if [ "$step" = "$steps" ]; then
            cp "$dir/eval-$weights.json" "$dir/curve-$step-$weights.json"   # the last step is scored above already
          else
            "$dcgan" eval --checkpoint "$checkpoint" --weights "$weights" --data "$data" --n "$n" "${real_n[@]}" \
              --cache-dir "$cache" --json "$dir/curve-$step-$weights.json" > "$dir/curve-$step-$weights.log" 2>&1
          fi
          line+=$(jq -r '"\t" + (.report.fid|tostring)' "$dir/curve-$step-$weights.json")
        done
        printf '%s\n' "$line" > "$dir/curve-$step.tsv"
      done
    fi
    gather_study "$root" # results.tsv (and curves.tsv): every evaluation so far, seed by seed in the tables' order
  done
done
