/* A plain C loop over lmdb.h: the reference the LMDB backend is measured against.
 * usage: lmdb_reference DIR NUM VALUE_SIZE BATCH */
#include <lmdb.h>
#include <string.h>
#include "workload.h"

#define CHECK(rc, what) do { if ((rc) != 0) { fprintf(stderr, "%s: %s\n", what, mdb_strerror(rc)); exit(1); } } while (0)

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s DIR NUM VALUE_SIZE BATCH\n", argv[0]); return 2; }
    const char *dir = argv[1];
    uint32_t num = (uint32_t)atol(argv[2]), vsize = (uint32_t)atol(argv[3]), batch = (uint32_t)atol(argv[4]);
    MDB_env *env; MDB_txn *txn; MDB_dbi dbi;
    CHECK(mdb_env_create(&env), "env_create");
    CHECK(mdb_env_set_maxdbs(env, 16), "set_maxdbs");
    CHECK(mdb_env_set_mapsize(env, (size_t)4 << 30), "set_mapsize");
    CHECK(mdb_env_open(env, dir, MDB_NOSYNC | MDB_NOTLS, 0644), "env_open");
    CHECK(mdb_txn_begin(env, NULL, 0, &txn), "txn_begin");
    CHECK(mdb_dbi_open(txn, "default", MDB_CREATE, &dbi), "dbi_open");
    CHECK(mdb_txn_commit(txn), "commit");

    uint32_t *order = malloc(sizeof(uint32_t) * num);
    char key[16]; char *value = malloc(vsize); memset(value, 0x5A, vsize);
    shuffle(order, num, 1);
    double t0 = now_s();
    for (uint32_t i = 0; i < num; i += batch) {
        CHECK(mdb_txn_begin(env, NULL, 0, &txn), "txn_begin");
        for (uint32_t j = i; j < i + batch && j < num; j++) {
            format_key(order[j], key);
            MDB_val k = { 16, key }, v = { vsize, value };
            CHECK(mdb_put(txn, dbi, &k, &v, 0), "put");
        }
        CHECK(mdb_txn_commit(txn), "commit");
    }
    report("write", num, now_s() - t0);

    shuffle(order, num, 2);
    uint64_t total = 0;
    t0 = now_s();
    CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), "txn_begin");
    for (uint32_t i = 0; i < num; i++) {
        format_key(order[i], key);
        MDB_val k = { 16, key }, v;
        CHECK(mdb_get(txn, dbi, &k, &v), "get");
        total += v.mv_size;
    }
    mdb_txn_abort(txn);
    report("read-random", num, now_s() - t0);
    if (total != (uint64_t)num * vsize) { fprintf(stderr, "read check failed\n"); return 1; }

    /* read-single: every get in a read transaction of its own, the way LMDB's
     * documentation says to repeat reads: reset the finished one and renew it. */
    shuffle(order, num, 3);
    total = 0;
    t0 = now_s();
    CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), "txn_begin");
    mdb_txn_reset(txn);
    for (uint32_t i = 0; i < num; i++) {
        CHECK(mdb_txn_renew(txn), "txn_renew");
        format_key(order[i], key);
        MDB_val k = { 16, key }, v;
        CHECK(mdb_get(txn, dbi, &k, &v), "get");
        total += v.mv_size;
        mdb_txn_reset(txn);
    }
    mdb_txn_abort(txn);
    report("read-single", num, now_s() - t0);
    if (total != (uint64_t)num * vsize) { fprintf(stderr, "read-single check failed\n"); return 1; }

    total = 0;
    t0 = now_s();
    CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), "txn_begin");
    MDB_cursor *cur; MDB_val k, v;
    CHECK(mdb_cursor_open(txn, dbi, &cur), "cursor_open");
    uint64_t n = 0;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        total += k.mv_size + v.mv_size; n++;
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    report("scan", n, now_s() - t0);
    if (n != num) { fprintf(stderr, "scan check failed\n"); return 1; }
    mdb_env_close(env);
    return 0;
}
