#include "CJemallocConfig.h"

// jemalloc reads this global of the executable, which interposes on the
// library's own empty default, at its first allocation.
//
// tcache_max: LMDB allocates about 50 KiB for every read transaction (its
// table of 1,024 databases), above jemalloc's default thread-cache limit of
// 32 KiB. Without a cache that size goes to the arena on every transaction,
// whose pages are purged and faulted back in: LMDB's random reads ran at a
// quarter of their glibc rate. With sizes up to 128 KiB cached they run
// faster than under glibc (docs/perf-documents.md, round 8).
const char *malloc_conf = "tcache_max:131072";
