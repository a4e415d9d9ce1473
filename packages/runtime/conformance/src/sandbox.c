#include "check.h"

// Every way out of the preopen fails the way wasmtime (cap-std) fails it: PERM.
int main(void) {
  __wasi_fd_t fd, sub;
  __wasi_filestat_t st;

  EXPECT_ERRNO(open_at(PREOPEN, "../file.txt", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(open_at(PREOPEN, "..", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(open_at(PREOPEN, "/etc/passwd", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(open_at(PREOPEN, "sub/../../x", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_create_directory(PREOPEN, "../d"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_filestat_get(PREOPEN, 0, "../", &st), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_rename(PREOPEN, "file.txt", PREOPEN, "../file.txt"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_rename(PREOPEN, "../file.txt", PREOPEN, "x"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_link(PREOPEN, 0, "file.txt", PREOPEN, "../hard"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_unlink_file(PREOPEN, "../file.txt"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_remove_directory(PREOPEN, "sub/../.."), __WASI_ERRNO_PERM);

  // `..` inside the tree is fine.
  fd = open_ok(PREOPEN, "sub/../file.txt", 0, RW_RIGHTS, 0);
  OK(__wasi_fd_close(fd));

  // The boundary is the descriptor used, not just the preopen: from sub/, ".." is outside.
  OK(__wasi_path_open(PREOPEN, 0, "sub", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~(__WASI_RIGHTS_FD_WRITE), ALL_RIGHTS, 0, &sub));
  EXPECT_ERRNO(open_at(sub, "../file.txt", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_PERM);
  fd = open_ok(sub, "inner.txt", 0, RW_RIGHTS, 0);
  OK(__wasi_fd_close(fd));
  // Renames between descriptors inside the sandbox work.
  OK(__wasi_path_rename(sub, "inner.txt", PREOPEN, "moved.txt"));
  OK(__wasi_path_filestat_get(PREOPEN, 0, "moved.txt", &st));
  // NUL inside a path is refused, not truncated.
  EXPECT_ERRNO(__wasi_path_filestat_get(sub, 0, "", &st), __WASI_ERRNO_NOENT);
  return 0;
}
