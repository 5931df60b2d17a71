#!/usr/bin/env bash
# The table of scripts/study.sh: per row, FID and KID as mean +- sample standard deviation over the seeds done so far,
# each seed's FID, and the change of the mean FID against the baseline row.
#
#   scripts/study-summary.sh fashion-mnist|emoji       (the 1,000-step tables)
#   scripts/study-summary.sh emoji-3000                (a longer study: runs/study/SET-STEPS)
set -euo pipefail
cd "$(dirname "$0")/.."
set_name=${1:?usage: scripts/study-summary.sh fashion-mnist|emoji|SET-STEPS}
set_name=${set_name#runs/study/}; set_name=${set_name%/} # the study's folder works too (tab completion gives it)
source scripts/lib/study-results.sh
[ -d "runs/study/$set_name" ] && gather_study "runs/study/$set_name" # rows a study under way has not gathered yet
results=runs/study/$set_name/results.tsv
[ -s "$results" ] || { echo "no results yet in $results: run scripts/study.sh $set_name" >&2; exit 1; }

# Columns of results.tsv: label, seed, FID, KID, precision, recall, N generated, N real, training seconds, SWD (x1e3;
# empty in runs scored before it was recorded, and then left out of the mean).
awk -F'\t' '
  { label = $1
    if (!(label in n)) order[++rows] = label
    n[label]++; fid[label] += $3; fid2[label] += $3 * $3; kid[label] += $4; kid2[label] += $4 * $4
    seeds[label] = seeds[label] (seeds[label] == "" ? "" : ", ") sprintf("%.1f", $3)
    gen[label] = $7; real[label] = $8; secs[label] += $9
    if ($10 != "") { ns[label]++; swd[label] += $10; swd2[label] += $10 * $10 } }
  function sd(sum, sum2, k) { return k > 1 ? sqrt((sum2 - sum * sum / k) / (k - 1)) : 0 }
  END {
    base = ("baseline" in n) ? fid["baseline"] / n["baseline"] : 0
    print "| row | seeds | FID (ResNet-18), mean +- sd | each seed | vs baseline | KID, mean +- sd | SWD (x1e3), mean +- sd | N generated / real | training s (mean) |"
    print "|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= rows; i++) {
      l = order[i]; k = n[l]; m = fid[l] / k
      change = base > 0 ? sprintf("%+.1f %%", 100 * (m - base) / base) : "-"
      s = ns[l] ? sprintf("%.2f +- %.2f%s", swd[l] / ns[l], sd(swd[l], swd2[l], ns[l]), ns[l] < k ? sprintf(" (%d seeds)", ns[l]) : "") : "-"
      printf "| %s | %d | %.1f +- %.1f | %s | %s | %.2f +- %.2f | %s | %s / %s | %d |\n", l, k, m, sd(fid[l], fid2[l], k), seeds[l], change,
        kid[l] / k, sd(kid[l], kid2[l], k), s, gen[l], real[l], secs[l] / k
    }
  }' "$results"

# Runs longer than 1,000 steps also have curves.tsv (row, seed, step, FID of G, FID of the average): the mean over
# seeds at each scored step, one column per row.
curves=runs/study/$set_name/curves.tsv
[ -s "$curves" ] || exit 0
echo
awk -F'\t' '
  { key = $1 SUBSEP $3; if (!($1 in seen)) { seen[$1] = 1; rows[++r] = $1 }; if (!($3 in seenStep)) { seenStep[$3] = 1; steps[++s] = $3 }
    n[key]++; g[key] += $4; a[key] += $5 }
  END {
    printf "| step |"; for (i = 1; i <= r; i++) printf " %s: G / average |", rows[i]; print ""
    printf "|---|"; for (i = 1; i <= r; i++) printf "---|"; print ""
    for (j = 1; j <= s; j++) {
      printf "| %d |", steps[j]
      for (i = 1; i <= r; i++) { key = rows[i] SUBSEP steps[j]
        if (n[key]) printf " %.1f / %.1f (%d seed%s) |", g[key] / n[key], a[key] / n[key], n[key], n[key] == 1 ? "" : "s"; else printf " - |" }
      print ""
    }
  }' "$curves"
