#!/usr/bin/env bash
# A soak under faults: examples/http_server on PostgreSQL (through PgBouncer in transaction
# pooling mode by default; --direct for none) under wrk load for SOAK_SECONDS (60), while every
# 2 s the server's database backends are terminated, PostgreSQL is restarted once (at a third)
# and PgBouncer once (at two thirds). Prints requests served, non-2xx answers inside and
# outside the fault windows, p50/p99, and the server's RSS and open descriptors after warm-up
# and at the end; exits 1 when an answer outside a fault window failed, a socket failed, RSS
# grew by more than 20% after warm-up, descriptors leaked, or the server did not stop cleanly.
# Writes the summary to bench/results/soak.md when SOAK_RECORD=1.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

via=pgbouncer
[ "${1:-}" = "--direct" ] && via=direct
seconds="${SOAK_SECONDS:-60}"
ensure_packages "${GATHERDB_BUILD_PACKAGES[@]}" postgresql wrk curl
ensure_postgres
dsn="$GATHERDB_PG_DSN"
if [ "$via" = pgbouncer ]; then
  ensure_pgbouncer
  dsn="$GATHERDB_PGBOUNCER_DSN"
fi
app="gatherdb_soak_$$"
dsn="${dsn}pqopt={application_name=$app};"

build_dir="${GATHERDB_SOAK_BUILD_DIR:-$GATHERDB_ROOT/build}"
cmake -S "$GATHERDB_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target gatherdb_http_server >&2
work="$(mktemp -d)"
server_pid=""
wrk_pid=""
cleanup() {
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  [ -n "${SOAK_KEEP:-}" ] && cp -r "$work" "$SOAK_KEEP"
  rm -rf "$work"
}
trap cleanup EXIT

"$build_dir/examples/gatherdb_http_server" "--dsn=$dsn" --port=0 --table=soak_a --rows=100 \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 300); do
  [ -s "$work/server.out" ] && break
  sleep 0.1
done
port="$(sed -n '1s/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out")"
[ -n "$port" ] || { echo "soak: the server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
url="http://127.0.0.1:$port"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
fds() { ls "/proc/$server_pid/fd" | wc -l; }
# Fault windows, one "start end" line (epoch seconds) each: a response in a second that
# overlaps one is inside.
windows="$work/windows"
: >"$windows"
now() { date +%s.%N; }
later() { awk -v t="$(now)" -v d="$1" 'BEGIN { printf "%.3f", t + d }'; }
window() { echo "$1 $2" >>"$windows"; }

terminate_backends() {
  as_root runuser -u postgres -- psql -qtA -d postgres -c \
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '$app'"
}
restart_postgres() {
  as_root pg_ctlcluster 15 main restart
  for _ in $(seq 300); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.1; done
  echo "soak: PostgreSQL did not come back" >&2
  return 1
}
restart_pgbouncer() {
  local pidfile=/var/tmp/gatherdb-pgbouncer/pgbouncer.pid
  as_root kill -TERM "$(cat "$pidfile")"
  for _ in $(seq 100); do [ -e "$pidfile" ] || break; sleep 0.1; done
  as_root runuser -u postgres -- pgbouncer -d /var/tmp/gatherdb-pgbouncer/pgbouncer.ini
  for _ in $(seq 300); do
    pg_isready -q -h 127.0.0.1 -p "${GATHERDB_PGBOUNCER_PORT:-6433}" && return 0
    sleep 0.1
  done
  echo "soak: PgBouncer did not come back" >&2
  return 1
}

echo "soak: $seconds s on $url via $via; warming up" >&2
wrk -t2 -c32 -d5s -s "$GATHERDB_ROOT/bench/soak.lua" "$url" >/dev/null 2>&1 || true
rss_start="$(rss_kb)"
fds_start="$(fds)"

SOAK_COUNTS="$work/counts" wrk -t2 -c32 -d"${seconds}s" --timeout 10s \
  -s "$GATHERDB_ROOT/bench/soak.lua" "$url" >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
start="$(date +%s)"
pg_restarted=0
bouncer_restarted=0
terminated=0
while kill -0 "$wrk_pid" 2>/dev/null; do
  sleep 2
  kill -0 "$wrk_pid" 2>/dev/null || break
  elapsed=$(($(date +%s) - start))
  if [ "$pg_restarted" = 0 ] && [ "$elapsed" -ge $((seconds / 3)) ]; then
    from="$(now)"
    restart_postgres
    window "$from" "$(later 3)"
    pg_restarted=1
  elif [ "$via" = pgbouncer ] && [ "$bouncer_restarted" = 0 ] &&
    [ "$elapsed" -ge $((2 * seconds / 3)) ]; then
    from="$(now)"
    restart_pgbouncer
    window "$from" "$(later 3)"
    bouncer_restarted=1
  else
    from="$(now)"
    n="$(terminate_backends)"
    terminated=$((terminated + n))
    window "$from" "$(later 1)"
  fi
done
wait "$wrk_pid" || true
cat "$work/wrk.txt" >&2
wrk_pid=""
# Descriptors settle once the last answers are written; wait for them a while.
for _ in $(seq 50); do
  [ "$(fds)" -le "$fds_start" ] && break
  sleep 0.2
done
rss_end="$(rss_kb)"
fds_end="$(fds)"
health="$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz" || true)"
kill -TERM "$server_pid"
server_rc=0
wait "$server_pid" || server_rc=$?
server_pid=""

