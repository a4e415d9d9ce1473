/*
 * primes.wasm — CPU-bound sieve of Eratosthenes.
 *
 *   primes [N]      N defaults to 1000000, must be a decimal integer 0..200000000
 *
 * stdout: "primes<=N: COUNT, largest: P\n"   (P is 0 when there is no prime <= N)
 * Invalid N (non-numeric, negative, > 200000000) or extra arguments:
 *   message on stderr, exit code 2.
 *
 * Memory: one bit per odd number (N/16 bytes, 12.5 MB at the maximum).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_N 1000000u
#define MAX_N 200000000u

static int parse_n(const char *s, uint32_t *out) {
    uint64_t v = 0;
    if (*s == '\0') return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > MAX_N) return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int main(int argc, char **argv) {
    uint32_t n = DEFAULT_N;
    if (argc > 2) {
        fprintf(stderr, "usage: primes [N]  (0 <= N <= %u)\n", MAX_N);
        return 2;
    }
    if (argc == 2 && parse_n(argv[1], &n) != 0) {
        fprintf(stderr, "primes: invalid N '%s': expected an integer between 0 and %u\n",
                argv[1], MAX_N);
        return 2;
    }

    uint32_t count = 0, largest = 0;
    if (n >= 2) {
        count = 1; /* the prime 2 */
        largest = 2;
        /* bit i represents the odd number 2*i+1; i = 0 (the number 1) is never prime */
        uint32_t nodd = (n - 1) / 2 + 1; /* odd numbers 1,3,...,<=n */
        size_t bytes = (nodd + 7) / 8;
        uint8_t *composite = calloc(bytes, 1);
        if (!composite) {
            fprintf(stderr, "primes: out of memory\n");
            return 1;
        }
        for (uint32_t i = 1; i < nodd; i++) {
            uint32_t p = 2 * i + 1;
            if ((uint64_t)p * p > n) break;
            if (composite[i >> 3] & (1u << (i & 7))) continue;
            /* start at p*p, step 2p  ->  index step p */
            for (uint32_t j = ((uint64_t)p * p) / 2; j < nodd; j += p)
                composite[j >> 3] |= (uint8_t)(1u << (j & 7));
        }
        for (uint32_t i = 1; i < nodd; i++) {
            if (!(composite[i >> 3] & (1u << (i & 7)))) {
                count++;
                largest = 2 * i + 1;
            }
        }
        free(composite);
    }
    printf("primes<=%u: %u, largest: %u\n", n, count, largest);
    return 0;
}
