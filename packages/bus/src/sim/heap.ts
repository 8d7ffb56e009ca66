/** A binary min-heap ordered by (time, insertion order), so equal times replay deterministically. */
export class EventHeap<T> {
  private items: { time: number; order: number; value: T }[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  peekTime(): number | null {
    return this.items.length ? this.items[0].time : null;
  }

  push(time: number, value: T): void {
    const it = { time, order: this.counter++, value };
    const a = this.items;
    a.push(it);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): { time: number; value: T } | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return { time: top.time, value: top.value };
  }

  private less(x: { time: number; order: number }, y: { time: number; order: number }): boolean {
    return x.time < y.time || (x.time === y.time && x.order < y.order);
  }
}
