// Allocates 1 MiB blocks until malloc fails, touching each, then reports how many it got.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Blocks escape through here, so the compiler cannot drop the allocations as unused.
static char *volatile last_block;

int main(void) {
  int blocks = 0;
  for (;;) {
    char *block = malloc(1 << 20);
    if (block == NULL) break;
    memset(block, 1, 1 << 20);
    last_block = block;
    blocks++;
  }
  printf("allocated %d MiB before malloc failed\n", blocks);
  return 0;
}
