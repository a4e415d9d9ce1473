/*
 * inspect.wasm — reports what the host gave it (for tests).
 *
 *   inspect [--read PATH]... [--write PATH TEXT]... [--exit N] [anything else]
 *
 * stdout, in this order:
 *   1. one line per argument, including argv[0]:      arg[I]=VALUE
 *   2. every environment variable, sorted bytewise:    env NAME=VALUE
 *   3. the --read / --write operations, in argument order:
 *        --read PATH   ->  file PATH: CONTENTS        (a "\n" is appended unless
 *                                                     CONTENTS already ends with one)
 *                          file PATH: error STRERROR  (open/read failed; keeps going)
 *        --write PATH TEXT -> creates/truncates PATH, writes TEXT (no newline added)
 *                          wrote PATH: N bytes
 *                          wrote PATH: error STRERROR
 * stderr: "inspect done\n" as the very last thing.
 * exit code: N from --exit N (0..255, last one wins), default 0.
 * A flag missing its operand or a bad --exit value: message on stderr, no
 * stdout, exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int parse_code(const char *s, int *out) {
    int v = 0;
    if (*s == '\0') return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
        if (v > 255) return -1;
    }
    *out = v;
    return 0;
}

static void do_read(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("file %s: error %s\n", path, strerror(errno));
        return;
    }
    size_t cap = 4096, len = 0;
    char *data = malloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            data = realloc(data, cap);
        }
        if (!data) {
            close(fd);
            printf("file %s: error %s\n", path, strerror(ENOMEM));
            return;
        }
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            free(data);
            printf("file %s: error %s\n", path, strerror(e));
            return;
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);
    printf("file %s: ", path);
    fwrite(data, 1, len, stdout);
    if (len == 0 || data[len - 1] != '\n') putchar('\n');
    free(data);
}

static void do_write(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        printf("wrote %s: error %s\n", path, strerror(errno));
        return;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            printf("wrote %s: error %s\n", path, strerror(e));
            return;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0) {
        printf("wrote %s: error %s\n", path, strerror(errno));
        return;
    }
    printf("wrote %s: %zu bytes\n", path, len);
}

int main(int argc, char **argv) {
    int exit_code = 0;

    /* validate first so a usage error produces no stdout at all */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--read") == 0) {
            if (i + 1 >= argc) goto usage;
            i += 1;
        } else if (strcmp(argv[i], "--write") == 0) {
            if (i + 2 >= argc) goto usage;
            i += 2;
        } else if (strcmp(argv[i], "--exit") == 0) {
            if (i + 1 >= argc) goto usage;
            if (parse_code(argv[i + 1], &exit_code) != 0) {
                fprintf(stderr, "inspect: invalid exit code '%s' (expected 0..255)\n", argv[i + 1]);
                return 2;
            }
            i += 1;
        }
    }

    for (int i = 0; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);

    size_t nenv = 0;
    if (environ)
        while (environ[nenv]) nenv++;
    if (nenv) {
        char **sorted = malloc(nenv * sizeof *sorted);
        if (sorted) {
            memcpy(sorted, environ, nenv * sizeof *sorted);
            qsort(sorted, nenv, sizeof *sorted, cmp_str);
            for (size_t i = 0; i < nenv; i++) printf("env %s\n", sorted[i]);
            free(sorted);
        }
    }

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--read") == 0) {
            do_read(argv[i + 1]);
            i += 1;
        } else if (strcmp(argv[i], "--write") == 0) {
            do_write(argv[i + 1], argv[i + 2]);
            i += 2;
        } else if (strcmp(argv[i], "--exit") == 0) {
            i += 1;
        }
    }

    fflush(stdout);
    fputs("inspect done\n", stderr);
    return exit_code;

usage:
    fprintf(stderr, "usage: inspect [--read PATH]... [--write PATH TEXT]... [--exit N]\n");
    return 2;
}
