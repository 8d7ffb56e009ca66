/**
 * CIB writes on a live 3-node cluster (real hbxd, real tools): writes go to the DC as operations
 * applied in arrival order, so concurrent writers against different nodes lose nothing; a whole
 * replace is a compare-and-swap; the DC keeps `<cib>`'s own attributes; a partition without
 * quorum refuses writes. Issue 11's findings, each reproduced here.
 */
import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type XmlElement,
  childElements,
  cloneElement,
  firstChild,
  makePatch,
  parseXml,
  readVersion,
  repoRoot,
  serializeXml,
} from "@hbx/cib";
import { memoryIo, runCibadmin, runCrmAttribute } from "@hbx/cli";
import { IpcClient } from "@hbx/crmd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IpcCibSource } from "../../packages/cli/src/common/ipc-cib-source.js";
import {
  CrmCluster,
  crmTestCib,
  dummyUnavailable,
  ensureBuilt,
  ensureCliBuilt,
  sleep,
  waitFor,
} from "./cluster.js";

const NODES = ["alpha", "bravo", "charlie"];
/** The throughput measurement's load (issue 11's targets: 500/s socket, 50/s crm_attribute). */
// HBX_BENCH_CLIENTS / HBX_BENCH_OPS change the socket load for a measurement run.
const SOCKET_CLIENTS = Number(process.env.HBX_BENCH_CLIENTS ?? 32);
const SOCKET_OPS_PER_CLIENT = Number(process.env.HBX_BENCH_OPS ?? 12);
/** HBX_BENCH_DC_ONLY=1: every socket client on the DC's node, nothing forwarded over the bus. */
const SOCKET_DC_ONLY = process.env.HBX_BENCH_DC_ONLY === "1";
const TOOL_WRITERS = 6;
const TOOL_WRITES_EACH = 4;
const CRM_ATTRIBUTE = join(repoRoot, "node_modules/.bin/crm_attribute");

// Quorum matters here: a partition without it must stop, and refuse writes.
const CIB = crmTestCib(`      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-start" name="start" interval="0" timeout="20s"/>
          <op id="dummy-stop" name="stop" interval="0" timeout="20s"/>
        </operations>
      </primitive>`).replace(
  'name="no-quorum-policy" value="ignore"',
  'name="no-quorum-policy" value="stop"',
);

/** Nodes whose last recorded op on `rsc` left it started. */
function runningOn(cibXml: string, rsc: string): string[] {
  const status = firstChild(parseXml(cibXml, "cib.query"), "status");
  const out: string[] = [];
  for (const ns of status ? childElements(status, "node_state") : []) {
    if (ns.attrs.in_ccm !== "true") continue;
    const lrs = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    const lr = lrs ? childElements(lrs, "lrm_resource").find((r) => r.attrs.id === rsc) : undefined;
    const last = lr ? childElements(lr, "lrm_rsc_op").find((o) => o.attrs.id === `${rsc}_last_0`) : undefined;
    if (last?.attrs["rc-code"] === "0" && ["start", "monitor"].includes(last.attrs.operation ?? ""))
      out.push(ns.attrs.uname ?? "");
  }
  return out;
}

/** The crm_config options of a CIB, name → value. */
function options(cibXml: string): Map<string, string> {
  const cib = parseXml(cibXml, "cib.query");
  const crmConfig = firstChild(firstChild(cib, "configuration")!, "crm_config")!;
  const out = new Map<string, string>();
  for (const set of childElements(crmConfig, "cluster_property_set"))
    for (const nv of childElements(set, "nvpair")) out.set(nv.attrs.name ?? "", nv.attrs.value ?? "");
  return out;
}

