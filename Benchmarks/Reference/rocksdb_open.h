/* Opens the database the RocksDB backend opens (RocksDBStore.init): an
 * OptimisticTransactionDB with memtable history kept for validation, an LRU
 * block cache, a full bloom filter when BLOOM_BITS > 0, and COMPRESSION
 * (a rocksdb_*_compression constant, or -1 for the library's default).
 * Exits with a message when RocksDB refuses. */
#include <rocksdb/c.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(err, what) do { if (err) { fprintf(stderr, "%s: %s\n", what, err); exit(1); } } while (0)

static rocksdb_optimistictransactiondb_t *open_like_backend(
    const char *dir, size_t cache_mb, size_t wbuf_mb, int bloom, int compression) {
    char *err = NULL;
    rocksdb_options_t *opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(opts, 1);
    rocksdb_options_set_write_buffer_size(opts, wbuf_mb << 20);
    rocksdb_options_set_max_write_buffer_size_to_maintain(opts, -1);
    if (compression >= 0) rocksdb_options_set_compression(opts, compression);
    rocksdb_block_based_table_options_t *table = rocksdb_block_based_options_create();
    rocksdb_block_based_options_set_block_cache(table, rocksdb_cache_create_lru(cache_mb << 20));
    if (bloom > 0) rocksdb_block_based_options_set_filter_policy(table, rocksdb_filterpolicy_create_bloom_full(bloom));
    rocksdb_options_set_block_based_table_factory(opts, table);
    rocksdb_optimistictransactiondb_t *odb = rocksdb_optimistictransactiondb_open(opts, dir, &err);
    CHECK(err, "open");
    return odb;
}
