import type { Attempt } from './state';

/**
 * Min-heap of live attempts by lease deadline, each attempt knowing its position, so a finished
 * attempt leaves at once (O(log running)) and a renewed one moves in place. The heap therefore
 * holds only what is running, never the history of a busy minute.
 */
export class LeaseHeap {
  private readonly items: Attempt[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Attempt | undefined {
    return this.items[0];
  }

  push(attempt: Attempt): void {
    attempt.heapIndex = this.items.length;
    this.items.push(attempt);
    this.up(attempt.heapIndex);
  }

  remove(attempt: Attempt): void {
    const at = attempt.heapIndex;
    if (at < 0) return;
    attempt.heapIndex = -1;
    const last = this.items.pop()!;
    if (last === attempt) return;
    this.items[at] = last;
    last.heapIndex = at;
    this.down(at);
    this.up(last.heapIndex);
  }

  /** Call after an attempt's deadline grew. */
  later(attempt: Attempt): void {
    if (attempt.heapIndex >= 0) this.down(attempt.heapIndex);
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p.deadline <= item.deadline) break;
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && items[right]!.deadline < items[left]!.deadline) child = right;
      const c = items[child]!;
      if (c.deadline >= item.deadline) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}
