#!/usr/bin/env bash
# The issue's db_bench command beside the same workload through Strata's
# RocksDB backend with db_bench's settings (8 MiB block cache, 64 MiB write
# buffer, no bloom filter, no compression), interleaved ROUNDS times on tmpfs;
# prints the median ops/s of fillrandom and readrandom and the ratio
# Strata/db_bench (1.00 = same speed). Each Strata put is one `write {}`
# transaction and each get one `read {}` transaction, as a caller doing
# single operations would write them.
#
# usage: Benchmarks/Reference/dbbench.sh [ROUNDS=5] [NUM=500000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-5}; num=${2:-500000}
command -v db_bench >/dev/null || { echo "db_bench is not installed (apt-get install rocksdb-tools)" >&2; exit 1; }
(cd "$here/.." && swift build -c release --product ReferenceWorkload >/dev/null)
swift_bin="$here/../.build/release/ReferenceWorkload"
scratch=$(mktemp -d /dev/shm/strata-dbbench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out="$scratch/results.txt"; : > "$out"
for r in $(seq "$rounds"); do
    rm -rf "$scratch/db"
    db_bench --db="$scratch/db" --benchmarks=fillrandom,readrandom --num="$num" --value_size=100 \
        --key_size=16 --compression_type=none 2>/dev/null |
        awk '$1 == "fillrandom" || $1 == "readrandom" { print "db_bench", $1, $5 }' >> "$out"
    rm -rf "$scratch/db"; mkdir -p "$scratch/db"
    "$swift_bin" rocksdb "$scratch/db" "$num" 100 dbbench \
        block_cache_mb=8 write_buffer_mb=64 bloom_bits=0 compression=none 2>/dev/null |
        awk '{ print "strata", $1, $2 }' >> "$out"
done
python3 - "$out" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, phase, rate = line.split()
    rows[(who, phase)].append(float(rate))
print(f"median of {sys.argv[2]} interleaved rounds, ops/s")
print(f"{'phase':12} {'db_bench':>12} {'Strata':>12} {'Strata/db_bench':>16}  Strata min-max")
for phase in ("fillrandom", "readrandom"):
    d = statistics.median(rows[("db_bench", phase)]); s = rows[("strata", phase)]
    m = statistics.median(s)
    print(f"{phase:12} {d:12,.0f} {m:12,.0f} {m/d:16.2f}  {min(s):,.0f}-{max(s):,.0f}")
PY
