#!/usr/bin/env bash
# Serving A/B in one run: two studios on the bundled model that differ by their flags, warmed up, then `dcgan loadtest`
# with single images and with the mixed load at concurrency 16 against each, one after the other.
# Usage: scripts/bench-serving.sh [REQUESTS]   (figures in docs/performance.md)
#   A="--max-batch 1" B="--max-batch 64"       the default: each request drawn by its own forward (padded to 8 latents,
#                                              docs/performance.md) against dynamic batching
#   A="--precision fp32" B="--precision bf16"  the generators' arithmetic (both batched)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
requests=${1:-10000}
a=${A:---max-batch 1}
b=${B:---max-batch 64}
./dcgan --help > /dev/null   # builds once
dcgan="dotnet src/Dcgan.Cli/bin/Release/net10.0/dcgan.dll"
# shellcheck disable=SC2086 # the flags are separate words
$dcgan serve --urls http://127.0.0.1:5201 $a > /tmp/bench-serving-a.log 2>&1 & first=$!
# shellcheck disable=SC2086
$dcgan serve --urls http://127.0.0.1:5202 $b > /tmp/bench-serving-b.log 2>&1 & second=$!
trap 'kill $first $second 2>/dev/null' EXIT
for port in 5201 5202; do
  until curl -sf "http://127.0.0.1:$port/api/status" > /dev/null; do sleep 1; done
  $dcgan loadtest --url "http://127.0.0.1:$port" --requests 1000 --concurrency 16 --mix single > /dev/null 2>&1   # JIT and allocator warm-up
done
for mix in single mixed; do
  for port in 5201 5202; do
    echo "$([ $port = 5201 ] && echo "$a" || echo "$b"), --mix $mix, concurrency 16:"
    $dcgan loadtest --url "http://127.0.0.1:$port" --requests "$requests" --concurrency 16 --mix $mix 2>/dev/null
  done
done
