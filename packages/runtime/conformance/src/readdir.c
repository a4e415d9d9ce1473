#include <dirent.h>
#include "check.h"

#define FILES 20

int main(void) {
  __wasi_fd_t dir, fd;
  char name[32];
  OK(__wasi_path_create_directory(PREOPEN, "many"));
  for (int i = 0; i < FILES; i++) {
    snprintf(name, sizeof name, "many/entry-%02d", i);
    fd = open_ok(PREOPEN, name, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    OK(__wasi_fd_close(fd));
  }
  OK(__wasi_path_open(PREOPEN, 0, "many", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, &dir));

  // One big read sees ".", "..", and every entry, each once, with cookies counting up.
  uint8_t buf[4096];
  size_t used;
  OK(__wasi_fd_readdir(dir, buf, sizeof buf, 0, &used));
  CHECK(used < sizeof buf);
  int seen = 0, dots = 0;
  __wasi_dircookie_t last = 0;
  for (size_t at = 0; at < used;) {
    __wasi_dirent_t ent;
    memcpy(&ent, buf + at, sizeof ent);
    CHECK(ent.d_next == last + 1);
    last = ent.d_next;
    const char *entry_name = (const char *)buf + at + sizeof ent;
    if ((ent.d_namlen == 1 && entry_name[0] == '.') || (ent.d_namlen == 2 && memcmp(entry_name, "..", 2) == 0)) {
      dots++;
      CHECK(ent.d_type == __WASI_FILETYPE_DIRECTORY);
    } else {
      seen++;
      CHECK(ent.d_type == __WASI_FILETYPE_REGULAR_FILE && ent.d_namlen == 8);
    }
    at += sizeof ent + ent.d_namlen;
  }
  CHECK(dots == 2 && seen == FILES);

  // A small buffer is filled completely (a cut record included): bufused == buf_len means "more".
  OK(__wasi_fd_readdir(dir, buf, 30, 0, &used));
  CHECK(used == 30);
  // Resuming from a cookie skips what came before it.
  OK(__wasi_fd_readdir(dir, buf, sizeof buf, 2, &used));
  __wasi_dirent_t first;
  memcpy(&first, buf, sizeof first);
  CHECK(first.d_next == 3 && memcmp(buf + sizeof first, "entry-00", 8) == 0);
  // Past the end: nothing.
  OK(__wasi_fd_readdir(dir, buf, sizeof buf, 1000, &used));
  CHECK(used == 0);
  EXPECT_ERRNO(__wasi_fd_readdir(1, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTDIR);

  // libc's readdir/telldir/seekdir ride on the cookies.
  DIR *d = opendir("fs.dir/many");
  CHECK(d != NULL);
  int count = 0;
  long mark = -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    count++;
    if (strcmp(e->d_name, "entry-09") == 0) mark = telldir(d);
  }
  CHECK(count == FILES + 2 && mark >= 0);
  seekdir(d, mark);
  e = readdir(d);
  CHECK(e != NULL && strcmp(e->d_name, "entry-10") == 0);
  rewinddir(d);
  e = readdir(d);
  CHECK(e != NULL && strcmp(e->d_name, ".") == 0);
  closedir(d);
  return 0;
}
