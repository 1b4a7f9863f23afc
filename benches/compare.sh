#!/usr/bin/env bash
# Full-build time and peak memory of explainer, Hugo and Zola on the same
# synthetic content, with the `cp -r` of that content as the I/O floor and
# reading, rendering and writing its Markdown with pulldown-cmark alone
# (examples/markdown_floor.rs) as the floor of any build that parses it.
#
#   benches/compare.sh [N ...]        (default: 1000 4000 10000)
#
# For each N: writes the corpus (examples/corpus.rs, seeded), then one
# warm-up build of each tool, then RUNS rounds (default 5) of one timed
# build of each tool in turn, each into an output folder removed
# beforehand. Taking the tools in rounds rather than one after the other
# spreads a slow spell of a shared machine over all of them instead of
# charging it to whichever tool ran then. Reports the median, min and max
# wall time (the shell's microsecond clock) and the peak resident memory
# (/usr/bin/time), and the ratios
# of explainer to each peer measured in the same run. A peer that is not
# on PATH is reported as missing; explainer's rows run anyway.
#
# EXPLAINER_BEFORE=PATH adds that explainer binary (a build of an earlier
# commit) as the tool "before", timed in the same rounds, with the ratio of
# this tree's build to it: a change's cost or gain measured in one run.
#
# BENCH_DIR sets the work folder (default: a folder in /dev/shm, a tmpfs,
# when there is one; set it to a disk folder to measure on disk).
set -euo pipefail
cd "$(dirname "$0")/.."
# A decimal point in $EPOCHREALTIME and awk's numbers.
export LC_ALL=C

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

# Tools of the current N, each a name, an output folder and a command
# line (words separated by the unit separator, \x1f).
tool_names=()
tool_outs=()
tool_commands=()
add_tool() { # NAME OUTPUT_DIR COMMAND...
    tool_names+=("$1")
    tool_outs+=("$2")
    shift 2
    local IFS=$'\x1f'
    tool_commands+=("$*")
}

# measure_all -> for each tool, in order, a line "NAME median min max peak_kib"
# (seconds / KiB); a tool whose warm-up build fails is left out.
measure_all() {
    local logs=() i ok=()
    for i in "${!tool_names[@]}"; do
        logs[i]=$(mktemp)
        local -a command
        IFS=$'\x1f' read -r -a command <<<"${tool_commands[i]}"
        rm -rf "${tool_outs[i]}"
        if "${command[@]}" >/dev/null 2>&1; then
            ok[i]=1
        else
            echo "failed: ${command[*]}" >&2
            ok[i]=0
        fi
    done
    for _ in $(seq "$runs"); do
        for i in "${!tool_names[@]}"; do
            [ "${ok[i]}" = 1 ] || continue
            local -a command
            IFS=$'\x1f' read -r -a command <<<"${tool_commands[i]}"
            rm -rf "${tool_outs[i]}"
            sync
            # Wall time from the shell's microsecond clock (time's own is
            # in hundredths of a second, too coarse for a copy of 0.1 s),
            # peak memory from time.
            local memory started ended
            memory=$(mktemp)
            started=$EPOCHREALTIME
            /usr/bin/time -f "%M" -o "$memory" "${command[@]}" >/dev/null 2>&1
            ended=$EPOCHREALTIME
            awk -v a="$started" -v b="$ended" -v m="$(tail -n 1 "$memory")" \
                'BEGIN { printf "%.4f %d\n", b - a, m }' >>"${logs[i]}"
            rm -f "$memory"
        done
    done
    for i in "${!tool_names[@]}"; do
        if [ "${ok[i]}" = 1 ]; then
            printf "%s " "${tool_names[i]}"
            sort -n "${logs[i]}" | awk '
                { t[NR] = $1; if ($2 > m) m = $2 }
                END { printf "%.3f %.3f %.3f %d\n", t[int((NR + 1) / 2)], t[1], t[NR], m }'
        fi
        rm -f "${logs[i]}"
    done
}

# result_of NAME RESULTS -> that tool's "median min max peak_kib", or nothing
result_of() {
    awk -v name="$1" '$1 == name { print $2, $3, $4, $5 }' <<<"$2"
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
    tool_names=()
    tool_outs=()
    tool_commands=()
    add_tool explainer "$site/out-explainer" "$explainer" build --quiet --root "$site/explainer" --output "$site/out-explainer"
    if [ -n "${EXPLAINER_BEFORE:-}" ]; then
        add_tool before "$site/out-before" "$EXPLAINER_BEFORE" build --quiet --root "$site/explainer" --output "$site/out-before"
    fi
    if command -v hugo >/dev/null; then
        add_tool hugo "$site/out-hugo" hugo --quiet -s "$site/hugo" -d "$site/out-hugo"
    fi
    if command -v zola >/dev/null; then
        add_tool zola "$site/out-zola" zola --root "$site/zola" build --output-dir "$site/out-zola"
    fi
    add_tool cp "$site/out-cp" cp -r "$site/explainer/content" "$site/out-cp"
    # Reading, rendering with pulldown-cmark and writing, and nothing else.
    add_tool markdown "$site/out-markdown" "$markdown_floor" "$site/explainer/content" "$site/out-markdown"
    results=$(measure_all)
    ours=$(result_of explainer "$results")
    [ -n "$ours" ] || { echo "explainer failed to build the corpus" >&2; exit 1; }
    row explainer "$ours"
    before=$(result_of before "$results")
    [ -z "${EXPLAINER_BEFORE:-}" ] || row before "$before"
    hugo=$(result_of hugo "$results")
    row hugo "$hugo"
    zola=$(result_of zola "$results")
    row zola "$zola"
    floor=$(result_of cp "$results")
    row "cp -r" "$floor"
    markdown=$(result_of markdown "$results")
    row "Markdown only" "$markdown"
    ours_median=${ours%% *}
    line="explainer / cp -r: $(ratio "$ours_median" "${floor%% *}"); explainer / Markdown only: $(ratio "$ours_median" "${markdown%% *}")"
    [ -n "$before" ] && line="$line; explainer / before: $(ratio "$ours_median" "${before%% *}")"
    [ -n "$hugo" ] && line="$line; explainer / hugo: $(ratio "$ours_median" "${hugo%% *}")"
    [ -n "$zola" ] && line="$line; explainer / zola: $(ratio "$ours_median" "${zola%% *}")"
    echo "$line"
    n_seconds=$(awk -v t="$ours_median" -v n="$n" 'BEGIN { printf "%.1f", t / n * 1e6 }')
    echo "explainer: $n_seconds µs per page"
done
