#!/usr/bin/env bash
# What running a route on gatherdb nodes costs or saves, against the same gather in process:
# gather_bench's gather contender (in process) beside its nodes contender through one node,
# then through two, each node a `gatherdb_node` on loopback serving the same PostgreSQL
# database as the route default. Then the case nodes are for, a database far from the client:
# every byte between the client and the database side is delayed (a network namespace with
# `tc netem` where the kernel has it, else bench/delay_proxy.py), and a gather in process that
# talks to the far database runs against one that sends its chunks to a node next to it.
# Statements/s and the client process' CPU per statement (the nodes' CPU is their own),
# 100-row table, 3,000 and 30,000 statements.
#
#   bench/nodes.sh                    prints the tables
#   NODES_RECORD=1 bench/nodes.sh     also writes bench/results/nodes.md
#   NODES_DELAYS_MS="1 5"             one-way delays of the far runs (default "1 5")
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

ensure_packages "${GATHERDB_BUILD_PACKAGES[@]}" postgresql iproute2
ensure_postgres
build_tree "$GATHERDB_ROOT/build" Release >/dev/null
bench="$GATHERDB_ROOT/build/bench/gatherdb_gather_bench"
node_bin="$GATHERDB_ROOT/build/examples/gatherdb_node"
dsn="$GATHERDB_PG_DSN"
repeat="${NODES_REPEAT:-5}"
work="$(mktemp -d)"
node_pids=()
cleanup() {
  for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# await_listening OUT WHAT: waits for the `listening on HOST:PORT` line in file OUT and sets
# `port` from it; exits naming WHAT (and its stderr, OUT.err) when none comes within 10 s.
await_listening() {
  local i
  for i in $(seq 1 100); do
    port="$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$1" | head -1)"
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "bench/nodes.sh: $2 did not start: $(cat "$1.err" 2>/dev/null)" >&2
  exit 1
}

# start_node LISTEN_HOST [node-arguments...]: starts a node on a free port of LISTEN_HOST; sets
# `port` (not in a subshell, so that `node_pids` keeps it for the cleanup).
start_node() {
  local out="$work/node_${#node_pids[@]}.out"
  local host="$1"
  shift
  "$node_bin" --listen "$host:0" --dsn "$dsn" --pool-size 4 "$@" >"$out" 2>"$out.err" &
  node_pids+=("$!")
  await_listening "$out" gatherdb_node
}

# run LABEL DSN bench-arguments...
run() {
  local label="$1" run_dsn="$2"
  shift 2
  echo "== $label" >&2
  "$bench" --dsn "$run_dsn" --rows 100 --statements 3000,30000 --repeat "$repeat" \
    --json-out "$work/$label.jsonl" "$@" >/dev/null
}

# start_proxy TARGET_PORT DELAY_MS: a delaying forwarder to TARGET_PORT; sets `port`.
start_proxy() {
  local out="$work/proxy_${#node_pids[@]}.out"
  python3 "$GATHERDB_ROOT/bench/delay_proxy.py" --to "127.0.0.1:$1" --delay-ms "$2" \
    >"$out" 2>"$out.err" &
  node_pids+=("$!")
  await_listening "$out" "the delay proxy"
}

start_node 127.0.0.1
a="$port"
start_node 127.0.0.1
b="$port"
run one_node "$dsn" --contenders gather,nodes --node "127.0.0.1:$a"
run two_nodes "$dsn" --contenders gather,nodes --node "127.0.0.1:$a" --node "127.0.0.1:$b"

# The far runs delay every byte in a user-space forwarder: the same delay on loopback through
# netem would need a network namespace holding PostgreSQL and the nodes too.
if ip netns add gatherdb_bench_probe 2>/dev/null; then
  ip netns exec gatherdb_bench_probe ip link set lo up
  if ip netns exec gatherdb_bench_probe tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
    how="a user-space forwarder (bench/delay_proxy.py), though this kernel has netem"
  else
    how="a user-space forwarder (bench/delay_proxy.py): this kernel has no netem"
  fi
  ip netns del gatherdb_bench_probe
else
  how="a user-space forwarder (bench/delay_proxy.py): no network namespaces here"
