// Allocates 1 MiB blocks (touching each) until malloc fails or the optional limit is reached,
// then reports how many it got. Shows the per-task memory cap (`memoryMb`) at work.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Blocks escape through here, so the compiler cannot drop the allocations as unused.
static char *volatile last_block;

int main(int argc, char **argv) {
  long limit = argc > 1 ? strtol(argv[1], NULL, 10) : -1;
  long blocks = 0;
  while (limit < 0 || blocks < limit) {
    char *block = malloc(1 << 20);
    if (block == NULL) break;
    memset(block, 1, 1 << 20);
    last_block = block;
    blocks++;
  }
  printf("allocated %ld MiB\n", blocks);
  return 0;
}
