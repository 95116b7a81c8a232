/* The reference workload, shared by the C programs and mirrored exactly by
 * Benchmarks/ReferenceWorkload (Swift, through the Store protocol):
 *   keys   k%015d (16 bytes), values of VALUE_SIZE bytes
 *   write  NUM keys in random order, BATCH puts per transaction/WriteBatch
 *   read   every key once in another random order, checking the value's length
 *   single every key once in a third order, one read transaction per get
 *          (lmdb_reference and the Swift side only)
 *   scan   a full ordered scan, summing key and value lengths
 * Random orders come from a SplitMix64 Fisher–Yates shuffle with fixed seeds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline void shuffle(uint32_t *a, uint32_t n, uint64_t seed) {
    for (uint32_t i = 0; i < n; i++) a[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(splitmix64(&seed) % (uint64_t)(i + 1));
        uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
    }
}

static inline void format_key(uint32_t n, char *key) {
    key[0] = 'k';
    for (int i = 15; i >= 1; i--) { key[i] = (char)('0' + n % 10); n /= 10; }
}

/* The clock of the phases: wall time, or with STRATA_REFERENCE_CLOCK=cpu the
 * calling thread's CPU time (user + system), which a machine shared with
 * other work disturbs much less. The Swift side reads the same variable. */
static inline double now_s(void) {
    static int cpu = -1;
    if (cpu < 0) {
        const char *clock = getenv("STRATA_REFERENCE_CLOCK");
        cpu = clock != NULL && strcmp(clock, "cpu") == 0;
    }
    struct timespec t;
    clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline void report(const char *phase, uint64_t ops, double seconds) {
    printf("%s %.0f\n", phase, (double)ops / seconds);
    fflush(stdout);
}
