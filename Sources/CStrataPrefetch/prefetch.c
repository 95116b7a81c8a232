// mremap is a GNU extension, declared only with _GNU_SOURCE, which must come
// before any system header; Swift's Glibc module does not export it.
#define _GNU_SOURCE
#include "CStrataPrefetch.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

void *strata_remap(void *old_address, size_t old_size, size_t new_size) {
#ifdef __linux__
    void *moved = mremap(old_address, old_size, new_size, MREMAP_MAYMOVE);
    return moved == MAP_FAILED ? NULL : moved;
#else
    (void)old_address;
    (void)old_size;
    (void)new_size;
    return NULL;
#endif
}
