#!/usr/bin/env bash
# What splitting the example's table over two PostgreSQL databases (two routes, a chooser that
# sends each lookup to the database holding its key) costs or gains on one machine, against
# the same statements on one database. Each run is a fresh process of the example (its own
# set-up, then one gather, timed); the median of ROUTES_RUNS (5) runs per cell, contenders
# interleaved. Client CPU is the example process' CPU during the gather, per statement.
#
#   bench/routes_split.sh            prints the table
#   ROUTES_RECORD=1 bench/routes_split.sh   also writes bench/results/routes_split.md
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

ensure_packages "${GATHERDB_BUILD_PACKAGES[@]}" postgresql
ensure_postgres
build_tree "$GATHERDB_ROOT/build" Release >/dev/null
example="$GATHERDB_ROOT/build/examples/gather_orm_statements"
runs="${ROUTES_RUNS:-5}"
one="$GATHERDB_PG_DSN"
two="$GATHERDB_PG2_DSN"

contender_args() {
  case "$1" in
  one) printf '%s\n' --dsn "$one" --pool-size 4 ;;
  split2) printf '%s\n' --shard "$one" --shard "$two" --pool-size 2 ;;
  split4) printf '%s\n' --shard "$one" --shard "$two" --pool-size 4 ;;
  esac
}

raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT
for rows in 100 10000; do
  for statements in 3000 30000; do
    for ((r = 0; r < runs; r++)); do
      for c in one split2 split4; do
        mapfile -t args < <(contender_args "$c")
        line="$("$example" "${args[@]}" --rows "$rows" --statements "$statements" --seed "$r" --json)"
        echo "$c $line" >>"$raw"
      done
    done
  done
done

table="$(python3 - "$raw" <<'PY'
import json, statistics, sys
names = {"one": "one database, pool 4",
         "split2": "two databases, pool 2 each",
         "split4": "two databases, pool 4 each"}
cells = {}
for line in open(sys.argv[1]):
    c, j = line.split(" ", 1)
    j = json.loads(j)
    cells.setdefault((j["rows"], j["statements"], c), []).append(j)
print("| rows | statements | layout | statements/s | client CPU µs per statement | vs one database |")
print("|---:|---:|---|---:|---:|---:|")
for (rows, n, c) in sorted(cells, key=lambda k: (k[0], k[1], list(names).index(k[2]))):
    js = cells[(rows, n, c)]
    rate = statistics.median(j["stmts_per_s"] for j in js)
    cpu = statistics.median(j["cpu_seconds"] for j in js) / n * 1e6
    base = statistics.median(j["stmts_per_s"] for j in cells[(rows, n, "one")])
    print(f"| {rows:,} | {n:,} | {names[c]} | {rate:,.0f} | {cpu:.1f} | {rate / base:.2f}x |")
PY
)"
echo "$table"
if [ "${ROUTES_RECORD:-0}" = 1 ]; then
  {
    echo "# Routes: one table split over two PostgreSQL databases"
    echo
    echo "\`bench/routes_split.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)."
    echo "Fresh process per run (the example: set-up, then one gather of random lookups),"
    echo "median of $runs runs per cell, contenders interleaved; both databases on the one"
    echo "PostgreSQL 15 server of this machine."
    echo
    echo "$table"
  } >"$GATHERDB_ROOT/bench/results/routes_split.md"
fi
