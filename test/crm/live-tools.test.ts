/**
 * The CIB tools on a live cluster: two real hbxd in CRM mode, CIB_file unset, HBX_SOCKET naming
 * one node's socket. The tools read and write through hbxd's cib.query / cib.replace.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  childElements,
  cloneElement,
  firstChild,
  parseXml,
  readVersion,
  repoRoot,
  serializeXml,
} from "@hbx/cib";
import {
  memoryIo,
  runCibadmin,
  runCrmAttribute,
  runCrmFailcount,
  runCrmMon,
  runCrmResource,
  runCrmStandby,
} from "@hbx/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IpcCibSource } from "../../packages/cli/src/common/ipc-cib-source.js";
import { CrmCluster, crmTestCib, dummyUnavailable, ensureBuilt, ensureCliBuilt, waitFor } from "./cluster.js";

const NODES = ["alpha", "bravo"];

const CIB = crmTestCib(`      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-start" name="start" interval="0" timeout="20s"/>
          <op id="dummy-stop" name="stop" interval="0" timeout="20s"/>
        </operations>
      </primitive>`);

/** Nodes online whose last recorded op on `rsc` left it started. */
function runningOn(cibXml: string, rsc: string): string[] {
  const status = firstChild(parseXml(cibXml, "cib.query"), "status");
  const out: string[] = [];
  for (const ns of status ? childElements(status, "node_state") : []) {
    if (ns.attrs.in_ccm !== "true" || ns.attrs.crmd !== "online") continue;
    const lrs = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    const lr = lrs ? childElements(lrs, "lrm_resource").find((r) => r.attrs.id === rsc) : undefined;
    const last = lr ? childElements(lr, "lrm_rsc_op").find((o) => o.attrs.id === `${rsc}_last_0`) : undefined;
    if (last?.attrs["rc-code"] === "0" && ["start", "monitor"].includes(last.attrs.operation ?? ""))
      out.push(ns.attrs.uname ?? "");
  }
  return out;
}

