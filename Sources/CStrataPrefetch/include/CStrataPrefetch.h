#ifndef C_STRATA_PREFETCH_H
#define C_STRATA_PREFETCH_H

/// Hints the CPU to bring the cache line holding `address` in for reading.
/// A hint only: it never faults, whatever the address, and has no effect on
/// the program's results.
static inline void strata_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#include <stddef.h>

/// Grows (or shrinks) an anonymous mapping made by `mmap`, moving it when it
/// must: Linux's `mremap(MREMAP_MAYMOVE)`, which moves the pages rather than
/// copying them, so an array that doubles touches no memory twice. Returns
/// the mapping's new address, or NULL when the call failed (the old mapping
/// is then untouched) and on systems without `mremap`.
void *strata_remap(void *old_address, size_t old_size, size_t new_size);

#endif
