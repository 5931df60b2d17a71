#!/usr/bin/env bash
# Serving A/B in one run: the studio with --max-batch 1 (each request drawn alone) against dynamic batching, both on
# the bundled model, warmed up, then `dcgan loadtest` with single images and with the mixed load at concurrency 16.
# Usage: scripts/bench-serving.sh [REQUESTS]   (figures in docs/performance.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
requests=${1:-10000}
./dcgan --help > /dev/null   # builds once
dcgan="dotnet src/Dcgan.Cli/bin/Release/net10.0/dcgan.dll"
$dcgan serve --urls http://127.0.0.1:5201 --max-batch 1 > /tmp/bench-serving-1.log 2>&1 & serial=$!
$dcgan serve --urls http://127.0.0.1:5202 --max-batch 64 > /tmp/bench-serving-64.log 2>&1 & batched=$!
trap 'kill $serial $batched 2>/dev/null' EXIT
for port in 5201 5202; do
  until curl -sf "http://127.0.0.1:$port/api/status" > /dev/null; do sleep 1; done
  $dcgan loadtest --url "http://127.0.0.1:$port" --requests 1000 --concurrency 16 --mix single > /dev/null 2>&1   # JIT and allocator warm-up
done
for mix in single mixed; do
  for port in 5201 5202; do
    echo "max-batch $([ $port = 5201 ] && echo 1 || echo 64), --mix $mix, concurrency 16:"
    $dcgan loadtest --url "http://127.0.0.1:$port" --requests "$requests" --concurrency 16 --mix $mix 2>/dev/null
  done
done
