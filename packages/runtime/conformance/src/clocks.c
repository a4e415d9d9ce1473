// Determinism probe: both clocks, their resolution, 16 random bytes, a sleep, and files under /output.
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  char line[256];
  int len = 0;
  struct timespec real, mono, res;
  unsigned char bytes[16];
  CHECK(clock_gettime(CLOCK_REALTIME, &real) == 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &mono) == 0);
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
  CHECK(getentropy(bytes, sizeof bytes) == 0);
  len += snprintf(line + len, sizeof line - len, "realtime %lld.%09ld monotonic %lld.%09ld res %ld random ",
                  (long long)real.tv_sec, real.tv_nsec, (long long)mono.tv_sec, mono.tv_nsec, res.tv_nsec);
  for (int i = 0; i < 16; i++) len += snprintf(line + len, sizeof line - len, "%02x", bytes[i]);
  usleep(250000);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &mono) == 0);
  len += snprintf(line + len, sizeof line - len, " after-sleep %lld.%09ld\n", (long long)mono.tv_sec, mono.tv_nsec);
  fputs(line, stdout);
  fputs(line, stderr);

  FILE *out = fopen("/output/result.txt", "w");
  CHECK(out != NULL);
  fputs(line, out);
  fclose(out);
  CHECK(mkdir("/output/sub", 0755) == 0);
  out = fopen("/output/sub/random.bin", "wb");
  CHECK(out != NULL && fwrite(bytes, 1, sizeof bytes, out) == sizeof bytes);
  fclose(out);
  return 0;
}
