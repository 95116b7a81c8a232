/* db_bench's fillrandom,readrandom as a plain C loop over rocksdb/c.h, with
 * the database the backend opens (an OptimisticTransactionDB, memtable
 * history kept, the given cache/buffer/bloom, no compression): the C side of
 * Reference/dbbench.sh for single operations. Keys are db_bench's (the number
 * as 8 big-endian bytes, padded with '0' to 16), drawn uniformly with
 * replacement by SplitMix64 from seed 1, as ReferenceWorkload's `dbbench` mode.
 * Each put is a one-entry WriteBatch written with rocksdb_write (how the
 * backend commits a one-put transaction); each get is rocksdb_get_pinned
 * without a snapshot (as db_bench reads).
 * usage: rocksdb_single DIR NUM VALUE_SIZE BLOCK_CACHE_MB WRITE_BUFFER_MB BLOOM_BITS */
#include "rocksdb_open.h"
#include "workload.h"

static void db_bench_key(uint64_t n, char *key) {
    for (int i = 0; i < 8; i++) key[i] = (char)(n >> (56 - 8 * i));
    memset(key + 8, '0', 8);
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: %s DIR NUM VALUE_SIZE CACHE_MB WBUF_MB BLOOM_BITS\n", argv[0]); return 2; }
    const char *dir = argv[1];
    uint64_t num = (uint64_t)atol(argv[2]);
    uint32_t vsize = (uint32_t)atol(argv[3]);
    size_t cache_mb = (size_t)atol(argv[4]), wbuf_mb = (size_t)atol(argv[5]);
    int bloom = atoi(argv[6]);
    char *err = NULL;
    rocksdb_optimistictransactiondb_t *odb = open_like_backend(dir, cache_mb, wbuf_mb, bloom, rocksdb_no_compression);
    rocksdb_t *db = rocksdb_optimistictransactiondb_get_base_db(odb);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();

    uint64_t seed = 1;
    char key[16];
    char *value = malloc(vsize); memset(value, 0x5A, vsize);
    rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
    double t0 = now_s();
    for (uint64_t i = 0; i < num; i++) {
        db_bench_key(splitmix64(&seed) % num, key);
        rocksdb_writebatch_clear(wb);
        rocksdb_writebatch_put(wb, key, 16, value, vsize);
        rocksdb_write(db, wo, wb, &err);
        CHECK(err, "write");
    }
    report("fillrandom", num, now_s() - t0);
    uint64_t found = 0;
    t0 = now_s();
    for (uint64_t i = 0; i < num; i++) {
        db_bench_key(splitmix64(&seed) % num, key);
        rocksdb_pinnableslice_t *v = rocksdb_get_pinned(db, ro, key, 16, &err);
        CHECK(err, "get");
        if (v) { found++; rocksdb_pinnableslice_destroy(v); }
    }
    report("readrandom", num, now_s() - t0);
    fprintf(stderr, "readrandom found %llu of %llu\n", (unsigned long long)found, (unsigned long long)num);
    rocksdb_writebatch_destroy(wb);
    rocksdb_optimistictransactiondb_close_base_db(db);
    rocksdb_optimistictransactiondb_close(odb);
    return 0;
}
