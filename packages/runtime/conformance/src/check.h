// Shared by our WASI test programs: fail loudly with the line, exit 1.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
      exit(1);                                                                       \
    }                                                                                \
  } while (0)

#define EXPECT_ERRNO(call, want)                                                     \
  do {                                                                               \
    __wasi_errno_t got_ = (call);                                                    \
    if (got_ != (want)) {                                                            \
      fprintf(stderr, "%s:%d: %s: errno %d, expected %d\n", __FILE__, __LINE__, #call, \
              got_, (int)(want));                                                    \
      exit(1);                                                                       \
    }                                                                                \
  } while (0)

#define OK(call) EXPECT_ERRNO(call, __WASI_ERRNO_SUCCESS)

// The first preopen; every test's JSON preopens exactly one directory.
#define PREOPEN ((__wasi_fd_t)3)
#define ALL_RIGHTS ((__wasi_rights_t)0x1FFFFFFF)
#define RW_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
                   __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | \
                   __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)

static inline __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                                     __wasi_fdflags_t fdflags, __wasi_fd_t *out) {
  return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, rights, fdflags, out);
}

static inline __wasi_fd_t open_ok(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                                  __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd = 0;
  OK(open_at(dir, path, oflags, rights, fdflags, &fd));
  return fd;
}

static inline size_t write_str(__wasi_fd_t fd, const char *text) {
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  size_t n = 0;
  OK(__wasi_fd_write(fd, &iov, 1, &n));
  return n;
}

static inline size_t read_buf(__wasi_fd_t fd, char *buf, size_t len) {
  __wasi_iovec_t iov = {(uint8_t *)buf, len};
  size_t n = 0;
  OK(__wasi_fd_read(fd, &iov, 1, &n));
  return n;
}
