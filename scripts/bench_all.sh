#!/bin/sh
# Regenerates every figure in BENCHMARKS.md from scratch: runs Ember's and PyTorch's workloads
# (scripts/bench_compare.py, every section), writes their raw output to testdata/bench/, then
# renders BENCHMARKS.md from it (scripts/bench_render.py, template scripts/BENCHMARKS.md.in).
#
# usage: scripts/bench_all.sh [bench_compare.py flags, e.g. --reps 1]
#        OUT=/tmp/b DOC=/tmp/b/BENCHMARKS.md scripts/bench_all.sh --reps 1   # a trial run
#
# Run it on an otherwise idle machine: other load slows PyTorch's multi-threaded runs far more
# than Ember's (see BENCHMARKS.md). With --reps 3 it takes about 15 minutes on 2 CPUs.
set -eu
cd "$(dirname "$0")/.."
out=${OUT:-testdata/bench}
doc=${DOC:-BENCHMARKS.md}
/usr/bin/python3 scripts/bench_compare.py --out "$out" "$@"
/usr/bin/python3 scripts/bench_render.py --raw "$out" -o "$doc" --strict
echo "wrote $out/ and $doc" >&2
