#include "check.h"

// File times come from the virtual clock: deterministic, so the exact values are in the JSON.
int main(void) {
  __wasi_filestat_t st;
  __wasi_timestamp_t now, later;
  __wasi_fd_t fd;

  OK(__wasi_path_filestat_get(PREOPEN, 0, "file.txt", &st));
  printf("preloaded mtim %llu\n", (unsigned long long)st.mtim);
  CHECK(st.nlink == 1 && st.size == 12);

  OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
  fd = open_ok(PREOPEN, "new.txt", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.mtim >= now && st.ctim == st.mtim && st.atim == st.mtim);
  write_str(fd, "data");
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.mtim >= now && st.size == 4);

  // Explicit times stick; "now" takes the virtual clock; both at once is INVAL.
  OK(__wasi_fd_filestat_set_times(fd, 111, 222, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.atim == 111 && st.mtim == 222);
  EXPECT_ERRNO(__wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
  OK(__wasi_path_filestat_set_times(PREOPEN, 0, "new.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &later));
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.atim == 111 && st.mtim >= now && st.mtim <= later);
  printf("touched mtim %llu\n", (unsigned long long)st.mtim);

  // Directory times move when entries change.
  __wasi_filestat_t before, after;
  OK(__wasi_path_filestat_get(PREOPEN, 0, "sub", &before));
  OK(__wasi_path_create_directory(PREOPEN, "sub/d"));
  OK(__wasi_path_filestat_get(PREOPEN, 0, "sub", &after));
  CHECK(after.mtim > before.mtim);
  return 0;
}
