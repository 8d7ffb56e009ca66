/**
 * Generated bad CIBs through a real hbxd's socket: `cib.replace` with the whole document, and a
 * share as `cib.patch` carrying the bad part inside a format-2 diff. Every one must be refused
 * with a one-line reason (no stack trace in the reply or in the log), none may take longer than
 * a limit, hbxd stays up, and the CIB (version and digest, read back with cib.query) is what it
 * was. The generator is the file-path fuzz test's (test/cli/bad-cibs.ts), on the same fixture.
 *
 * HBX_SOCKET_FUZZ_CASES sets the number of cases (default 10,000: about 45 s here; fewer for a
 * quick run), HBX_FUZZ_SEED replays a run.
 */
import { connect } from "node:net";
import { readFileSync } from "node:fs";
import { TRUSTED_XML_LIMITS, cibDigest, parseXml } from "@hbx/cib";
import { IpcClient, IpcError } from "@hbx/crmd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BadCib, generateBadCib, seededRandom } from "../cli/bad-cibs.js";
import { FIXTURE } from "../cli/harness.js";
import { MAX_LINE_BYTES } from "../../packages/crmd/src/ipc/protocol.js";
import { CrmCluster, dummyUnavailable, ensureBuilt, sleep, waitFor } from "./cluster.js";

const CASES = Number(process.env.HBX_SOCKET_FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.HBX_FUZZ_SEED ?? 20261207);
/** Every fifth case goes as a cib.patch. */
const PATCH_SHARE = 5;
/** No single refusal may take longer than this. */
const PER_CASE_MS = 2_000;
/**
 * Not sent through the socket: the request is JSON text, so bytes that are not UTF-8 cannot be
 * in it (the tools decode and refuse them first); and the generator's oversized values are sized
 * for a 64 KiB file limit, while the daemon's is 64 MiB behind a 16 MiB request line (one case
 * below sends a value over the line limit instead).
 */
const NOT_FOR_THE_SOCKET = new Set(["invalid UTF-8", "huge value"]);
/** IPC codes for a refused write. */
const REFUSED = new Set(["bad-request", "failed", "old", "conflict"]);

/**
 * The fixture as the live node's CIB: its IPaddr2 and ping resources turned into Dummy, so the
 * node runs nothing that touches the network. The generator only needs the fixture's shapes.
 */
const LIVE_CIB = readFileSync(FIXTURE, "utf8")
  .replace('provider="heartbeat" type="IPaddr2"', 'provider="heartbeat" type="Dummy"')
  .replace('provider="pacemaker" type="ping"', 'provider="heartbeat" type="Dummy"');

/**
 * A patch that deletes and re-creates the nginx primitive and the constraints: accepted as it
 * stands (checked below), and it carries every shape a mutation needs (scores, an op interval,
 * nvpair values, nginx's meta attributes, a <constraints> tag for the nesting).
 */
function carrierPatch(cib: string): string {
  const nginx = /<primitive id="nginx"[\s\S]*?<\/primitive>/.exec(cib)![0];
  const constraints = /<constraints>[\s\S]*?<\/constraints>/.exec(cib)![0];
  return `<diff format="2">
  <change operation="delete" path="/cib/configuration/resources/group[@id='web']/primitive[@id='nginx']"/>
  <change operation="create" path="/cib/configuration/resources/group[@id='web']" position="1">
    ${nginx}
  </change>
  <change operation="delete" path="/cib/configuration/constraints"/>
  <change operation="create" path="/cib/configuration" position="3">
    ${constraints}
  </change>
</diff>`;
}

/** The document's epoch set to the CIB's own, so the version is a compare-and-swap match. */
function withEpoch(text: string, epoch: string): string {
  return text.replace(/^(<cib\b[^>]*?\bepoch=")\d+(")/, `$1${epoch}$2`);
}

function nextBad(rng: () => number, from: string, cib: string, asPatch: boolean): BadCib & { input: string } {
  for (;;) {
    const bad = generateBadCib(rng, from);
    if (NOT_FOR_THE_SOCKET.has(bad.kind) || typeof bad.input !== "string" || bad.input === from) continue;
    // The generator cuts and re-roots a <cib>; a patch gets the same done to a <diff>.
    if (asPatch && bad.kind === "truncation")
      return { kind: bad.kind, input: from.slice(0, 1 + Math.floor(rng() * (from.length - 2))) };
    if (asPatch && bad.kind === "wrong root")
      return { kind: bad.kind, input: rng() < 0.5 ? cib : "<configuration/>" };
    return bad as BadCib & { input: string };
  }
}

