#!/usr/bin/env bash
# The issue's db_bench command beside the same workload through Strata's
# RocksDB backend with db_bench's settings (8 MiB block cache, 64 MiB write
# buffer, no bloom filter, no compression), and beside a plain C loop doing it
# on the database the backend opens (Reference/rocksdb_single.c: an
# OptimisticTransactionDB, where db_bench opens a plain DB), interleaved ROUNDS
# times on tmpfs; prints the median ops/s of fillrandom and readrandom and the
# ratios Strata/db_bench and Strata/C (1.00 = same speed). Each Strata put is one `write {}`
# transaction and each get one `read {}` transaction, as a caller doing
# single operations would write them. The CPU seconds of each whole process
# (user + system, background flushes and compactions included; from
# /usr/bin/time) are printed too: on a busy machine they move less than
# wall-clock rates.
#
# usage: Benchmarks/Reference/dbbench.sh [ROUNDS=5] [NUM=500000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-5}; num=${2:-500000}
command -v db_bench >/dev/null || { echo "db_bench is not installed (apt-get install rocksdb-tools)" >&2; exit 1; }
bin="$here/bin"; mkdir -p "$bin"
gcc -O2 -o "$bin/rocksdb_single" "$here/rocksdb_single.c" -lrocksdb
(cd "$here/.." && touch Package.swift && swift build -c release --product ReferenceWorkload >/dev/null 2>&1)
swift_bin="$here/../.build/release/ReferenceWorkload"
scratch=$(mktemp -d /dev/shm/strata-dbbench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out="$scratch/results.txt"; : > "$out"
for r in $(seq "$rounds"); do
    rm -rf "$scratch/db"
    /usr/bin/time -f "db_bench cpu %U %S" -a -o "$scratch/cpu.txt" \
        db_bench --db="$scratch/db" --benchmarks=fillrandom,readrandom --num="$num" --value_size=100 \
        --key_size=16 --compression_type=none 2>/dev/null |
        awk '$1 == "fillrandom" || $1 == "readrandom" { print "db_bench", $1, $5 }' >> "$out"
    rm -rf "$scratch/db"
    /usr/bin/time -f "C cpu %U %S" -a -o "$scratch/cpu.txt" \
        "$bin/rocksdb_single" "$scratch/db" "$num" 100 8 64 0 2>/dev/null |
        awk '{ print "C", $1, $2 }' >> "$out"
    rm -rf "$scratch/db"; mkdir -p "$scratch/db"
    /usr/bin/time -f "strata cpu %U %S" -a -o "$scratch/cpu.txt" \
        "$swift_bin" rocksdb "$scratch/db" "$num" 100 dbbench \
        block_cache_mb=8 write_buffer_mb=64 bloom_bits=0 compression=none 2>/dev/null |
        awk '{ print "strata", $1, $2 }' >> "$out"
done
cat "$scratch/cpu.txt" >> "$out"
python3 - "$out" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
cpu = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if f[1] == "cpu": cpu[f[0]].append(float(f[2]) + float(f[3]))
    else: rows[(f[0], f[1])].append(float(f[2]))
print(f"median of {sys.argv[2]} interleaved rounds, ops/s")
print(f"{'phase':12} {'db_bench':>10} {'C loop':>10} {'Strata':>10} {'/db_bench':>10} {'/C':>6}  Strata min-max")
for phase in ("fillrandom", "readrandom"):
    d = statistics.median(rows[("db_bench", phase)]); c = statistics.median(rows[("C", phase)])
    s = rows[("strata", phase)]; m = statistics.median(s)
    print(f"{phase:12} {d:10,.0f} {c:10,.0f} {m:10,.0f} {m/d:10.2f} {m/c:6.2f}  {min(s):,.0f}-{max(s):,.0f}")
d, c, m = (statistics.median(cpu[k]) for k in ("db_bench", "C", "strata"))
print(f"{'CPU s/run':12} {d:10.2f} {c:10.2f} {m:10.2f} {d/m:10.2f} {c/m:6.2f}  (CPU ratios: other / Strata; > 1: Strata used less)")
PY
