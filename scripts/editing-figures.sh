#!/usr/bin/env bash
# Makes docs/editing.md's figures and vectors again, on the bundled emoji model, with the commands that page shows:
# run it after shipping a new model (scripts/ship-bundled.sh), then read the log's figures into the page's comments.
# The heart labels are a person's: look at the new grid (docs/images/samples-0-63.png, and `--seed 64 --n 64`)
# and name the seeds that show a couple under a heart and single figures without one.
#
#   HEART_WITH=3,33,37,54,62,108 HEART_WITHOUT=1,2,4,5,6,8,10,11,17-20 scripts/editing-figures.sh [LOG]
#   INVERSION_TABLE=1 ...   also scripts/inversion-psnr.sh, the table of how close inversion gets (~40 inversions)
#
# Interpolation and arithmetic use the seeds of INTERPOLATE (FROM,TO) and ARITHMETIC_A / _B / _C: choose them from the
# same grid (a single figure to a couple; couples under a heart, light single faces, darker single faces).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HEART_WITH:?name the seeds with a heart (HEART_WITH=3,33,...): see the comment at the top}"
: "${HEART_WITHOUT:?name the seeds without a heart (HEART_WITHOUT=1,2,...)}"
interpolate=${INTERPOLATE:-8,33}
from=${interpolate%,*} to=${interpolate#*,}
log=${1:-/tmp/editing-figures.log}
images=docs/images
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dcgan=./dcgan
: > "$log"
say() { echo "+ $*" | tee -a "$log"; "$@" 2>&1 | tee -a "$log"; }

say $dcgan sample --seed 0 --n 64 --out $images/samples-0-63.png
cmp -s $images/samples-0-63.png models/emoji-dcgan/samples.png || echo "warning: the grid differs from the model card's" | tee -a "$log"

say $dcgan attribute fit --with "$HEART_WITH" --without "$HEART_WITHOUT" --name heart --out $images/heart.json
say $dcgan attribute apply --vector $images/heart.json --seed 100 --n 4 --strengths -1,0,0.5,1,2 --out $images/heart-strip.png

say $dcgan attribute classify --data emoji --attribute skin_tone=dark --against skin_tone=light --n 1000 --out $images/skin-tone-dark.json
say $dcgan attribute apply --vector $images/skin-tone-dark.json --seed 200 --n 4 --strengths -3,-1.5,0,1.5,3 --out $images/skin-tone-strip.png
say $dcgan attribute classify --data emoji --attribute gender=woman --against gender=man --n 1000 --out $images/gender-woman.json
say $dcgan attribute apply --vector $images/gender-woman.json --seed 300 --n 4 --strengths -3,-1.5,0,1.5,3 --out $images/woman-strip.png
say $dcgan attribute apply --vector $images/gender-woman.json --condition $images/skin-tone-dark.json --seed 300 --n 4 \
  --strengths -3,-1.5,0,1.5,3 --out $images/woman-conditioned-strip.png

say $dcgan interpolate --from "$from" --to "$to" --steps 8 --out $images/slerp-$from-$to.png
say $dcgan interpolate --from "$from" --to "$to" --steps 8 --mode lerp --out $images/lerp-$from-$to.png
say $dcgan arithmetic --a "${ARITHMETIC_A:-3,33,37}" --b "${ARITHMETIC_B:-8,10,20}" --c "${ARITHMETIC_C:-18,23,25}" \
  --out $images/arithmetic.png

say $dcgan directions --method sefa --k 5 --out "$work/sefa"
cp "$work/sefa/direction-00.png" $images/sefa-00.png

unzip -p data/emoji.zip 1f926-1f3fc-200d-2642-fe0f.png > "$work/facepalm.png" # a real emoji of the built-in set
cp "$work/facepalm.png" $images/invert-facepalm.png
say $dcgan invert --image "$work/facepalm.png" --out "$work/facepalm.npy" --reconstruction $images/invert-facepalm-reconstruction.png
for k in 00 01; do
  say $dcgan attribute apply --latents "$work/facepalm.npy" --vector "$work/sefa/direction-$k.json" --strengths -3,-1.5,0,1.5,3 \
    --out $images/invert-facepalm-sefa-$k.png
done

[ -n "${INVERSION_TABLE:-}" ] && say scripts/inversion-psnr.sh "$work/inversion"
echo "figures in $images; the commands' output in $log"
