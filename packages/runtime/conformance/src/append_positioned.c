#include "check.h"

int main(void) {
  char buf[32];
  size_t n;
  __wasi_filesize_t pos;
  __wasi_fd_t fd;
  __wasi_fdstat_t st;

  fd = open_ok(PREOPEN, "log.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS, __WASI_FDFLAGS_APPEND);
  OK(__wasi_fd_fdstat_get(fd, &st));
  CHECK(st.fs_flags & __WASI_FDFLAGS_APPEND);
  write_str(fd, "abc");
  // O_APPEND: every write goes to the end, wherever the position was.
  OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  write_str(fd, "def");
  OK(__wasi_fd_tell(fd, &pos));
  CHECK(pos == 6);
  // pwrite writes at its offset (POSIX) and leaves the position alone.
  __wasi_ciovec_t ciov = {(const uint8_t *)"X", 1};
  OK(__wasi_fd_pwrite(fd, &ciov, 1, 1, &n));
  CHECK(n == 1);
  OK(__wasi_fd_tell(fd, &pos));
  CHECK(pos == 6);
  // Clearing APPEND makes writes positional again.
  OK(__wasi_fd_fdstat_set_flags(fd, 0));
  OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  write_str(fd, "A");
  n = 0;
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  OK(__wasi_fd_pread(fd, &iov, 1, 0, &n));
  CHECK(n == 6 && memcmp(buf, "AXcdef", 6) == 0);

  // Positioned reads and writes: no position change, holes read as zeros, EOF reads 0 bytes.
  OK(__wasi_fd_seek(fd, 2, __WASI_WHENCE_SET, &pos));
  __wasi_ciovec_t far = {(const uint8_t *)"Z", 1};
  OK(__wasi_fd_pwrite(fd, &far, 1, 10, &n));
  OK(__wasi_fd_tell(fd, &pos));
  CHECK(pos == 2);
  OK(__wasi_fd_pread(fd, &iov, 1, 0, &n));
  CHECK(n == 11 && buf[6] == 0 && buf[9] == 0 && buf[10] == 'Z');
  OK(__wasi_fd_pread(fd, &iov, 1, 100, &n));
  CHECK(n == 0);
  // Scatter/gather over several buffers.
  char a[2], b[3];
  __wasi_iovec_t two[2] = {{(uint8_t *)a, 2}, {(uint8_t *)b, 3}};
  OK(__wasi_fd_pread(fd, two, 2, 1, &n));
  CHECK(n == 5 && memcmp(a, "Xc", 2) == 0 && memcmp(b, "def", 3) == 0);
  // Seeking: from the end, past the end, and before the start.
  OK(__wasi_fd_seek(fd, -1, __WASI_WHENCE_END, &pos));
  CHECK(pos == 10);
  OK(__wasi_fd_seek(fd, 5, __WASI_WHENCE_END, &pos));
  CHECK(pos == 16);
  EXPECT_ERRNO(__wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_INVAL);
  // Truncate and extend.
  OK(__wasi_fd_filestat_set_size(fd, 3));
  OK(__wasi_fd_pread(fd, &iov, 1, 0, &n));
  CHECK(n == 3);
  return 0;
}
