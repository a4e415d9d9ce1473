#include <unistd.h>
#include "check.h"

static __wasi_subscription_t clock_sub(__wasi_userdata_t id, __wasi_clockid_t clock, __wasi_timestamp_t timeout, int abs) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = id;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = clock;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t id, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = id;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

int main(void) {
  __wasi_event_t ev[4];
  size_t n;
  __wasi_timestamp_t t0, t1;
  __wasi_fd_t file = open_ok(PREOPEN, "file.txt", 0, RW_RIGHTS, 0);

  // Ready descriptors come back at once; a clock that is not yet due does not.
  __wasi_subscription_t mixed[3] = {clock_sub(1, __WASI_CLOCKID_MONOTONIC, 1000000000ull, 0),
                                    fd_sub(2, __WASI_EVENTTYPE_FD_READ, file), fd_sub(3, __WASI_EVENTTYPE_FD_WRITE, 1)};
  OK(__wasi_poll_oneoff(mixed, ev, 3, &n));
  CHECK(n == 2);
  CHECK(ev[0].userdata == 2 && ev[0].error == 0 && ev[0].type == __WASI_EVENTTYPE_FD_READ && ev[0].fd_readwrite.nbytes == 12);
  CHECK(ev[1].userdata == 3 && ev[1].error == 0 && ev[1].type == __WASI_EVENTTYPE_FD_WRITE);

  // Two clocks: only the earlier fires, and time moves on by (at least) its timeout.
  OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
  __wasi_subscription_t clocks[2] = {clock_sub(10, __WASI_CLOCKID_MONOTONIC, 20000000ull, 0),
                                     clock_sub(11, __WASI_CLOCKID_MONOTONIC, 10000000ull, 0)};
  OK(__wasi_poll_oneoff(clocks, ev, 2, &n));
  CHECK(n == 1 && ev[0].userdata == 11 && ev[0].error == 0 && ev[0].type == __WASI_EVENTTYPE_CLOCK);
  OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
  CHECK(t1 - t0 >= 10000000ull && t1 - t0 < 20000000ull);

  // Equal deadlines fire together; an absolute deadline in the past fires at once.
  __wasi_subscription_t same[2] = {clock_sub(20, __WASI_CLOCKID_MONOTONIC, 5000, 0), clock_sub(21, __WASI_CLOCKID_MONOTONIC, 5000, 0)};
  OK(__wasi_poll_oneoff(same, ev, 2, &n));
  CHECK(n == 2);
  __wasi_subscription_t past = clock_sub(30, __WASI_CLOCKID_REALTIME, 1, 1);
  OK(__wasi_poll_oneoff(&past, ev, 1, &n));
  CHECK(n == 1 && ev[0].userdata == 30);

  // A bad descriptor is an event with an error, not a failed call.
  __wasi_subscription_t bad = fd_sub(40, __WASI_EVENTTYPE_FD_READ, 99);
  OK(__wasi_poll_oneoff(&bad, ev, 1, &n));
  CHECK(n == 1 && ev[0].userdata == 40 && ev[0].error == __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_poll_oneoff(&bad, ev, 0, &n), __WASI_ERRNO_INVAL);

  // sleep() is poll_oneoff underneath: it returns without a real wait.
  OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t0));
  CHECK(sleep(3600) == 0);
  OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t1));
  CHECK(t1 - t0 >= 3600000000000ull);
  return 0;
}
