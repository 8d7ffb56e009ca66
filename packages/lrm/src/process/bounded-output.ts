/**
 * Captures a stream's output in bounded memory: the first `headBytes` and the last `tailBytes`
 * are kept, everything in between is only counted. An agent that floods its output (a 10 MB
 * debug dump, a `yes` loop) must not grow the LRM's memory with it.
 */
export class BoundedOutput {
  private head: Buffer[] = [];
  private headLen = 0;
  private tail: Buffer[] = [];
  private tailLen = 0;
  private total = 0;

  constructor(
    readonly headBytes = 64 * 1024,
    readonly tailBytes = 64 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headLen < this.headBytes) {
      const take = Math.min(this.headBytes - this.headLen, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headLen += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    // Copy: the tail is kept past the chunk's life and a subarray would pin the whole chunk.
    this.tail.push(Buffer.from(rest));
    this.tailLen += rest.length;
    while (this.tailLen - this.tail[0].length >= this.tailBytes) {
      this.tailLen -= this.tail[0].length;
      this.tail.shift();
    }
  }

  /** Bytes the stream produced in all. */
  get totalBytes(): number {
    return this.total;
  }

  get truncated(): boolean {
    return this.total > this.headBytes + this.tailBytes;
  }

  /** The kept text; a marker line stands where bytes were dropped. */
  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.tailBytes) tail = tail.subarray(tail.length - this.tailBytes);
    if (!this.truncated) return head + tail.toString("utf8");
    const dropped = this.total - this.headBytes - tail.length;
    return `${head}\n[... ${dropped} bytes of output dropped ...]\n${tail.toString("utf8")}`;
  }
}
