#!/usr/bin/env bash
# Full-build time and peak memory of explainer, Hugo and Zola on the same
# synthetic content, with the `cp -r` of that content as the I/O floor and
# reading, rendering and writing its Markdown with pulldown-cmark alone
# (examples/markdown_floor.rs) as the floor of any build that parses it.
#
#   benches/compare.sh [N ...]        (default: 1000 4000 10000)
#
# For each N: writes the corpus (examples/corpus.rs, seeded), then for each
# tool one warm-up build and RUNS timed builds (default 5), each into an
# output folder removed beforehand; reports the median, min and max wall
# time and the peak resident memory (/usr/bin/time), and the ratios of
# explainer to each peer measured in the same run. A peer that is not on
# PATH is reported as missing; explainer's rows run anyway.
#
# BENCH_DIR sets the work folder (default: a folder in /dev/shm, a tmpfs,
# when there is one; set it to a disk folder to measure on disk).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 4000 10000)
runs=${RUNS:-5}
if [ -n "${BENCH_DIR:-}" ]; then
    work=$BENCH_DIR
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    work=/dev/shm/explainer-bench
else
    work=$(mktemp -d)
fi
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }

cargo build --release --quiet
cargo build --release --quiet --example corpus --example markdown_floor
explainer=$PWD/target/release/explainer
corpus=$PWD/target/release/examples/corpus
markdown_floor=$PWD/target/release/examples/markdown_floor

# measure OUTPUT_DIR COMMAND... -> "median min max peak_kib" in seconds / KiB
measure() {
    local out=$1
    shift
    local log
    log=$(mktemp)
    rm -rf "$out"
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    for _ in $(seq "$runs"); do
        rm -rf "$out"
        sync
        /usr/bin/time -f "%e %M" -a -o "$log" "$@" >/dev/null 2>&1
    done
    sort -n "$log" | awk '
        { t[NR] = $1; if ($2 > m) m = $2 }
        END { printf "%.3f %.3f %.3f %d\n", t[int((NR + 1) / 2)], t[1], t[NR], m }'
    rm -f "$log"
}

row() { # NAME RESULT
    if [ -z "$2" ]; then
        printf "| %-9s | %-26s | %10s |\n" "$1" "not on PATH" "-"
    else
        read -r median min max peak <<<"$2"
        printf "| %-9s | %6.3f s (%5.3f–%5.3f) | %6d MiB |\n" "$1" "$median" "$min" "$max" $((peak / 1024))
    fi
}

ratio() { # A B -> A/B
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else printf "-" }'
}

echo "work folder: $work ($(df -T "$work" | awk 'NR == 2 { print $2 }')), $runs runs each, $(nproc) cores, $(date -u +%Y-%m-%d)"
hugo_version=$(command -v hugo >/dev/null && hugo version | awk '{ print $2 }' || echo "missing")
zola_version=$(command -v zola >/dev/null && zola --version | awk '{ print $2 }' || echo "missing")
echo "explainer $("$explainer" --version | awk '{ print $2 }'), hugo $hugo_version, zola $zola_version"

for n in "${sizes[@]}"; do
    site=$work/corpus-$n
    "$corpus" "$n" "$site" >/dev/null
    echo
    echo "N = $n pages"
    echo "| tool      | wall time, median (min–max) | peak memory |"
    echo "|-----------|-----------------------------|-------------|"
    ours=$(measure "$site/out-explainer" "$explainer" build --quiet --root "$site/explainer" --output "$site/out-explainer")
    row explainer "$ours"
    hugo=""
    if command -v hugo >/dev/null; then
        hugo=$(measure "$site/out-hugo" hugo --quiet -s "$site/hugo" -d "$site/out-hugo")
    fi
    row hugo "$hugo"
    zola=""
    if command -v zola >/dev/null; then
        zola=$(measure "$site/out-zola" zola --root "$site/zola" build --output-dir "$site/out-zola")
    fi
    row zola "$zola"
    floor=$(measure "$site/out-cp" cp -r "$site/explainer/content" "$site/out-cp")
    row "cp -r" "$floor"
    # Reading, rendering with pulldown-cmark and writing, and nothing else.
    markdown=$(measure "$site/out-markdown" "$markdown_floor" "$site/explainer/content" "$site/out-markdown")
    row "Markdown only" "$markdown"
    ours_median=${ours%% *}
    line="explainer / cp -r: $(ratio "$ours_median" "${floor%% *}"); explainer / Markdown only: $(ratio "$ours_median" "${markdown%% *}")"
    [ -n "$hugo" ] && line="$line; explainer / hugo: $(ratio "$ours_median" "${hugo%% *}")"
    [ -n "$zola" ] && line="$line; explainer / zola: $(ratio "$ours_median" "${zola%% *}")"
    echo "$line"
    n_seconds=$(awk -v t="$ours_median" -v n="$n" 'BEGIN { printf "%.1f", t / n * 1e6 }')
    echo "explainer: $n_seconds µs per page"
done
