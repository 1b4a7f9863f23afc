#!/usr/bin/env bash
# Load on the preview server while the site rebuilds:
#
#   .ci/serve-load.sh EXPLAINER_BINARY SITE_DIR
#
# Serves a copy of SITE_DIR with `serve --port 0`, saves a page every 100 ms
# (each save a rebuild), and meanwhile sends requests from 64 connections
# with wrk for 10 s. Passes when at least 10,000 requests were answered,
# none failed, and every response was a complete page (ends in </html>):
# no page is ever served half-written.
set -euo pipefail
binary=$(realpath "$1")
source=$(realpath "$2")
work=$(mktemp -d)
server=""
editor=""
cleanup() {
    [ -n "$editor" ] && kill "$editor" 2>/dev/null || true
    [ -n "$server" ] && kill -INT "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cp -r "$source/content" "$source/templates" "$work/"
cd "$work"

"$binary" serve --port 0 > serve.log 2>&1 &
server=$!
for _ in $(seq 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/' serve.log | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat serve.log; echo "serve did not start" >&2; exit 1; }

page=content/rare-earths.md
cp "$page" original.md
(
    n=0
    while true; do
        n=$((n + 1))
        { cat original.md; printf '\nSaved %d times while under load.\n' "$n"; } > "$page"
        sleep 0.1
    done
) &
editor=$!

cat > check.lua <<'LUA'
local incomplete = 0
function response(status, headers, body)
    if not body:find("</html>%s*$") then
        incomplete = incomplete + 1
    end
end
function done(summary, latency, requests)
    local errors = summary.errors
    local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
    io.write(string.format("requests: %d, failed: %d, incomplete: %d\n", summary.requests, failed, incomplete))
    if summary.requests < 10000 or failed > 0 or incomplete > 0 then
        os.exit(1)
    end
end
LUA
# wrk runs the response() hook in each thread: one thread keeps the
# incomplete count in one place.
wrk -t1 -c64 -d10s -s check.lua "${url}rare-earths/index.html"
rebuilds=$(grep -c "changed: rendered" serve.log || true)
echo "rebuilds during the load: $rebuilds"
[ "$rebuilds" -ge 20 ] || { tail -20 serve.log; echo "too few rebuilds" >&2; exit 1; }
