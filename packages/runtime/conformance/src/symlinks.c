#include "check.h"

int main(void) {
  char buf[64];
  size_t n;
  __wasi_fd_t fd;
  __wasi_filestat_t st;

  // A symlink that came in with the preopened tree.
  fd = open_ok(PREOPEN, "committed-link", 0, RW_RIGHTS, 0);
  n = read_buf(fd, buf, sizeof buf);
  CHECK(n == 7 && memcmp(buf, "target\n", 7) == 0);
  OK(__wasi_fd_close(fd));

  OK(__wasi_path_symlink("target.txt", PREOPEN, "link"));
  OK(__wasi_path_readlink(PREOPEN, "link", (uint8_t *)buf, sizeof buf, &n));
  CHECK(n == 10 && memcmp(buf, "target.txt", 10) == 0);
  // readlink into a short buffer truncates.
  OK(__wasi_path_readlink(PREOPEN, "link", (uint8_t *)buf, 3, &n));
  CHECK(n == 3);
  EXPECT_ERRNO(__wasi_path_readlink(PREOPEN, "target.txt", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);

  OK(__wasi_path_filestat_get(PREOPEN, 0, "link", &st));
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  OK(__wasi_path_filestat_get(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", &st));
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 7);
  // Opening the link itself without following is ELOOP, as O_NOFOLLOW.
  EXPECT_ERRNO(__wasi_path_open(PREOPEN, 0, "link", 0, RW_RIGHTS, 0, 0, &fd), __WASI_ERRNO_LOOP);

  // Links to directories are followed in the middle of a path.
  OK(__wasi_path_create_directory(PREOPEN, "dir"));
  fd = open_ok(PREOPEN, "dir/f", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
  OK(__wasi_fd_close(fd));
  OK(__wasi_path_symlink("dir", PREOPEN, "dirlink"));
  OK(__wasi_path_filestat_get(PREOPEN, 0, "dirlink/f", &st));
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE);
  OK(__wasi_path_symlink("../target.txt", PREOPEN, "dir/up"));
  fd = open_ok(PREOPEN, "dir/up", 0, RW_RIGHTS, 0);
  OK(__wasi_fd_close(fd));

  // Dangling, looping, and escaping links.
  OK(__wasi_path_symlink("missing", PREOPEN, "dangling"));
  EXPECT_ERRNO(open_at(PREOPEN, "dangling", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_NOENT);
  OK(__wasi_path_symlink("loop-b", PREOPEN, "loop-a"));
  OK(__wasi_path_symlink("loop-a", PREOPEN, "loop-b"));
  EXPECT_ERRNO(open_at(PREOPEN, "loop-a", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_LOOP);
  OK(__wasi_path_symlink("../outside", PREOPEN, "escape"));
  EXPECT_ERRNO(open_at(PREOPEN, "escape", 0, RW_RIGHTS, 0, &fd), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(open_at(PREOPEN, "escape", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd), __WASI_ERRNO_PERM);
  OK(__wasi_path_symlink("dir/../../x", PREOPEN, "escape2"));
  EXPECT_ERRNO(__wasi_path_filestat_get(PREOPEN, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "escape2", &st), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_symlink("/etc/passwd", PREOPEN, "absolute"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_symlink("target.txt", PREOPEN, "link"), __WASI_ERRNO_EXIST);

  // Unlinking a link removes the link, not its target.
  OK(__wasi_path_unlink_file(PREOPEN, "link"));
  OK(__wasi_path_filestat_get(PREOPEN, 0, "target.txt", &st));
  return 0;
}
