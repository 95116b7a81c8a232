#!/usr/bin/env bash
# Runs the reference workload (Reference/workload.h) in C and through Strata's
# Store protocol, interleaved ROUNDS times on tmpfs, and prints the median
# ops/s of each phase and the ratio Swift/C (1.00 = same speed).
#
# usage: Benchmarks/Reference/compare.sh [ROUNDS=7] [NUM=500000] [VALUE_SIZE=100] [BATCH=1000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-7}; num=${2:-500000}; vsize=${3:-100}; batch=${4:-1000}
# The RocksDB backend's defaults, passed to both sides.
cache_mb=64; wbuf_mb=64; bloom=10
bin="$here/bin"; mkdir -p "$bin"
gcc -O2 -o "$bin/lmdb_reference" "$here/lmdb_reference.c" -llmdb
gcc -O2 -o "$bin/rocksdb_reference" "$here/rocksdb_reference.c" -lrocksdb
(cd "$here/.." && touch Package.swift && swift build -c release --product ReferenceWorkload >/dev/null 2>&1)
swift_bin="$here/../.build/release/ReferenceWorkload"
scratch=$(mktemp -d /dev/shm/strata-reference.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out="$scratch/results.txt"; : > "$out"

run() { # label command…
    local label=$1; shift
    rm -rf "$scratch/db"; mkdir -p "$scratch/db"
    "$@" | while read -r phase rate; do echo "$label $phase $rate" >> "$out"; done
}
for r in $(seq "$rounds"); do
    run "lmdb C" "$bin/lmdb_reference" "$scratch/db" "$num" "$vsize" "$batch"
    run "lmdb Swift" "$swift_bin" lmdb "$scratch/db" "$num" "$vsize" "$batch"
    run "rocksdb C" "$bin/rocksdb_reference" "$scratch/db" "$num" "$vsize" "$batch" $cache_mb $wbuf_mb $bloom
    run "rocksdb Swift" "$swift_bin" rocksdb "$scratch/db" "$num" "$vsize" "$batch" \
        block_cache_mb=$cache_mb write_buffer_mb=$wbuf_mb bloom_bits=$bloom
    run "trie Swift" "$swift_bin" trie "$scratch/db" "$num" "$vsize" "$batch"
done
python3 - "$out" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    backend, lang, phase, rate = line.split()
    rows[(backend, lang, phase)].append(float(rate))
print(f"median of {sys.argv[2]} interleaved rounds, ops/s")
print(f"{'backend':8} {'phase':12} {'C':>12} {'Swift':>12} {'Swift/C':>8}  Swift min-max")
for backend in ("lmdb", "rocksdb", "trie"):
    for phase in ("write", "bulk-load", "read-random", "read-single", "scan"):
        s = rows.get((backend, "Swift", phase)); c = rows.get((backend, "C", phase))
        if not s: continue
        ms = statistics.median(s); mc = statistics.median(c) if c else None
        ratio = f"{ms/mc:8.2f}" if mc else "       -"
        cs = f"{mc:12,.0f}" if mc else "           -"
        print(f"{backend:8} {phase:12} {cs} {ms:12,.0f} {ratio}  {min(s):,.0f}-{max(s):,.0f}")
PY
