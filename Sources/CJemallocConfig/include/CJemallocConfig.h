#ifndef C_JEMALLOC_CONFIG_H
#define C_JEMALLOC_CONFIG_H

/// The options the `strata` executable gives jemalloc (its `malloc_conf`,
/// read once at the first allocation, before `main`).
extern const char *malloc_conf;

#endif
