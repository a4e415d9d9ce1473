#include "check.h"

int main(void) {
  __wasi_fd_t fd, dir, other;
  __wasi_fdstat_t st;
  char buf[8];
  size_t n;
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};

  // A descriptor opened for reading only cannot write, and says so in its rights.
  fd = open_ok(PREOPEN, "file.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
  OK(__wasi_fd_fdstat_get(fd, &st));
  CHECK(st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
  CHECK(st.fs_rights_base == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK));
  EXPECT_ERRNO(__wasi_fd_write(fd, &ciov, 1, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_pwrite(fd, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  OK(__wasi_fd_read(fd, &iov, 1, &n));
  CHECK(n == 8);

  // Rights only shrink.
  OK(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_SEEK, 0));
  EXPECT_ERRNO(__wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_fd_close(fd));

  // A directory hands down only its inheriting rights.
  OK(__wasi_path_open(PREOPEN, 0, "sub", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~__WASI_RIGHTS_FD_WRITE,
                      __WASI_RIGHTS_FD_READ, 0, &dir));
  EXPECT_ERRNO(__wasi_path_open(dir, 0, "inner.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &other), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_path_open(dir, 0, "inner.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &other));
  OK(__wasi_fd_close(other));
  // Without path rights on the directory, path calls are refused.
  OK(__wasi_fd_fdstat_set_rights(dir, __WASI_RIGHTS_FD_READDIR, __WASI_RIGHTS_FD_READ));
  EXPECT_ERRNO(__wasi_path_open(dir, 0, "inner.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &other), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_path_create_directory(dir, "d"), __WASI_ERRNO_NOTCAPABLE);
  // A directory opened for writing is EISDIR, as open(2).
  EXPECT_ERRNO(__wasi_path_open(PREOPEN, 0, "sub", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &other), __WASI_ERRNO_ISDIR);

  // stdio: stdout writes, stdin reads, neither seeks.
  OK(__wasi_fd_fdstat_get(1, &st));
  CHECK(st.fs_filetype == __WASI_FILETYPE_CHARACTER_DEVICE && (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  __wasi_filesize_t pos;
  EXPECT_ERRNO(__wasi_fd_seek(1, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_SPIPE);
  EXPECT_ERRNO(__wasi_fd_write(0, &ciov, 1, &n), __WASI_ERRNO_BADF);
  return 0;
}
