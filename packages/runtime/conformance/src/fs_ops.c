#include "check.h"

int main(void) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;

  EXPECT_ERRNO(__wasi_path_create_directory(PREOPEN, "sub"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(open_at(PREOPEN, "file.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW_RIGHTS, 0, &fd), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(open_at(PREOPEN, "missing", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(open_at(PREOPEN, "file.txt/", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(open_at(PREOPEN, "file.txt/x", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(open_at(PREOPEN, "file.txt", __WASI_OFLAGS_DIRECTORY, 0, 0, &fd), __WASI_ERRNO_NOTDIR);

  EXPECT_ERRNO(__wasi_path_remove_directory(PREOPEN, "sub"), __WASI_ERRNO_NOTEMPTY);
  EXPECT_ERRNO(__wasi_path_remove_directory(PREOPEN, "file.txt"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_unlink_file(PREOPEN, "sub"), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_path_unlink_file(PREOPEN, "missing"), __WASI_ERRNO_NOENT);

  // Renames: into its own subtree is INVAL; file over dir ISDIR; dir over file NOTDIR; over an empty dir fine.
  EXPECT_ERRNO(__wasi_path_rename(PREOPEN, "sub", PREOPEN, "sub/deeper"), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_path_rename(PREOPEN, "file.txt", PREOPEN, "sub"), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_path_rename(PREOPEN, "sub", PREOPEN, "file.txt"), __WASI_ERRNO_NOTDIR);
  OK(__wasi_path_create_directory(PREOPEN, "empty"));
  OK(__wasi_path_rename(PREOPEN, "sub", PREOPEN, "empty"));
  OK(__wasi_path_filestat_get(PREOPEN, 0, "empty/inner.txt", &st));
  EXPECT_ERRNO(__wasi_path_filestat_get(PREOPEN, 0, "sub", &st), __WASI_ERRNO_NOENT);
  // A file renamed over a file replaces it, and an open descriptor keeps the old inode.
  fd = open_ok(PREOPEN, "file.txt", 0, RW_RIGHTS, 0);
  OK(__wasi_path_rename(PREOPEN, "empty/inner.txt", PREOPEN, "file.txt"));
  OK(__wasi_path_filestat_get(PREOPEN, 0, "file.txt", &st));
  CHECK(st.size == 6);
  __wasi_filestat_t held;
  OK(__wasi_fd_filestat_get(fd, &held));
  CHECK(held.size == 12 && held.nlink == 0);

  // Hard links share an inode and count.
  OK(__wasi_path_link(PREOPEN, 0, "file.txt", PREOPEN, "hard.txt"));
  OK(__wasi_path_filestat_get(PREOPEN, 0, "hard.txt", &st));
  __wasi_filestat_t orig;
  OK(__wasi_path_filestat_get(PREOPEN, 0, "file.txt", &orig));
  CHECK(st.ino == orig.ino && st.nlink == 2);
  EXPECT_ERRNO(__wasi_path_link(PREOPEN, 0, "empty", PREOPEN, "dirlink"), __WASI_ERRNO_PERM);
  OK(__wasi_path_remove_directory(PREOPEN, "empty"));
  return 0;
}
