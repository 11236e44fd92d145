#!/usr/bin/env bash
# Load test of examples/http_server on PostgreSQL with wrk: 64 connections for 30 s, each
# request gathering 5 rows (bench/http_load.lua). Builds the server (Release, build/ or
# GATHERDB_HTTP_BUILD_DIR), starts PostgreSQL, runs `wrk -t2 -c64 -d30s --latency`, and writes
# requests/s, p50/p99 latency and the error count to bench/results/http_load.md.
# Arguments go to the server (e.g. --pool-size=8 --threads=1 --shared-session).
# HTTP_LOAD_DURATION and HTTP_LOAD_CONNECTIONS override 30s and 64.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

ensure_packages "${GATHERDB_BUILD_PACKAGES[@]}" postgresql
ensure_packages wrk
ensure_postgres

build_dir="${GATHERDB_HTTP_BUILD_DIR:-$GATHERDB_ROOT/build}"
cmake -S "$GATHERDB_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target gatherdb_http_server >&2
server_bin="$build_dir/examples/gatherdb_http_server"
duration="${HTTP_LOAD_DURATION:-30s}"
connections="${HTTP_LOAD_CONNECTIONS:-64}"
results="$GATHERDB_ROOT/bench/results"
mkdir -p "$results"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- the server, on a table of its own (100 rows)
table="http_load_a"
"$server_bin" "--dsn=$GATHERDB_PG_DSN" --port=0 "--table=$table" --rows=100 "$@" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$work/server.out" ] && break
  sleep 0.1
done
port="$(sed -n '1s/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out")"
[ -n "$port" ] || { echo "bench/http_load.sh: server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
url="http://127.0.0.1:$port"
curl_get() { python3 -c 'import sys,urllib.request;print(urllib.request.urlopen(sys.argv[1]).read().decode())' "$1"; }
echo "bench/http_load.sh: server on $url; sample: $(curl_get "$url/a?data=a_5&data=a_17")" >&2

# --- warm-up, then the measured run
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c"$connections" -d3s -s "$GATHERDB_ROOT/bench/http_load.lua" "$url" >/dev/null
wrk -t2 -c"$connections" -d"$duration" --latency -s "$GATHERDB_ROOT/bench/http_load.lua" "$url" \
  | tee "$work/wrk.txt" >&2
metrics="$(curl_get "$url/metrics.json")"

# --- graceful stop
stop_start="$(date +%s%N)"
kill -TERM "$server_pid"
wait "$server_pid" && status=0 || status=$?
server_pid=""
stop_ms=$(( ($(date +%s%N) - stop_start) / 1000000 ))

# --- figures
rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")"
p50="$(awk '/^ +50%/ {print $2}' "$work/wrk.txt")"
p99="$(awk '/^ +99%/ {print $2}' "$work/wrk.txt")"
total="$(awk '/requests in/ {print $1}' "$work/wrk.txt")"
non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$work/wrk.txt")"
socket_errors="$(awk '/Socket errors:/ {s=0; for (i=3;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) s+=$i; print s}' "$work/wrk.txt")"
errors=$(( ${non2xx:-0} + ${socket_errors:-0} ))
cpu="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)"

{
  echo "# HTTP server load test"
  echo
  echo "\`bench/http_load.sh\` on $(date -u +%F): $(nproc) cores (${cpu:-unknown CPU}), PostgreSQL 15 on the"
  echo "same machine, load average before the run: $load_before. Server: \`examples/http_server\`"
  echo "(\`--threads=2\`, pool of 4, own session per request${*:+, extra flags: \`$*\`}); client:"
  echo "\`wrk -t2 -c$connections -d$duration --latency\` with \`bench/http_load.lua\` (5 random values per"
  echo "request, so 5 statements gathered per request), after a 3 s warm-up."
  echo
  echo "| requests/s | statements/s | p50 latency | p99 latency | requests | errors (non-2xx + socket) | SIGTERM to exit |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  printf '| %s | %.0f | %s | %s | %s | %s | %s ms (exit %s) |\n' "$rps" "$(echo "$rps * 5" | bc)" \
    "$p50" "$p99" "$total" "$errors" "$stop_ms" "$status"
  echo
  echo "wrk's output:"
  echo
  echo '```'
  cat "$work/wrk.txt"
  echo '```'
  echo
  echo "\`GET /metrics.json\` after the run:"
  echo
  echo '```json'
  echo "$metrics" | python3 -m json.tool
  echo '```'
} >"$results/http_load.md"
echo "bench/http_load.sh: wrote $results/http_load.md" >&2
sed -n '9,11p' "$results/http_load.md" >&2
[ "$status" -eq 0 ]
