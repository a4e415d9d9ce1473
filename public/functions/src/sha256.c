/*
 * sha256.wasm — SHA-256 (FIPS 180-4), self-contained implementation.
 *
 *   sha256               hash all of stdin
 *   sha256 --zeros MIB   hash MIB mebibytes of zero bytes generated in memory
 *                        (1 MiB chunks; MIB is an integer 0..1048576) — benchmark mode
 *
 * stdout: 64 lowercase hex digits + "\n" (same digest as `sha256sum`).
 * Bad arguments: message on stderr, exit 2.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    uint32_t h[8];
    uint64_t len; /* total bytes */
    uint8_t buf[64];
    size_t buflen;
} sha256_ctx;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[i] + w[i];
        uint32_t S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_init(sha256_ctx *c) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->buflen = 0;
}

static void sha256_update(sha256_ctx *c, const uint8_t *p, size_t n) {
    c->len += n;
    if (c->buflen) {
        size_t take = 64 - c->buflen;
        if (take > n) take = n;
        memcpy(c->buf + c->buflen, p, take);
        c->buflen += take;
        p += take;
        n -= take;
        if (c->buflen < 64) return;
        sha256_block(c->h, c->buf);
        c->buflen = 0;
    }
    while (n >= 64) {
        sha256_block(c->h, p);
        p += 64;
        n -= 64;
    }
    memcpy(c->buf, p, n);
    c->buflen = n;
}

static void sha256_final(sha256_ctx *c, uint8_t out[32]) {
    uint64_t bits = c->len * 8;
    uint8_t pad[72];
    size_t padlen = (c->buflen < 56) ? 56 - c->buflen : 120 - c->buflen;
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(c, pad, padlen + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

#define MAX_MIB 1048576u /* 1 TiB; only bounded so the number parses safely */

static int parse_mib(const char *s, uint32_t *out) {
    uint64_t v = 0;
    if (*s == '\0') return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > MAX_MIB) return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static uint8_t chunk[1 << 20]; /* zero-initialised; also the stdin read buffer */

int main(int argc, char **argv) {
    sha256_ctx ctx;
    sha256_init(&ctx);

    if (argc == 1) {
        for (;;) {
            ssize_t n = read(STDIN_FILENO, chunk, 65536);
            if (n < 0) {
                if (errno == EINTR) continue;
                perror("sha256: read");
                return 1;
            }
            if (n == 0) break;
            sha256_update(&ctx, chunk, (size_t)n);
        }
    } else if (argc == 3 && strcmp(argv[1], "--zeros") == 0) {
        uint32_t mib;
        if (parse_mib(argv[2], &mib) != 0) {
            fprintf(stderr, "sha256: invalid MIB '%s': expected an integer between 0 and %u\n",
                    argv[2], MAX_MIB);
            return 2;
        }
        for (uint32_t i = 0; i < mib; i++) sha256_update(&ctx, chunk, sizeof chunk);
    } else {
        fprintf(stderr, "usage: sha256 [--zeros MIB]  (no arguments: hash stdin)\n");
        return 2;
    }

    uint8_t digest[32];
    sha256_final(&ctx, digest);
    static const char hex[] = "0123456789abcdef";
    char line[65];
    for (int i = 0; i < 32; i++) {
        line[2 * i] = hex[digest[i] >> 4];
        line[2 * i + 1] = hex[digest[i] & 15];
    }
    line[64] = '\n';
    if (write(STDOUT_FILENO, line, sizeof line) != (ssize_t)sizeof line) {
        perror("sha256: write");
        return 1;
    }
    return 0;
}