python3 - "$work/counts" "$windows" "$rss_start" "$rss_end" "$fds_start" "$fds_end" \
  "$health" "$server_rc" "$terminated" "$seconds" "$via" "${SOAK_RECORD:-0}" \
  "$GATHERDB_ROOT/bench/results/soak.md" <<'PY'
import math, sys
(counts, windows, rss0, rss1, fd0, fd1, health, rc, terminated, seconds, via, record,
 out_md) = sys.argv[1:]
spans = []
for line in open(windows):
    a, b = map(float, line.split())
    spans.append((math.floor(a), math.ceil(b)))
inside = lambda s: any(a <= s <= b for a, b in spans)
ok = failed_in = failed_out = socket_errors = 0
p50 = p99 = 0
for line in open(counts):
    f = line.split()
    if f[0] == "ok":
        ok += int(f[2])
    elif f[0] == "failed":
        if inside(int(f[1])):
            failed_in += int(f[2])
        else:
            failed_out += int(f[2])
    elif f[0] == "socket_errors":
        socket_errors = int(f[1])
    elif f[0] == "p50_us":
        p50 = int(f[1])
    elif f[0] == "p99_us":
        p99 = int(f[1])
rss0, rss1, fd0, fd1 = int(rss0), int(rss1), int(fd0), int(fd1)
growth = (rss1 - rss0) / rss0 * 100
problems = []
if failed_out:
    problems.append(f"{failed_out} answers failed outside the fault windows")
if socket_errors:
    problems.append(f"{socket_errors} socket errors")
if growth > 20:
    problems.append(f"RSS grew {growth:.1f}% after warm-up")
if fd1 > fd0:
    problems.append(f"descriptors {fd0} -> {fd1}")
if health != "200":
    problems.append(f"/healthz answered {health} after the soak")
if rc != "0":
    problems.append(f"the server exited {rc} on SIGTERM")
rows = [
    ("duration, via", f"{seconds} s, {via}"),
    ("faults", f"{len(spans)} windows: backends terminated every 2 s ({terminated} in all), "
               "PostgreSQL restarted once" + (", PgBouncer once" if via == "pgbouncer" else "")),
    ("requests answered 2xx", f"{ok:,}"),
    ("non-2xx inside fault windows", f"{failed_in:,}"),
    ("non-2xx outside fault windows", f"{failed_out:,}"),
    ("socket errors", f"{socket_errors}"),
    ("latency p50 / p99", f"{p50 / 1000:.2f} ms / {p99 / 1000:.2f} ms"),
    ("server RSS after warm-up -> end", f"{rss0 / 1024:.1f} MiB -> {rss1 / 1024:.1f} MiB ({growth:+.1f}%)"),
    ("open descriptors after warm-up -> end", f"{fd0} -> {fd1}"),
    ("verdict", "FAIL: " + "; ".join(problems) if problems else "pass"),
]
table = "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"
print(table)
if record == "1":
    with open(out_md, "w") as f:
        f.write("# Soak under faults (bench/soak.sh)\n\n" + table)
sys.exit(1 if problems else 0)
PY
