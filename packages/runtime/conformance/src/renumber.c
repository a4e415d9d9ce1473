#include "check.h"

int main(void) {
  char buf[16];
  __wasi_fd_t a = open_ok(PREOPEN, "file.txt", 0, RW_RIGHTS, 0);
  __wasi_fd_t b = open_ok(PREOPEN, "sub/inner.txt", 0, RW_RIGHTS, 0);
  CHECK(a != b);

  // `to` is closed and replaced; `from` is gone.
  OK(__wasi_fd_renumber(a, b));
  CHECK(read_buf(b, buf, sizeof buf) == 12 && memcmp(buf, "hello world\n", 12) == 0);
  __wasi_fdstat_t st;
  EXPECT_ERRNO(__wasi_fd_fdstat_get(a, &st), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_renumber(a, b), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_renumber(b, 77), __WASI_ERRNO_BADF);
  OK(__wasi_fd_renumber(b, b));

  // The lowest free number is reused, as POSIX open().
  __wasi_fd_t c = open_ok(PREOPEN, "file.txt", 0, RW_RIGHTS, 0);
  CHECK(c == a);

  // Renumbering a file over stdout redirects it.
  __wasi_fd_t out = open_ok(PREOPEN, "out.txt", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
  OK(__wasi_fd_renumber(out, 1));
  write_str(1, "redirected");
  __wasi_filestat_t fst;
  OK(__wasi_path_filestat_get(PREOPEN, 0, "out.txt", &fst));
  CHECK(fst.size == 10);
  OK(__wasi_fd_close(c));
  EXPECT_ERRNO(__wasi_fd_close(c), __WASI_ERRNO_BADF);
  return 0;
}
