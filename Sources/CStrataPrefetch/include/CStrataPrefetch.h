#ifndef C_STRATA_PREFETCH_H
#define C_STRATA_PREFETCH_H

/// Hints the CPU to bring the cache line holding `address` in for reading.
/// A hint only: it never faults, whatever the address, and has no effect on
/// the program's results.
static inline void strata_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
