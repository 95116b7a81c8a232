#!/usr/bin/env bash
# Installs the system libraries Strata links against when pkg-config cannot
# find them: RocksDB, LMDB, jemalloc (Debian/Ubuntu, apt-get). Tools used by the
# tests and reference rows (ldb, mdb_stat, db_bench) come along.
set -euo pipefail

need=()
for lib in rocksdb lmdb jemalloc; do
    if ! pkg-config --exists "$lib" 2>/dev/null; then need+=("$lib"); fi
done
[ -f /usr/include/rocksdb/c.h ] || need+=("rocksdb-header")
[ -f /usr/include/lmdb.h ] || need+=("lmdb-header")
command -v pkg-config >/dev/null 2>&1 || need+=("pkg-config")

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

echo "installing system packages (missing: ${need[*]})"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: apt-get not found; install RocksDB, LMDB and jemalloc development packages and pkg-config by hand" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "error: not root and no sudo; run: apt-get install librocksdb-dev liblmdb-dev libjemalloc-dev pkg-config" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq librocksdb-dev liblmdb-dev libjemalloc-dev pkg-config rocksdb-tools lmdb-utils >/dev/null
echo "system packages installed"
