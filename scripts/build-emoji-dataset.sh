#!/usr/bin/env bash
# Rebuilds data/emoji.zip, the built-in data set (`--data emoji`): the face and person images of Google's Noto
# emoji (Apache-2.0) from the npm package emoji-datasource-google 16.0.0 (img/google/64, skin-tone variants
# included; no hands, hearts or body parts), composited on white, with labels.json (name, category,
# subcategory, skin_tone, gender) and the licence notice. Needs node and npm; run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=16.0.0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "emoji-datasource-google@$version" --silent >/dev/null && tar xzf "emoji-datasource-google-$version.tgz")
node "$root/scripts/select-emoji.mjs" "$work/package" "$work/stage"
cp "$root/data/EMOJI-NOTICE.md" "$work/stage/NOTICE"
"$root/dcgan" dataset pack --from "$work/stage" --out "$root/data/emoji.zip" --size 64