describe.skipIf(dummyUnavailable !== undefined)(
  `CIB writes on three live hbxd ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({ names: NODES, cib: CIB, portSalt: 8311, tmpPrefix: "hbx-cib-writes-" });
    const nodes = cluster.nodes;
    const root = cluster.root;
    const query = async (i: number) => (await nodes[i].request<{ xml: string }>("cib.query")).xml;
    /** A tool run in this process against node `i`'s socket. */
    const tool = async (run: typeof runCibadmin, argv: string[], i = 1) => {
      const io = memoryIo({ HBX_SOCKET: nodes[i].socket });
      io.cwd = root;
      const code = await run(argv, io);
      return { code, out: io.out, err: io.err };
    };
    /** crm_attribute as an administrator runs it: its own process, against node `i`. */
    const crmAttribute = (argv: string[], i: number) =>
      promisify(execFile)(CRM_ATTRIBUTE, argv, {
        env: { ...process.env, HBX_SOCKET: nodes[i].socket },
        timeout: 60_000,
      }).then(
        () => 0,
        (e: { code?: number; stderr?: string }) => {
          process.stderr.write(`crm_attribute ${argv.join(" ")}: ${e.stderr ?? ""}`);
          return typeof e.code === "number" ? e.code : 1;
        },
      );

    /** Every write the tools acknowledged (exit 0) is in every node's copy. */
    async function expectEverywhere(acked: Map<string, string>): Promise<void> {
      for (let i = 0; i < nodes.length; i++)
        await waitFor(
          `every acknowledged write on ${nodes[i].name}`,
          async () => {
            const opts = options(await query(i));
            return [...acked].every(([k, v]) => opts.get(k) === v) ? true : undefined;
          },
          10_000,
        );
    }

    /** `writers` loops of `perWriter` crm_attribute writes, writer w against node w % 3, all at once. */
    async function concurrentWriters(prefix: string, writers: number, perWriter: number, processes: boolean) {
      const acked = new Map<string, string>();
      let refused = 0;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let k = 0; k < perWriter; k++) {
            const name = `${prefix}-${w}-${k}`;
            const argv = ["-n", name, "-v", String(k)];
            const code = processes
              ? await crmAttribute(argv, w % nodes.length)
              : (await tool(runCrmAttribute, argv, w % nodes.length)).code;
            if (code === 0) acked.set(name, String(k));
            else refused++;
          }
        }),
      );
      return { acked, refused };
    }

    beforeAll(async () => {
      ensureBuilt();
      ensureCliBuilt();
      cluster.start();
      await waitFor(
        "the Dummy started and the CIB quorate, seen from every node",
        async () => {
          for (let i = 0; i < nodes.length; i++) {
            const xml = await query(i);
            if (runningOn(xml, "dummy").length !== 1) return undefined;
            if (parseXml(xml, "q").attrs["have-quorum"] !== "1") return undefined;
          }
          return true;
        },
        30_000,
      );
    }, 60_000);

    afterAll(async () => {
      for (const n of nodes) if (n.child?.pid) process.kill(n.child.pid, "SIGCONT");
      await cluster.stop();
    });

    it("two concurrent crm_attribute processes against different nodes lose no acknowledged write", async () => {
      const { acked, refused } = await concurrentWriters("two", 2, 8, true);
      expect(refused).toBe(0);
      expect(acked.size).toBe(16);
      await expectEverywhere(acked);
    }, 120_000);

    it("four concurrent writers against the three nodes lose no acknowledged write", async () => {
      const { acked, refused } = await concurrentWriters("four", 4, 10, false);
      expect(refused).toBe(0);
      expect(acked.size).toBe(40);
      await expectEverywhere(acked);
    }, 120_000);

    it("a replace carrying have-quorum=0 changes nothing but the nvpair it adds", async () => {
      const q = await tool(runCibadmin, ["-Q"]);
      expect(q.code).toBe(0);
      const before = parseXml(q.out, "cibadmin -Q");
      const edited = q.out
        .replace('have-quorum="1"', 'have-quorum="0"')
        .replace(
          '<nvpair id="opt-stonith"',
          '<nvpair id="opt-hq-test" name="hq-test" value="yes"/><nvpair id="opt-stonith"',
        );
      expect(edited).toContain('have-quorum="0"');
      writeFileSync(join(root, "hq.xml"), edited);
      const r = await tool(runCibadmin, ["-R", "-x", "hq.xml"]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const after = parseXml(await query(0), "after");
      expect(after.attrs["have-quorum"]).toBe("1");
      expect(options(serializeXml(after, { pretty: false })).get("hq-test")).toBe("yes");
      // The configuration is the one read plus that nvpair, nothing else.
      const config = (c: XmlElement) => serializeXml(firstChild(c, "configuration")!, { pretty: false });
      expect(config(after).replace('<nvpair id="opt-hq-test" name="hq-test" value="yes"/>', "")).toBe(
        config(before),
      );
      // The CAS match was taken and the DC raised epoch for the changed configuration.
      expect(readVersion(after).epoch).toBeGreaterThan(readVersion(before).epoch);
      // Nothing stops: the Dummy keeps running for a while after the write.
      await sleep(2000);
      expect(runningOn(await query(0), "dummy")).toHaveLength(1);
    }, 30_000);

    it("a replace from a read someone else's write has overtaken is refused with 103 and changes nothing", async () => {
      const q = await tool(runCibadmin, ["-Q"]);
      writeFileSync(join(root, "stale.xml"), q.out.replace('value="yes"', 'value="stale"'));
      expect((await tool(runCrmAttribute, ["-n", "overtaking", "-v", "1"], 2)).code).toBe(0);
      const r = await tool(runCibadmin, ["-R", "-x", "stale.xml"]);
      expect(r.code).toBe(103);
      expect(r.err).toContain("Update was older than existing configuration");
      const opts = options(await query(0));
      expect(opts.get("hq-test")).toBe("yes");
      expect(opts.get("overtaking")).toBe("1");
    }, 30_000);

    it("a second replace made from the same read is refused with 103: the first raised epoch", async () => {
      const q = await tool(runCibadmin, ["-Q"]);
      writeFileSync(join(root, "once.xml"), q.out.replace('value="yes"', 'value="first"'));
      expect((await tool(runCibadmin, ["-R", "-x", "once.xml"])).code).toBe(0);
      writeFileSync(join(root, "twice.xml"), q.out.replace('value="yes"', 'value="second"'));
      const r = await tool(runCibadmin, ["-R", "-x", "twice.xml"]);
      expect(r.code).toBe(103);
      expect(options(await query(0)).get("hq-test")).toBe("first");
    }, 30_000);

    it("a patch whose target another write deleted meanwhile is refused, naming it, and changes nothing", async () => {
      const src = new IpcCibSource(nodes[2].socket);
      const doc = await src.read();
      const edited = cloneElement(doc);
      const nv = [...childElements(firstChild(firstChild(edited, "configuration")!, "crm_config")!)]
        .flatMap((s) => childElements(s, "nvpair"))
        .find((n) => n.attrs.name === "hq-test")!;
      nv.attrs.value = "too-late";
      expect((await tool(runCrmAttribute, ["-n", "hq-test", "-D"], 0)).code).toBe(0);
      const before = await query(0);
      const err = await src.write(edited, readVersion(doc)).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 104 });
      expect((err as Error).message).toContain("nvpair[@id='opt-hq-test']: no element at that path");
      const after = await query(0);
      expect(readVersion(parseXml(after, "a"))).toEqual(readVersion(parseXml(before, "b")));
      expect(options(after).has("hq-test")).toBe(false);
    }, 30_000);

    it("cibadmin -B raises epoch on the live cluster though nothing else changes", async () => {
      const before = readVersion(parseXml(await query(0), "before"));
      const r = await tool(runCibadmin, ["-B"], 2);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(readVersion(parseXml(await query(0), "after")).epoch).toBe(before.epoch + 1);
    }, 30_000);

    it("measures acknowledged commits per second through the socket and through crm_attribute", async () => {
      // Socket: SOCKET_CLIENTS connections spread over the three nodes, each sending cib.patch
      // ops back to back, each op creating its own nvpair (what crm_attribute -n X -v Y sends).
      const base = parseXml(await query(0), "base");
      const patchFor = (name: string) => {
        const after = cloneElement(base);
        const set = childElements(firstChild(firstChild(after, "configuration")!, "crm_config")!)[0];
        set.children.push({
          kind: "element",
          name: "nvpair",
          attrs: { id: `bench-${name}`, name, value: "1" },
          children: [],
        });
        return serializeXml(makePatch(base, after), { pretty: false });
      };
      let acked = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: SOCKET_CLIENTS }, async (_, c) => {
          const client = await IpcClient.connect(nodes[SOCKET_DC_ONLY ? 0 : c % nodes.length].socket, 2000);
          try {
            for (let k = 0; k < SOCKET_OPS_PER_CLIENT; k++) {
              await client.request("cib.patch", { patch: patchFor(`s${c}-${k}`) }, 30_000);
              acked++;
            }
          } finally {
            client.close();
          }
        }),
      );
      const socketRate = acked / ((performance.now() - t0) / 1000);
      const versions = readVersion(parseXml(await query(0), "after")).epoch - readVersion(base).epoch;
      const t1 = performance.now();
      const { acked: byTool, refused } = await concurrentWriters(
        "rate",
        TOOL_WRITERS,
        TOOL_WRITES_EACH,
        true,
      );
      const toolRate = byTool.size / ((performance.now() - t1) / 1000);
      process.stderr.write(
        `cib writes on 3 nodes: ${acked} cib.patch over ${SOCKET_CLIENTS} socket clients${SOCKET_DC_ONLY ? " (all on the DC)" : ""} at ${socketRate.toFixed(1)} commits/s ` +
          `(in ${versions} versions); ` +
          `${byTool.size} crm_attribute processes (${TOOL_WRITERS} at a time) at ${toolRate.toFixed(1)} commits/s\n`,
      );
      expect(acked).toBe(SOCKET_CLIENTS * SOCKET_OPS_PER_CLIENT);
      expect(refused).toBe(0);
      const opts = options(await query(0));
      expect(opts.get(`s${SOCKET_CLIENTS - 1}-${SOCKET_OPS_PER_CLIENT - 1}`)).toBe("1");
    }, 180_000);

    it("a node cut off from the other two refuses writes with the quorum error; --force writes anyway", async () => {
      for (const n of nodes.slice(1)) process.kill(n.child!.pid!, "SIGSTOP");
      try {
        await waitFor(
          "alpha alone and without quorum",
          async () => (parseXml(await query(0), "q").attrs["have-quorum"] === "0" ? true : undefined),
          20_000,
        );
        const before = await query(0);
        const r = await tool(runCrmAttribute, ["-n", "minority", "-v", "1"], 0);
        expect(r.code).toBe(106);
        expect(r.err).toContain("cluster partition has no quorum: write refused");
        expect(r.err).toContain("--force writes anyway, at the risk");
        const c = await tool(
          runCibadmin,
          [
            "-C",
            "-o",
            "constraints",
            "-X",
            '<rsc_location id="minority-loc" rsc="dummy" node="alpha" score="1"/>',
          ],
          0,
        );
        expect(c.code).toBe(106);
        // A transient attribute (status-update) is a write too.
        const t = await tool(
          runCrmAttribute,
          ["-N", "alpha", "-n", "minority-t", "-v", "1", "-l", "reboot"],
          0,
        );
        expect(t.code).toBe(106);
        expect(await query(0)).not.toContain("minority-t");
        expect(readVersion(parseXml(await query(0), "a")).epoch).toBe(
          readVersion(parseXml(before, "b")).epoch,
        );
        const forced = await tool(
          runCibadmin,
          [
            "-C",
            "--force",
            "-o",
            "constraints",
            "-X",
            '<rsc_location id="forced-loc" rsc="dummy" node="alpha" score="1"/>',
          ],
          0,
        );
        expect(forced.err).toBe("");
        expect(forced.code).toBe(0);
        expect(await query(0)).toContain('id="forced-loc"');
      } finally {
        for (const n of nodes.slice(1)) process.kill(n.child!.pid!, "SIGCONT");
      }
    }, 60_000);
  },
);
