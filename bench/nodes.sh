#!/usr/bin/env bash
# What running a route on gatherdb nodes costs or saves, against the same gather in process, on
# one machine: gather_bench's gather contender (in process) beside its nodes contender through
# one node, then through two, each node a `gatherdb_node` on loopback serving the same
# PostgreSQL database as the route default. Statements/s and the client process' CPU per
# statement (the nodes' CPU is their own), 100-row table, 3,000 and 30,000 statements.
#
# Not yet: runs with latency between the client and the node (a network namespace with
# `tc netem`), where a node near the database should save a round trip per chunk; the script
# says why they did not run.
#
#   bench/nodes.sh                    prints the tables
#   NODES_RECORD=1 bench/nodes.sh     also writes bench/results/nodes.md
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

# start_node LISTEN_HOST: starts a node on a free port of LISTEN_HOST; sets `port` (not in a
# subshell, so that `node_pids` keeps it for the cleanup).
start_node() {
  local out="$work/node_${#node_pids[@]}.out"
  "$node_bin" --listen "$1:0" --dsn "$dsn" --pool-size 4 >"$out" 2>"$out.err" &
  node_pids+=("$!")
  local i
  for i in $(seq 1 100); do
    port="$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out" | head -1)"
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "bench/nodes.sh: gatherdb_node did not start: $(cat "$out.err")" >&2
  exit 1
}

# run LABEL bench-arguments...
run() {
  local label="$1"
  shift
  echo "== $label" >&2
  "$bench" --dsn "$dsn" --rows 100 --statements 3000,30000 --repeat "$repeat" \
    --json-out "$work/$label.jsonl" "$@" >/dev/null
}

start_node 127.0.0.1
a="$port"
start_node 127.0.0.1
b="$port"
run one_node --contenders gather,nodes --node "127.0.0.1:$a"
run two_nodes --contenders gather,nodes --node "127.0.0.1:$a" --node "127.0.0.1:$b"

# Latency between client and node needs a kernel with netem; this script does not add it yet.
if ip netns add gatherdb_bench_probe 2>/dev/null; then
  ip netns exec gatherdb_bench_probe ip link set lo up
  if ip netns exec gatherdb_bench_probe tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
    why="netem is available here, but runs with added latency are not part of this script yet"
  else
    why="this kernel has no netem (tc refused the qdisc)"
  fi
  ip netns del gatherdb_bench_probe
else
  why="no network namespaces here"
fi
echo "bench/nodes.sh: no runs with latency between client and node: $why" >&2

table="$(python3 - "$work" <<'PY'
import glob, json, os, statistics, sys
names = {"one_node": "loopback, 1 node", "two_nodes": "loopback, 2 nodes",
}
print("| setup | statements | contender | statements/s | client CPU µs per statement | vs in process |")
print("|---|---:|---|---:|---:|---:|")
for label in names:
    path = os.path.join(sys.argv[1], label + ".jsonl")
    if not os.path.exists(path):
        continue
    cells = [json.loads(l) for l in open(path)]
    for n in sorted({c["statements"] for c in cells}):
        base = next(c for c in cells if c["statements"] == n and c["mode"] == "gather")
        for c in (x for x in cells if x["statements"] == n):
            print(f"| {names[label]} | {n:,} | {c['label']} | {c['stmts_per_s']:,.0f} | "
                  f"{c['cpu_us_per_stmt']:.1f} | {c['stmts_per_s'] / base['stmts_per_s']:.2f}x |")
PY
)"
echo "$table"
if [ "${NODES_RECORD:-0}" = 1 ]; then
  {
    echo "# Gathers through gatherdb nodes against in process ($(date -u +%F), bench/nodes.sh)"
    echo
    echo "PostgreSQL 15 on this host, nodes on loopback serving it, pool of 4 everywhere, median"
    echo "of $repeat runs per cell, the contenders interleaved in one process."
    echo "$(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "No runs with latency between client and node: $why."
    echo
    echo "$table"
  } >"$GATHERDB_ROOT/bench/results/nodes.md"
fi
