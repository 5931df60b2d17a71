# Gathering the study's per-run results (sourced by scripts/study.sh and scripts/study-summary.sh).

# The tables' order: these rows first, then any other row folder (augment-leaky-g, r1-0.1, ...) by name.
study_rows="baseline augment spectral-norm r1 leaky-relu-g augment-sn augment-r1 augment-auto augment-paper-shift"

rows_of_seed() { # SEED_DIR -> its row folders, in the tables' order
  local r known=" $study_rows "
  for r in $study_rows; do [ -d "$1/$r" ] && echo "$r"; done
  for r in $(ls "$1" | sort -V); do [[ $known == *" $r "* ]] || echo "$r"; done
}

each_run() { # ROOT FILE... -> the FILEs (globs allowed) of every run, seed by seed in the tables' order
  local root=$1 s r f; shift
  for s in $(ls "$root" | grep -E '^[0-9]+$' | sort -n); do
    for r in $(rows_of_seed "$root/$s"); do for f in "$@"; do cat "$root/$s/$r"/$f 2>/dev/null || true; done; done
  done
}

gather_study() { # ROOT (runs/study/SET or SET-STEPS) -> ROOT/results.tsv, and ROOT/curves.tsv where runs scored curves
  # one line per evaluation: label, seed, FID, KID, precision, recall, N, N real, training seconds, SWD (x1e3; empty in older runs)
  each_run "$1" result-raw.tsv result-ema.tsv > "$1/results.tsv"
  compgen -G "$1/*/*/curve-*.tsv" > /dev/null || return 0
  each_run "$1" 'curve-*.tsv' | sort -t$'\t' -k1,1 -k2,2n -k3,3n > "$1/curves.tsv" # row, seed, step, FID of G, of the average
}
