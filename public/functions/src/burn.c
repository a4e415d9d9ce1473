/*
 * burn.wasm — CPU-bound arithmetic that touches no memory: N rounds of xorshift64.
 *
 *   burn [N]      N defaults to 1000000, must be a decimal integer 0..4000000000
 *
 * stdout: "burn N: X\n" (X is the generator's state after N rounds, in decimal)
 * Invalid N or extra arguments: message on stderr, exit code 2.
 *
 * Unlike primes it allocates nothing, so its cost is the loop alone: a plain "N milliseconds of
 * CPU" task for benchmarks, like Dask's pure-Python loop.
 */
#include <stdint.h>
#include <stdio.h>

#define DEFAULT_N 1000000u
#define MAX_N 4000000000u

static int parse_n(const char *s, uint64_t *out) {
    uint64_t v = 0;
    if (*s == '\0') return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > MAX_N) return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv) {
    uint64_t n = DEFAULT_N;
    if (argc > 2) {
        fprintf(stderr, "usage: burn [N]  (0 <= N <= %llu)\n", (unsigned long long)MAX_N);
        return 2;
    }
    if (argc == 2 && parse_n(argv[1], &n) != 0) {
        fprintf(stderr, "burn: invalid N '%s': expected an integer between 0 and %llu\n", argv[1],
                (unsigned long long)MAX_N);
        return 2;
    }
    uint64_t x = 88172645463325252ull;
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    printf("burn %llu: %llu\n", (unsigned long long)n, (unsigned long long)x);
    return 0;
}
