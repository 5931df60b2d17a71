#!/usr/bin/env bash
# How close GAN inversion gets with the bundled model (docs/editing.md): 20 images it generated (z known) and 20 real
# emoji of the built-in set (every 100th file; the model was trained on all of them, so none is held out), each
# inverted with the default settings; prints each image's PSNR / SSIM and the mean.
# Usage: scripts/inversion-psnr.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-/tmp/inversion-psnr}
rm -rf "$out"; mkdir -p "$out/generated" "$out/real"
./dcgan sample --seed 1000 --n 20 --each "$out/generated" > /dev/null
python3 - "$out/real" <<'PY'
import sys, zipfile
z = zipfile.ZipFile('data/emoji.zip')
names = sorted(n for n in z.namelist() if n.endswith('.png'))[::100][:20]
for n in names: open(f'{sys.argv[1]}/{n}', 'wb').write(z.read(n))
PY
for set in generated real; do
  ./dcgan invert --image "$out/$set" --out "$out/$set.npy" --reconstruction "$out/$set-reconstruction.png" | tee "$out/$set.txt"
  awk -v set="$set" '/PSNR/ { p += $3; s += $6; n++ } END { printf "%s: mean PSNR %.2f dB, mean SSIM %.3f over %d images\n", set, p / n, s / n, n }' "$out/$set.txt"
done
