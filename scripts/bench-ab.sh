#!/usr/bin/env bash
# A/B of one command between an earlier commit and the working tree, in one run: builds the commit in a git worktree,
# then runs the command with each build in turn, ROUNDS times, printing the wall time and the last output line.
# Usage: scripts/bench-ab.sh COMMIT ROUNDS dcgan-arguments...
#   e.g. scripts/bench-ab.sh 49ceba3 2 eval --n 1000 --cache-dir /tmp/evalcache
#        scripts/bench-ab.sh 49ceba3 1 directions --method pca --k 5 --out /tmp/pca
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
commit=$1; rounds=$2; shift 2
old="/tmp/dcgan-ab-$commit"
[ -d "$old" ] || git worktree add -q "$old" "$commit"
dotnet build "$old/src/Dcgan.Cli/Dcgan.Cli.csproj" -c Release -nologo -v quiet > /dev/null
./dcgan --help > /dev/null
for round in $(seq "$rounds"); do
  for who in "$commit" working-tree; do
    dll=$([ "$who" = working-tree ] && echo src || echo "$old/src")/Dcgan.Cli/bin/Release/net10.0/dcgan.dll
    start=$(date +%s.%N)
    last=$(dotnet "$dll" "$@" 2>/dev/null | tail -n 1)
    printf '%s, round %s: %.1f s; %s\n' "$who" "$round" "$(echo "$(date +%s.%N) - $start" | bc)" "$last"
  done
done
