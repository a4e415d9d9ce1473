/*
 * hello.wasm — read all of stdin and write it to stdout with ASCII letters
 * upper-cased. Bytes >= 0x80 (UTF-8 sequences) pass through unchanged.
 * Empty stdin -> empty stdout. Always exits 0 unless a read/write fails (1).
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static int write_all(const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(void) {
    static unsigned char buf[65536];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("hello: read");
            return 1;
        }
        if (n == 0) break;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = buf[i];
            if (c >= 'a' && c <= 'z') buf[i] = (unsigned char)(c - 'a' + 'A');
        }
        if (write_all(buf, (size_t)n) != 0) {
            perror("hello: write");
            return 1;
        }
    }
    return 0;
}