describe.skipIf(dummyUnavailable !== undefined)(
  `CIB tools against two live hbxd ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({ names: NODES, cib: CIB, portSalt: 7919, tmpPrefix: "hbx-live-tools-" });
    const nodes = cluster.nodes;
    const root = cluster.root;
    // The tools talk to bravo's hbxd: not the DC (alpha, first in ha.cf), so writes are forwarded.
    const env = () => ({ HBX_SOCKET: nodes[1].socket });
    const tool = async (run: typeof runCibadmin, argv: string[]) => {
      const io = memoryIo(env());
      io.cwd = root;
      const code = await run(argv, io);
      return { code, out: io.out, err: io.err };
    };
    const liveXml = async () => (await nodes[1].request<{ xml: string }>("cib.query")).xml;
    let first = "";

    beforeAll(async () => {
      ensureBuilt();
      ensureCliBuilt();
      cluster.start();
      first = await waitFor(
        "dummy started on one node, as seen from bravo",
        async () => {
          const on = runningOn(await liveXml(), "dummy");
          return on.length === 1 ? on[0] : undefined;
        },
        25_000,
      );
    }, 60_000);

    afterAll(() => cluster.stop());

    it("crm_mon -1 shows the Dummy Started on the node that runs it", async () => {
      const r = await tool(runCrmMon, ["-1"]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`dummy\\s+\\(ocf:heartbeat:Dummy\\):\\s+Started ${first}`));
    });

    it("cibadmin -Q returns the live CIB, status included", async () => {
      const r = await tool(runCibadmin, ["-Q"]);
      expect(r.code).toBe(0);
      const got = parseXml(r.out, "cibadmin -Q");
      const live = parseXml(await liveXml(), "cib.query");
      expect(readVersion(got).epoch).toBe(readVersion(live).epoch);
      expect(runningOn(r.out, "dummy")).toEqual([first]);
      expect(firstChild(got, "configuration")).toEqual(firstChild(live, "configuration"));
    });

    it("crm_resource -M -r dummy -H <other> moves it through the DC", async () => {
      const other = NODES.find((n) => n !== first)!;
      const t0 = Date.now();
      const r = await tool(runCrmResource, ["-M", "-r", "dummy", "-H", other]);
      expect(r.err).not.toMatch(/error|failed/i);
      expect(r.code).toBe(0);
      await waitFor(
        `dummy running on ${other}`,
        async () => (runningOn(await liveXml(), "dummy").join() === other ? true : undefined),
        10_000,
        50,
      );
      process.stdout.write(`live-tools: crm_resource -M to running on ${other} in ${Date.now() - t0} ms\n`);
      const xml = await liveXml();
      expect(xml).toMatch(new RegExp(`<rsc_location[^>]*rsc="dummy"[^>]*node="${other}"`));
      expect(existsSync(join(nodes[NODES.indexOf(other)].rsctmp, "Dummy-dummy.state"))).toBe(true);
      expect(existsSync(join(nodes[NODES.indexOf(first)].rsctmp, "Dummy-dummy.state"))).toBe(false);
    }, 20_000);

    it("cibadmin -R -x stale.xml is refused with 103 and changes nothing", async () => {
      const before = await liveXml();
      writeFileSync(join(root, "stale.xml"), CIB);
      const r = await tool(runCibadmin, ["-R", "-x", "stale.xml"]);
      expect(r.code).toBe(103);
      expect(r.err).toContain("Update was older than existing configuration");
      const after = await liveXml();
      expect(firstChild(parseXml(after, "after"), "configuration")).toEqual(
        firstChild(parseXml(before, "before"), "configuration"),
      );
    });

    it("a whole replace based on a configuration someone else changed since is refused with 103", async () => {
      const src = new IpcCibSource(nodes[1].socket);
      const doc = await src.read();
      const based = readVersion(doc);
      // Another admin commits first, between this read and the write.
      const r = await tool(runCibadmin, [
        "-C",
        "-o",
        "constraints",
        "-X",
        '<rsc_location id="l1" rsc="dummy" node="alpha" score="1"/>',
      ]);
      expect(r.code).toBe(0);
      doc.attrs.epoch = String(based.epoch + 1);
      await expect(src.write(doc, based, { replace: based })).rejects.toMatchObject({ exitCode: 103 });
      expect(await liveXml()).toContain('id="l1"');
    });

    it("an invalid CIB is refused by hbxd's schema check with 78, naming the line", async () => {
      const src = new IpcCibSource(nodes[1].socket);
      const doc = await src.read();
      const text = serializeXml(doc, { pretty: true }).replace(
        "<resources>",
        '<resources><primitive id="bad"/>',
      );
      const bad = parseXml(text, "bad");
      bad.attrs.epoch = String(readVersion(doc).epoch + 1);
      const err = await src.write(bad, readVersion(doc)).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 78 });
      expect((err as { detail: string[] }).detail.join("\n")).toMatch(/cib\.(replace|patch):\d+/);
      expect(await liveXml()).not.toContain('id="bad"');
    });

    it("crm_failcount -v/-D go to the DC as transient attributes; other status edits exit 3, change nothing", async () => {
      const set = await tool(runCrmFailcount, ["-r", "dummy", "-N", "alpha", "-v", "3"]);
      expect(set.err).toBe("");
      expect(set.code).toBe(0);
      const get = async () =>
        (await tool(runCrmFailcount, ["-G", "-Q", "-r", "dummy", "-N", "alpha"])).out.trim();
      await waitFor(
        "fail-count 3 seen from bravo",
        async () => ((await get()) === "3" ? true : undefined),
        5000,
      );
      expect((await tool(runCrmFailcount, ["-D", "-r", "dummy", "-N", "alpha"])).code).toBe(0);
      await waitFor("fail-count gone", async () => ((await get()) === "0" ? true : undefined), 5000);

      const src = new IpcCibSource(nodes[1].socket);
      const doc = await src.read();
      // A copy: the source compares the edit with what it read.
      const edited = cloneElement(doc);
      const ns = childElements(firstChild(edited, "status")!, "node_state").find(
        (n) => n.attrs.uname === "alpha",
      )!;
      ns.attrs.expected = "down";
      const before = await liveXml();
      const err = await src.write(edited, readVersion(doc)).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 3 });
      expect((err as Error).message).toContain("not supported on the live cluster yet");
      expect(readVersion(parseXml(await liveXml(), "after")).epoch).toBe(
        readVersion(parseXml(before, "b")).epoch,
      );
    });

    it("without a daemon on the socket the tools exit 102 Could not connect to the CIB", async () => {
      const io = memoryIo({ HBX_SOCKET: join(root, "nobody.sock") });
      expect(await runCibadmin(["-Q"], io)).toBe(102);
      expect(io.err).toContain("Could not connect to the CIB");
    });

    it("the built crm_mon and cibadmin --socket work as processes with CIB_file unset", () => {
      const penv: NodeJS.ProcessEnv = { ...process.env, HBX_SOCKET: nodes[1].socket };
      delete penv.CIB_file;
      const bin = (t: string) => join(repoRoot, "node_modules/.bin", t);
      const mon = spawnSync(bin("crm_mon"), ["-1"], { env: penv, encoding: "utf8" });
      expect(mon.stderr).toBe("");
      expect(mon.status).toBe(0);
      expect(mon.stdout).toMatch(/dummy\s+\(ocf:heartbeat:Dummy\):\s+Started (alpha|bravo)/);
      // --socket wins over a wrong HBX_SOCKET.
      const q = spawnSync(bin("cibadmin"), ["--socket", nodes[0].socket, "-Q", "-o", "resources"], {
        env: { ...penv, HBX_SOCKET: join(root, "nobody.sock") },
        encoding: "utf8",
      });
      expect(q.stderr).toBe("");
      expect(q.status).toBe(0);
      expect(q.stdout).toMatch(/^<resources>/);
      expect(q.stdout).toContain('<primitive id="dummy"');
      // crm_simulate -L schedules the live CIB: the Dummy is where it runs, nothing to do.
      const sim = spawnSync(bin("crm_simulate"), ["-L", "-S"], { env: penv, encoding: "utf8" });
      expect(sim.stderr).toBe("");
      expect(sim.status).toBe(0);
      expect(sim.stdout).toMatch(/dummy\s+\(ocf:heartbeat:Dummy\):\s+Started (alpha|bravo)/);
      expect(sim.stdout).toMatch(/Transition Summary:\n\nExecuting Cluster Transition:\n\nRevised/);
      const none = spawnSync(bin("crm_simulate"), ["-L"], {
        env: { ...penv, HBX_SOCKET: join(root, "nobody.sock") },
        encoding: "utf8",
      });
      expect(none.status).toBe(66);
      expect(none.stderr).toMatch(/^crm_simulate: CIB query failed: Could not connect to the CIB/);
    });

    it("crm_attribute sets and reads a cluster property on the live CIB", async () => {
      const set = await tool(runCrmAttribute, [
        "-t",
        "crm_config",
        "-n",
        "cluster-recheck-interval",
        "-v",
        "5min",
      ]);
      expect(set.err).toBe("");
      expect(set.code).toBe(0);
      const get = await tool(runCrmAttribute, [
        "-t",
        "crm_config",
        "-n",
        "cluster-recheck-interval",
        "-G",
        "-q",
      ]);
      expect(get.code).toBe(0);
      expect(get.out.trim()).toBe("5min");
      expect(await liveXml()).toMatch(/name="cluster-recheck-interval" value="5min"/);
    });

    it("crm_standby -v on moves the Dummy off the node put in standby", async () => {
      const on = runningOn(await liveXml(), "dummy");
      expect(on).toHaveLength(1);
      const r = await tool(runCrmStandby, ["-N", on[0], "-v", "on"]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const rest = NODES.find((n) => n !== on[0])!;
      await waitFor(
        `dummy running on ${rest}`,
        async () => (runningOn(await liveXml(), "dummy").join() === rest ? true : undefined),
        10_000,
        50,
      );
      const q = await tool(runCrmStandby, ["-N", on[0], "-G", "-q"]);
      expect(q.out.trim()).toBe("on");
    }, 20_000);
  },
);
