#include "check.h"

// Raw imports, so the guest can hand the host bad pointers and bad lengths on purpose.
#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
RAW(fd_write) int raw_fd_write(int fd, int iovs, int count, int nwritten);
RAW(path_open) int raw_path_open(int fd, int dirflags, int path, int len, int oflags, long long base, long long inh, int fdflags, int out);
RAW(random_get) int raw_random_get(int buf, int len);
RAW(args_get) int raw_args_get(int argv, int buf);
RAW(clock_time_get) int raw_clock_time_get(int id, long long precision, int out);
RAW(fd_prestat_dir_name) int raw_fd_prestat_dir_name(int fd, int path, int len);

static __wasi_ciovec_t past_end;

int main(void) {
  const int far = 0x7ffffff0;  // beyond this module's memory
  size_t n;
  __wasi_fd_t fd;

  // Pointers outside guest memory are EFAULT, never a host exception.
  past_end.buf = (const uint8_t *)far;
  past_end.buf_len = 100;
  CHECK(raw_fd_write(1, (int)&past_end, 1, (int)&n) == __WASI_ERRNO_FAULT);
  CHECK(raw_fd_write(1, far, 1, (int)&n) == __WASI_ERRNO_FAULT);
  CHECK(raw_path_open(PREOPEN, 0, far, 10, 0, RW_RIGHTS, 0, 0, (int)&fd) == __WASI_ERRNO_FAULT);
  CHECK(raw_random_get(far, 16) == __WASI_ERRNO_FAULT);
  CHECK(raw_args_get(far, far) == __WASI_ERRNO_FAULT);
  CHECK(raw_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, far) == __WASI_ERRNO_FAULT);
  CHECK(raw_fd_prestat_dir_name(PREOPEN, far, 100) == __WASI_ERRNO_FAULT);
  // Invalid UTF-8 in a path.
  static const char bad_utf8[] = {'a', (char)0xff, 'b'};
  CHECK(raw_path_open(PREOPEN, 0, (int)bad_utf8, 3, 0, RW_RIGHTS, 0, 0, (int)&fd) == __WASI_ERRNO_ILSEQ);

  // Plain errnos.
  __wasi_timestamp_t t;
  EXPECT_ERRNO(__wasi_clock_time_get(99, 1, &t), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_clock_res_get(99, &t), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_fd_close(1234), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_advise(PREOPEN, 0, 0, __WASI_ADVICE_NORMAL), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_sock_shutdown(PREOPEN, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
  EXPECT_ERRNO(__wasi_sock_shutdown(1234, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
  char buf[4];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  EXPECT_ERRNO(__wasi_fd_read(PREOPEN, &iov, 1, &n), __WASI_ERRNO_BADF);
  __wasi_prestat_t pre;
  EXPECT_ERRNO(__wasi_fd_prestat_get(1, &pre), __WASI_ERRNO_BADF);
  OK(__wasi_fd_prestat_get(PREOPEN, &pre));
  CHECK(pre.tag == __WASI_PREOPENTYPE_DIR && pre.u.dir.pr_name_len == 6);
  EXPECT_ERRNO(__wasi_fd_prestat_dir_name(PREOPEN, (uint8_t *)buf, 2), __WASI_ERRNO_NAMETOOLONG);
  OK(__wasi_sched_yield());
  return 0;
}
