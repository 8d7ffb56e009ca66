import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import {
  CibStore,
  type XmlElement,
  assertWritableCib,
  formatVersion,
  makePatch,
  parseXml,
  serializeXml,
} from "@hbx/cib";
import { applyClientPatch } from "./cib-writes.js";
import { ClientWriteQueue, type QueuedWrite } from "./write-queue.js";

const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14"><configuration>
<crm_config><cluster_property_set id="opts"><nvpair id="opts-a" name="a" value="1"/></cluster_property_set></crm_config>
<nodes/><resources/><constraints/></configuration><status/></cib>`;

const stores: CibStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

/** A real store and the real write checks behind the queue, counting the checks and commits. */
async function setup() {
  const store = await CibStore.open(mkdtempSync(join(tmpdir(), "hbx-write-queue-")), {
    logger: pino({ level: "silent" }),
  });
  stores.push(store);
  store.replace(parseXml(CIB, "cib"), { client: "test", force: true });
  const counts = { checks: 0, commits: 0 };
  const queue = new ClientWriteQueue({
    current: () => store.current(),
    currentVersion: () => store.currentVersion(),
    check: async (doc, since, source) => {
      counts.checks++;
      await assertWritableCib(doc, source, { since });
    },
    commit: (doc, operation) => {
      counts.commits++;
      return formatVersion(store.replace(doc, { client: "test", operation, force: true }).version);
    },
  });
  const read = parseXml(CIB, "read");
  /** A patch from the CIB as first read, as a tool that read it would send. */
  const patchWrite = (edit: (cib: string) => string): QueuedWrite => {
    const patch = makePatch(read, parseXml(edit(CIB), "edited"));
    return {
      operation: "patch",
      produce: (cur: XmlElement) => applyClientPatch(cur, patch),
      check: true,
      alone: false,
      gate: () => undefined,
    };
  };
  const addNvpair = (name: string, value = "1") =>
    patchWrite((c) =>
      c.replace(
        "</cluster_property_set>",
        `<nvpair id="opts-${name}" name="${name}" value="${value}"/></cluster_property_set>`,
      ),
    );
  const text = () => serializeXml(store.current().document, { pretty: false });
  return { store, queue, counts, patchWrite, addNvpair, text };
}

describe("ClientWriteQueue", () => {
  it("stores writes that arrive in the same turn together in one version, losing none", async () => {
    const { queue, counts, addNvpair, text } = await setup();
    const versions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => queue.submit(addNvpair(`n${i}`))),
    );
    for (let i = 0; i < 20; i++) expect(text()).toContain(`id="opts-n${i}"`);
    expect(new Set(versions).size).toBe(1);
    expect(counts.commits).toBe(1);
  });

  it("stores writes that arrive while one is checked together in the next version", async () => {
    const { queue, counts, addNvpair } = await setup();
    const first = queue.submit(addNvpair("first"));
    // The first is taken on the next turn and its check is under way when the others arrive.
    await new Promise((r) => setImmediate(r));
    const later = await Promise.all(Array.from({ length: 19 }, (_, i) => queue.submit(addNvpair(`n${i}`))));
    expect(new Set(later).size).toBe(1);
    expect(later[0]).not.toBe(await first);
    expect(counts.commits).toBe(2);
  });

  it("refuses a conflicting write of a batch and stores the others", async () => {
    const { queue, addNvpair, patchWrite, text } = await setup();
    const first = queue.submit(addNvpair("x"));
    const deleteA = queue.submit(patchWrite((c) => c.replace(/<nvpair id="opts-a"[^>]*\/>/, "")));
    const modifyA = queue.submit(patchWrite((c) => c.replace('value="1"', 'value="2"')));
    const other = queue.submit(addNvpair("y"));
    await first;
    await deleteA;
    await expect(modifyA).rejects.toThrow(/nvpair\[@id='opts-a'\]: no element at that path/);
    await other;
    expect(text()).toContain('id="opts-y"');
    expect(text()).not.toContain('id="opts-a"');
  });

  it("refuses the one write of a batch that fails the checks and stores the others", async () => {
    const { queue, addNvpair, patchWrite, text } = await setup();
    const first = queue.submit(addNvpair("x"));
    const bad = queue.submit(
      patchWrite((c) =>
        c.replace(
          "<constraints/>",
          '<constraints><rsc_location id="l" rsc="r" node="n" score="banana"/></constraints>',
        ),
      ),
    );
    const good = queue.submit(addNvpair("z"));
    await first;
    await expect(bad).rejects.toThrow(/banana/);
    await good;
    expect(text()).toContain('id="opts-z"');
    expect(text()).not.toContain("banana");
  });

  it("refuses a write whose gate closes while it is checked (quorum lost meanwhile), storing nothing", async () => {
    const { store, addNvpair, text } = await setup();
    let quorate = true;
    const queue = new ClientWriteQueue({
      current: () => store.current(),
      currentVersion: () => store.currentVersion(),
      check: async (doc, since, source) => {
        // The membership changes while the schema check (a worker thread) runs.
        quorate = false;
        await assertWritableCib(doc, source, { since });
      },
      commit: (doc, operation) =>
        formatVersion(store.replace(doc, { client: "test", operation, force: true }).version),
    });
    const write = {
      ...addNvpair("late"),
      gate: () => (quorate ? undefined : new Error("cluster partition has no quorum: write refused")),
    };
    await expect(queue.submit(write)).rejects.toThrow(/no quorum/);
    expect(text()).not.toContain('id="opts-late"');
  });

  it("applies a write marked alone in a version of its own", async () => {
    const { queue, addNvpair } = await setup();
    const lone = { ...addNvpair("lone"), alone: true };
    const [a, b, c, d] = await Promise.all([
      queue.submit(addNvpair("p")),
      queue.submit(addNvpair("q")),
      queue.submit(lone),
      queue.submit(addNvpair("r")),
    ]);
    // p and q share a version; the lone one is never in theirs or r's.
    expect(a).toBe(b);
    expect(c).not.toBe(b);
    expect(c).not.toBe(d);
  });
});
