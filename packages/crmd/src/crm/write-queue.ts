/**
 * The DC's queue of client writes. Writes are taken in arrival order; those that arrive while
 * one version is being checked and stored are applied together, one after the other, to the
 * next version: one schema check, one SQLite commit and one broadcast for the lot. That is
 * where the throughput comes from: the check (schemas/cib.rng) costs far more than applying a
 * patch. Each write still succeeds or fails on its own: one that conflicts is refused and the
 * others go ahead.
 */
import { type CibVersion, type XmlElement, firstChild, sameElement } from "@hbx/cib";

/** One client write: what it makes of the CIB it is applied to. */
export interface QueuedWrite {
  operation: string;
  /** The next document from `current` (a fresh copy the function may keep), or throws a refusal. */
  produce(current: XmlElement): XmlElement;
  /** Whether the result still needs the write checks (a replace was checked on arrival). */
  check: boolean;
  /**
   * Applied alone, never together with others: a replace's compare-and-swap must see the
   * version every write before it produced.
   */
  alone: boolean;
  /** Raise epoch even if the write changes nothing else (cibadmin -B). */
  bump?: boolean;
  /** Refused before anything is applied (no quorum, not the DC), or undefined to go ahead. */
  gate(): Error | undefined;
}

export interface WriteQueueDeps {
  current(): { document: XmlElement; version: CibVersion };
  currentVersion(): CibVersion;
  /** The write checks on a whole document (hardened reader, schema, values); throws when it fails. */
  check(doc: XmlElement, since: XmlElement, source: string): Promise<void>;
  /** Store `doc` as the next version (one transaction), broadcast it; the version stored. */
  commit(doc: XmlElement, operation: string, bump: boolean): string;
  /** Most writes applied in one version. */
  maxBatch?: number;
}

interface Pending {
  write: QueuedWrite;
  resolve(version: string): void;
  reject(e: unknown): void;
}

const sameVersion = (a: CibVersion, b: CibVersion) =>
  a.adminEpoch === b.adminEpoch && a.epoch === b.epoch && a.numUpdates === b.numUpdates;

export class ClientWriteQueue {
  private readonly pending: Pending[] = [];
  private draining = false;

  constructor(private readonly deps: WriteQueueDeps) {}

  /** Resolves with the version that holds the write, once it is stored. */
  submit(write: QueuedWrite): Promise<string> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      // Start on the next turn of the event loop, not now: the requests read from the sockets
      // and the bus in this turn then share a version even when none of them needs the check
      // (status updates), the await that otherwise lets a batch gather.
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.nextBatch();
        await this.apply(batch).catch((e: unknown) => {
          for (const p of batch) p.reject(e);
        });
      }
    } finally {
      this.draining = false;
    }
  }

  /** The writes at the head of the queue that go into one version: up to a lone one. */
  private nextBatch(): Pending[] {
    const max = this.deps.maxBatch ?? 1000;
    if (this.pending[0].write.alone) return this.pending.splice(0, 1);
    let n = 1;
    while (n < this.pending.length && n < max && !this.pending[n].write.alone) n++;
    return this.pending.splice(0, n);
  }

  private async apply(batch: Pending[]): Promise<void> {
    // The configuration last checked, for a retry on a newer CIB that left it as it was.
    let checkedConfig: { config: XmlElement | undefined } | undefined;
    for (;;) {
      const base = this.deps.current();
      let doc = base.document;
      const taken: Pending[] = [];
      const refused: [Pending, unknown][] = [];
      for (const p of batch) {
        const gate = p.write.gate();
        if (gate) {
          refused.push([p, gate]);
          continue;
        }
        try {
          doc = p.write.produce(doc);
          taken.push(p);
        } catch (e) {
          refused.push([p, e]);
        }
      }
      if (taken.length === 0) {
        for (const [p, e] of refused) p.reject(e);
        return;
      }
      const operation = taken.length === 1 ? taken[0].write.operation : `${taken.length} writes`;
      if (taken.some((p) => p.write.check)) {
        const config = firstChild(doc, "configuration");
        if (checkedConfig === undefined || !sameElement(config, checkedConfig.config)) {
          try {
            await this.deps.check(doc, base.document, `cib.${taken[0].write.operation}`);
            checkedConfig = { config };
          } catch (e) {
            if (taken.length === 1) {
              for (const [p, err] of refused) p.reject(err);
              taken[0].reject(e);
              return;
            }
            // One of them makes the CIB invalid: find it by taking each on its own.
            this.pending.unshift(...batch.map((p) => ({ ...p, write: { ...p.write, alone: true } })));
            return;
          }
        }
      }
      // The DC's own commits (results, membership) may have landed meanwhile: redo on the newer CIB.
      // So may a loss of quorum or of the DC role that no commit recorded yet: ask the gates again.
      if (!sameVersion(this.deps.currentVersion(), base.version) || taken.some((p) => p.write.gate()))
        continue;
      const version = this.deps.commit(
        doc,
        operation,
        taken.some((p) => p.write.bump === true),
      );
      for (const [p, e] of refused) p.reject(e);
      for (const p of taken) p.resolve(version);
      return;
    }
  }
}
