/* A plain C loop over rocksdb/c.h: the reference the RocksDB backend is
 * measured against. It opens an OptimisticTransactionDB with the options the
 * backend uses, so the comparison isolates the Swift layer: batched writes go
 * through a WriteBatch and rocksdb_write, reads and the scan through one
 * snapshot.
 * usage: rocksdb_reference DIR NUM VALUE_SIZE BATCH BLOCK_CACHE_MB WRITE_BUFFER_MB BLOOM_BITS */
#include <string.h>
#include "rocksdb_open.h"
#include "workload.h"

int main(int argc, char **argv) {
    if (argc != 8) { fprintf(stderr, "usage: %s DIR NUM VALUE_SIZE BATCH CACHE_MB WBUF_MB BLOOM_BITS\n", argv[0]); return 2; }
    const char *dir = argv[1];
    uint32_t num = (uint32_t)atol(argv[2]), vsize = (uint32_t)atol(argv[3]), batch = (uint32_t)atol(argv[4]);
    size_t cache_mb = (size_t)atol(argv[5]), wbuf_mb = (size_t)atol(argv[6]);
    int bloom = atoi(argv[7]);
    char *err = NULL;
    rocksdb_optimistictransactiondb_t *odb = open_like_backend(dir, cache_mb, wbuf_mb, bloom, -1);
    rocksdb_t *db = rocksdb_optimistictransactiondb_get_base_db(odb);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();

    uint32_t *order = malloc(sizeof(uint32_t) * num);
    char key[16]; char *value = malloc(vsize); memset(value, 0x5A, vsize);
    shuffle(order, num, 1);
    /* Batched writes the plain way: one WriteBatch per BATCH entries, written
     * with rocksdb_write, as the backend commits a transaction that only wrote. */
    rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
    double t0 = now_s();
    for (uint32_t i = 0; i < num; i += batch) {
        rocksdb_writebatch_clear(wb);
        for (uint32_t j = i; j < i + batch && j < num; j++) {
            format_key(order[j], key);
            rocksdb_writebatch_put(wb, key, 16, value, vsize);
        }
        rocksdb_write(db, wo, wb, &err);
        CHECK(err, "write");
    }
    rocksdb_writebatch_destroy(wb);
    report("write", num, now_s() - t0);

    shuffle(order, num, 2);
    uint64_t total = 0;
    const rocksdb_snapshot_t *snap = rocksdb_create_snapshot(db);
    rocksdb_readoptions_set_snapshot(ro, snap);
    t0 = now_s();
    for (uint32_t i = 0; i < num; i++) {
        format_key(order[i], key);
        rocksdb_pinnableslice_t *v = rocksdb_get_pinned(db, ro, key, 16, &err);
        CHECK(err, "get");
        size_t len = 0;
        rocksdb_pinnableslice_value(v, &len);
        total += len;
        rocksdb_pinnableslice_destroy(v);
    }
    report("read-random", num, now_s() - t0);
    if (total != (uint64_t)num * vsize) { fprintf(stderr, "read check failed\n"); return 1; }

    total = 0;
    uint64_t n = 0;
    t0 = now_s();
    rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
    for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t kl, vl;
        rocksdb_iter_key(it, &kl);
        rocksdb_iter_value(it, &vl);
        total += kl + vl; n++;
    }
    rocksdb_iter_destroy(it);
    report("scan", n, now_s() - t0);
    if (n != num) { fprintf(stderr, "scan check failed\n"); return 1; }
    rocksdb_release_snapshot(db, snap);
    rocksdb_optimistictransactiondb_close(odb);
    return 0;
}