fi
pg_port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$dsn")"
delays="${NODES_DELAYS_MS:-1 5}"
for d in $delays; do
  start_proxy "$pg_port" "$d"
  far_dsn="${dsn/Port=$pg_port/Port=$port}"
  start_proxy "$a" "$d"
  run "far_$d" "$far_dsn" --contenders gather
  run "far_node_$d" "$dsn" --contenders nodes --node "127.0.0.1:$port"
done
# Statements that neither coalesce nor share a round trip (coalescing and batching off on both
# sides): each pays a round trip to a far database, while a node gets them a chunk at a time.
start_node 127.0.0.1 --max-coalesce 1 --max-read-batch 1
single_node="$port"
for d in $delays; do
  start_proxy "$pg_port" "$d"
  far_dsn="${dsn/Port=$pg_port/Port=$port}"
  start_proxy "$single_node" "$d"
  run "far_one_$d" "$far_dsn" --contenders gather --statements 3000 --max-coalesce 1 \
    --max-read-batch 1
  run "far_node_one_$d" "$dsn" --contenders nodes --statements 3000 --node "127.0.0.1:$port"
done

table="$(NODES_DELAYS="$delays" python3 - "$work" <<'PY'
import glob, json, os, statistics, sys
work = sys.argv[1]
def cells(label):
    path = os.path.join(work, label + ".jsonl")
    return [json.loads(l) for l in open(path)] if os.path.exists(path) else []
print("| setup | statements | contender | statements/s | client CPU µs per statement | vs in process |")
print("|---|---:|---|---:|---:|---:|")
for label, name in (("one_node", "loopback, 1 node"), ("two_nodes", "loopback, 2 nodes")):
    cs = cells(label)
    for n in sorted({c["statements"] for c in cs}):
        base = next(c for c in cs if c["statements"] == n and c["mode"] == "gather")
        for c in (x for x in cs if x["statements"] == n):
            print(f"| {name} | {n:,} | {c['label']} | {c['stmts_per_s']:,.0f} | "
                  f"{c['cpu_us_per_stmt']:.1f} | {c['stmts_per_s'] / base['stmts_per_s']:.2f}x |")
far_runs = [(d, "", "") for d in os.environ["NODES_DELAYS"].split()]
far_runs += [(d, "one_", ", no coalescing or batching") for d in os.environ["NODES_DELAYS"].split()]
for d, kind, what in far_runs:
    far, near = cells("far_" + kind + d), cells("far_node_" + kind + d)
    name = f"{2 * float(d):g} ms round trip{what}"
    for n in sorted({c["statements"] for c in far}):
        base = next(c for c in far if c["statements"] == n)
        print(f"| {name} | {n:,} | in process, database far | {base['stmts_per_s']:,.0f} | "
              f"{base['cpu_us_per_stmt']:.1f} | 1.00x |")
        for c in (x for x in near if x["statements"] == n):
            print(f"| {name} | {n:,} | via 1 node next to the database | {c['stmts_per_s']:,.0f} | "
                  f"{c['cpu_us_per_stmt']:.1f} | {c['stmts_per_s'] / base['stmts_per_s']:.2f}x |")
PY
)"
echo "$table"
if [ "${NODES_RECORD:-0}" = 1 ]; then
  # The reading of the figures is written by hand below the table and kept across runs.
  notes="$(sed -n '/^## What it shows/,$p' "$GATHERDB_ROOT/bench/results/nodes.md" 2>/dev/null)"
  {
    echo "# Gathers through gatherdb nodes against in process ($(date -u +%F), bench/nodes.sh)"
    echo
    echo "PostgreSQL 15 on this host, nodes on loopback serving it, pool of 4 everywhere, median"
    echo "of $repeat runs per cell, the contenders interleaved in one process."
    echo "$(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Far runs: every byte between the client and the database side delayed by"
    echo "$how; the node next to the database reaches it directly."
    echo
    echo "$table"
    if [ -n "$notes" ]; then
      echo
      echo "$notes"
    fi
  } >"$GATHERDB_ROOT/bench/results/nodes.md"
fi
