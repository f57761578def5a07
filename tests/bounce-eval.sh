#!/bin/sh
# Runs the bounce detector over the labelled corpus of ../shared and
# prints the scorer's figures.  Extra arguments go to score.py
# (--errors, --by-source).
#
#   HERALD   the binary (default: build/herald)
#   HERALD_SHARED   the shared folder (default: ../shared beside the checkout)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
herald=${HERALD:-$top/build/herald}
shared=${HERALD_SHARED:-$top/../shared}
corpus=$shared/corpus/bounces

[ -d "$corpus" ] || { echo "bounce-eval: no corpus at $corpus" >&2; exit 1; }
tsv=$(mktemp /tmp/herald-bounce-eval.XXXXXX)
trap 'rm -f "$tsv"' EXIT INT TERM

# One line per file; a file the detector refuses still gets its line
# (empty, none), and its error goes to stderr without stopping the run.
find "$corpus" -maxdepth 1 -name '*.eml' | sort |
    xargs "$herald" bounce parse >"$tsv" || true
python3 "$corpus/score.py" "$tsv" "$@"