describe.skipIf(dummyUnavailable)(
  `fuzzing hbxd's socket with bad CIBs${dummyUnavailable ? ` (${dummyUnavailable})` : ""}`,
  () => {
    const cluster = new CrmCluster({
      names: ["alpha"],
      cib: LIVE_CIB,
      portSalt: 457,
      tmpPrefix: "hbx-socket-fuzz-",
    });
    const node = () => cluster.node("alpha");
    let client: IpcClient;

    /** Version and digest of the CIB as the node answers cib.query. */
    async function state(): Promise<string> {
      const r = await client.request<{ xml: string; version: string }>("cib.query");
      return `${r.version} ${cibDigest(parseXml(r.xml, "cib.query", TRUSTED_XML_LIMITS))}`;
    }

    beforeAll(async () => {
      ensureBuilt();
      cluster.start();
      await waitFor(
        "alpha to become DC",
        async () =>
          (await node().request<{ dc: string | null }>("cib.query")).dc === "alpha" ? true : undefined,
        30_000,
      );
      client = await IpcClient.connect(node().socket);
      // The node's own writes (probes, starts) settle before the baseline is taken.
      let last = "";
      await waitFor(
        "the CIB to stay the same for 3 s",
        async () => {
          const now = await state();
          if (now === last) return true;
          last = now;
          await sleep(3_000);
          return (await state()) === now ? true : undefined;
        },
        60_000,
        0,
      );
    }, 120_000);

    afterAll(async () => {
      client?.close();
      await cluster.stop();
    });

    it(`refuses ${CASES} generated bad CIBs through cib.replace and cib.patch without a stack trace, a hang or a change`, async () => {
      const current = await client.request<{ xml: string }>("cib.query");
      const epoch = /^<cib\b[^>]*?\bepoch="(\d+)"/.exec(current.xml)![1];
      const replaceBase = withEpoch(LIVE_CIB, epoch);
      const patchBase = carrierPatch(LIVE_CIB);
      // Unmutated, both are taken: what refuses a case below is its mutation.
      await client.request("cib.replace", { xml: replaceBase });
      await client.request("cib.patch", { patch: patchBase });
      const baseline = await state();

      const rng = seededRandom(SEED);
      const byKind = new Map<string, number>();
      const byCode = new Map<string, number>();
      const samples = new Map<string, string>();
      let slowest = 0;
      for (let i = 0; i < CASES; i++) {
        const asPatch = i % PATCH_SHARE === PATCH_SHARE - 1;
        const op = asPatch ? "cib.patch" : "cib.replace";
        const bad = nextBad(rng, asPatch ? patchBase : replaceBase, replaceBase, asPatch);
        const where = `seed=${SEED} case=${i} ${op} kind=${bad.kind} (replay: HBX_FUZZ_SEED=${SEED} HBX_SOCKET_FUZZ_CASES=${i + 1})`;
        const started = performance.now();
        let refusal: IpcError | undefined;
        try {
          await client.request(op, asPatch ? { patch: bad.input } : { xml: bad.input }, PER_CASE_MS + 3_000);
        } catch (e) {
          if (!(e instanceof IpcError)) throw e;
          refusal = e;
        }
        const took = performance.now() - started;
        slowest = Math.max(slowest, took);
        expect(refusal, `${where}: taken`).toBeDefined();
        expect(REFUSED.has(refusal!.code), `${where}: ${refusal!.code}: ${refusal!.message}`).toBe(true);
        expect(took, `${where}: took ${took.toFixed(0)} ms`).toBeLessThan(PER_CASE_MS);
        expect(refusal!.message, `${where}: more than one line`).not.toContain("\n");
        expect(refusal!.message.trim(), `${where}: no reason given`).not.toBe("");
        expect(refusal!.message, `${where}: a stack frame`).not.toMatch(/\bat .*\.[jt]s:\d+/);
        expect(await state(), `${where}: the CIB changed`).toBe(baseline);
        const key = `${asPatch ? "patch " : ""}${bad.kind}`;
        byKind.set(key, (byKind.get(key) ?? 0) + 1);
        if (!samples.has(key)) samples.set(key, refusal!.message.slice(0, 160));
        byCode.set(refusal!.code, (byCode.get(refusal!.code) ?? 0) + 1);
      }
      expect(node().child?.exitCode, "hbxd exited").toBeNull();
      expect(node().log()).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
      expect(node().stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
      console.log(
        `socket fuzz seed=${SEED}: ${CASES} refused (${Math.floor(CASES / PATCH_SHARE)} as cib.patch); by kind ${JSON.stringify(Object.fromEntries(byKind))}; codes ${JSON.stringify(Object.fromEntries(byCode))}; slowest ${slowest.toFixed(0)} ms\n${[...samples].map(([k, m]) => `  ${k}: ${m}`).join("\n")}`,
      );
    }, 900_000);

    it("answers a request line over the socket's limit with a reason, closes only that connection, and changes nothing", async () => {
      const baseline = await state();
      const huge = LIVE_CIB.replace('value="web"', `value="${"x".repeat(MAX_LINE_BYTES + 1024)}"`);
      const reply = await new Promise<string>((resolve, reject) => {
        const sock = connect(node().socket);
        let text = "";
        sock.setEncoding("utf8");
        sock.on("data", (d: string) => (text += d));
        sock.on("close", () => resolve(text));
        sock.on("error", reject);
        sock.write(JSON.stringify({ id: 1, op: "cib.replace", args: { xml: huge } }) + "\n");
      });
      expect(reply).toContain("request line too long");
      expect(await state()).toBe(baseline);
      expect(node().child?.exitCode).toBeNull();
    }, 60_000);
  },
);
