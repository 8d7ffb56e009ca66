import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseXml } from "@hbx/cib";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIo } from "../common/io.js";
import { runAgentAction, type AgentActionRequest } from "./agent-actions.js";
import { run as runCrmResource } from "./run.js";

/**
 * Differential tests: the same options on the same CIB through Pacemaker 2.1.5's crm_resource
 * and through hbx, compared on stdout, stderr and exit code.
 */
const REAL = "/usr/sbin/crm_resource";
const available = existsSync(REAL) && existsSync("/usr/lib/ocf/resource.d/heartbeat/Dummy");
const tmp = mkdtempSync(join(tmpdir(), "hbx-crm-resource-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cibText(stateDir: string): string {
  return `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="heartbeat" type="Dummy">
        <instance_attributes id="d1-ia"><nvpair id="d1-st" name="state" value="${stateDir}/d1.state"/></instance_attributes>
      </primitive>
      <primitive id="pd" class="ocf" provider="pacemaker" type="Dummy">
        <instance_attributes id="pd-ia"><nvpair id="pd-st" name="state" value="${stateDir}/pd.state"/></instance_attributes>
      </primitive>
      <primitive id="dl" class="ocf" provider="heartbeat" type="Delay">
        <instance_attributes id="dl-ia"><nvpair id="dl-sd" name="startdelay" value="5"/></instance_attributes>
      </primitive>
      <primitive id="bad" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="bad-ia"><nvpair id="bad-ip" name="ip" value="not-an-ip"/></instance_attributes>
      </primitive>
      <primitive id="lsb1" class="lsb" type="hbx-no-such-service"/>
      <primitive id="m1" class="ocf" provider="heartbeat" type="NoSuchAgent"/>
      <primitive id="st" class="ocf" provider="pacemaker" type="Stateful">
        <instance_attributes id="st-ia"><nvpair id="st-sf" name="state" value="${stateDir}/st.state"/></instance_attributes>
      </primitive>
      <clone id="stc">
        <meta_attributes id="stc-meta"><nvpair id="stc-promotable" name="promotable" value="true"/></meta_attributes>
        <primitive id="st2" class="ocf" provider="pacemaker" type="Stateful">
          <instance_attributes id="st2-ia"><nvpair id="st2-sf" name="state" value="${stateDir}/st2.state"/></instance_attributes>
        </primitive>
      </clone>
      <group id="g"><primitive id="g1" class="ocf" provider="heartbeat" type="Dummy"/></group>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;
}

const realDir = mkdtempSync(join(tmp, "real-"));
const oursDir = mkdtempSync(join(tmp, "ours-"));
writeFileSync(join(realDir, "cib.xml"), cibText(realDir));
writeFileSync(join(oursDir, "cib.xml"), cibText(oursDir));

interface Out {
  stdout: string;
  stderr: string;
  code: number;
}

/** Agent log lines carry the time of day; a second may pass between the two runs. */
function normalize(o: Out): Out {
  const t = (s: string) =>
    s
      .replace(/[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d/g, "TIME")
      .replaceAll(realDir, "DIR")
      .replaceAll(oursDir, "DIR");
  return { stdout: t(o.stdout), stderr: t(o.stderr), code: o.code };
}

function real(args: string[]): Out {
  const r = spawnSync(REAL, args, {
    env: { ...process.env, CIB_file: join(realDir, "cib.xml"), LC_ALL: "C", HA_RSCTMP: realDir },
    encoding: "utf8",
  });
  return normalize({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 });
}

async function ours(req: AgentActionRequest): Promise<Out> {
  // Agents keep pseudo-resource state in $HA_RSCTMP: one per side, so neither sees the other's.
  process.env.HA_RSCTMP = oursDir;
  // Agents such as Stateful call crm_attribute, which reads the CIB named here, as on Pacemaker's side.
  process.env.CIB_file = join(oursDir, "cib.xml");
  let stdout = "";
  let stderr = "";
  const cib = parseXml(cibText(oursDir), "cib.xml");
  const code = await runAgentAction(
    { cib, ...req },
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
  );
  return normalize({ stdout, stderr, code });
}

describe.skipIf(!available)("crm_resource agent options against Pacemaker 2.1.5", () => {
  const same = async (args: string[], req: AgentActionRequest) => {
    const expected = real(args);
    const got = await ours(req);
    expect(got).toEqual(expected);
    return got;
  };

  it.each(["d1", "pd"])(
    "runs %s through check, start, check, stop, check with the same output",
    async (id) => {
      expect((await same(["--force-check", "-r", id], { action: "force-check", resourceId: id })).code).toBe(
        7,
      );
      expect((await same(["--force-start", "-r", id], { action: "force-start", resourceId: id })).code).toBe(
        0,
      );
      expect((await same(["--force-check", "-r", id], { action: "force-check", resourceId: id })).code).toBe(
        0,
      );
      await same(["--validate", "-r", id], { action: "validate", resourceId: id });
      expect((await same(["--force-stop", "-r", id], { action: "force-stop", resourceId: id })).code).toBe(0);
      expect((await same(["--force-check", "-r", id], { action: "force-check", resourceId: id })).code).toBe(
        7,
      );
    },
  );

  it("promotes and demotes a Stateful agent with --force-promote/--force-demote", async () => {
    const run = (action: "force-start" | "force-stop" | "force-promote" | "force-demote") =>
      same([`--${action}`, "-r", "st"], { action, resourceId: "st" });
    // The agent records its role in its state file: the run really promoted and demoted it.
    const role = () => readFileSync(join(oursDir, "st.state"), "utf8").trim();
    expect((await run("force-promote")).code).toBe(7);
    expect((await run("force-start")).code).toBe(0);
    expect(role()).toBe("Unpromoted");
    expect((await run("force-promote")).code).toBe(0);
    expect(role()).toBe("Promoted");
    expect((await run("force-demote")).code).toBe(0);
    expect(role()).toBe("Unpromoted");
    expect((await run("force-stop")).code).toBe(0);
  });

  it("runs the primitive a promotable clone holds when -r names the clone or an instance", async () => {
    const role = () => readFileSync(join(oursDir, "st2.state"), "utf8").trim();
    expect(
      (await same(["--force-start", "-r", "stc"], { action: "force-start", resourceId: "stc" })).code,
    ).toBe(0);
    expect(
      (await same(["--force-promote", "-r", "stc"], { action: "force-promote", resourceId: "stc" })).code,
    ).toBe(0);
    expect(role()).toBe("Promoted");
    expect(
      (await same(["--force-demote", "-r", "st2:0"], { action: "force-demote", resourceId: "st2:0" })).code,
    ).toBe(0);
    expect(role()).toBe("Unpromoted");
    expect(
      (await same(["--force-stop", "-r", "stc"], { action: "force-stop", resourceId: "stc" })).code,
    ).toBe(0);
  });

  it("refuses a group as Pacemaker does (3)", async () => {
    for (const action of ["force-promote", "force-check"] as const)
      expect((await same([`--${action}`, "-r", "g"], { action, resourceId: "g" })).code).toBe(3);
  });

  it("takes --force-promote and --force-demote on crm_resource's command line", async () => {
    for (const option of ["--force-promote", "--force-demote"]) {
      const io = memoryIo({ CIB_file: join(oursDir, "cib.xml") });
      expect(await runCrmResource([option, "-r", "nope"], io)).toBe(105);
      expect(io.err).toBe(
        "crm_resource: Resource 'nope' not found\nError performing operation: No such object\n",
      );
    }
  });

  it("reports an agent without promote as unimplemented (3), as Pacemaker does", async () => {
    expect(
      (await same(["--force-promote", "-r", "d1"], { action: "force-promote", resourceId: "d1" })).code,
    ).toBe(3);
    expect(
      (await same(["--force-demote", "-r", "nope"], { action: "force-demote", resourceId: "nope" })).code,
    ).toBe(105);
  });

  it("reports an agent's exit reason and output like Pacemaker (IPaddr2 with a bad address)", async () => {
    expect((await same(["--validate", "-r", "bad"], { action: "validate", resourceId: "bad" })).code).toBe(6);
    expect(
      (await same(["--force-check", "-r", "bad"], { action: "force-check", resourceId: "bad" })).code,
    ).toBe(7);
  });

  it("reports missing agents as not installed (5)", async () => {
    expect(
      (await same(["--force-start", "-r", "m1"], { action: "force-start", resourceId: "m1" })).code,
    ).toBe(5);
    expect(
      (await same(["--force-start", "-r", "lsb1"], { action: "force-start", resourceId: "lsb1" })).code,
    ).toBe(5);
  });

  it("kills an agent at --timeout and reports it as could not be executed (Timed Out)", async () => {
    const t0 = Date.now();
    const o = await same(["--force-start", "-r", "dl", "--timeout", "1s"], {
      action: "force-start",
      resourceId: "dl",
      timeoutMs: 1000,
    });
    expect(o.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it("validates an agent given by class, provider and type with --option parameters", async () => {
    await same(
      [
        "--validate",
        "--class",
        "ocf",
        "--provider",
        "heartbeat",
        "--agent",
        "Dummy",
        "--option",
        `state=${oursDir}/v.state`,
      ],
      {
        action: "validate",
        spec: "ocf:heartbeat:Dummy",
        params: { state: `${oursDir}/v.state` },
      },
    );
  });

  it("refuses unknown resources and a missing -r the same way", async () => {
    expect(
      (await same(["--force-start", "-r", "nope"], { action: "force-start", resourceId: "nope" })).code,
    ).toBe(105);
    expect((await same(["--force-start"], { action: "force-start" })).code).toBe(64);
  });

  it("lists standards as Pacemaker does, plus hbx's heartbeat class", async () => {
    const r = real(["--list-standards"]);
    const o = await ours({ action: "list-standards" });
    expect(o.stdout).toBe(`${r.stdout}heartbeat\n`);
    expect(o.code).toBe(0);
  });

  it("lists OCF providers and agents identically", async () => {
    await same(["--list-ocf-providers"], { action: "list-ocf-providers" });
    for (const spec of ["ocf", "ocf:heartbeat", "ocf:pacemaker", "lsb", "service", "ocf:nosuch", "nosuch"]) {
      await same(["--list-agents", spec], { action: "list-agents", spec });
    }
  });

  it("lists the same Debian fence agents for stonith, plus hbx's own", async () => {
    const realFence = real(["--list-agents", "stonith"])
      .stdout.split("\n")
      .filter((l) => l.startsWith("fence_"));
    const o = (await ours({ action: "list-agents", spec: "stonith" })).stdout.trim().split("\n");
    expect(o.filter((a) => a !== "fence_hbx_local")).toEqual(realFence);
    expect(o).toContain("fence_hbx_local");
  });

  it("shows meta-data identically for OCF and LSB agents, and refuses bad specifications", async () => {
    for (const spec of [
      "ocf:heartbeat:Dummy",
      "ocf:pacemaker:Stateful",
      "ocf:heartbeat:IPaddr2",
      "lsb:nginx",
      "ocf:nosuch:X",
      "foo",
    ]) {
      await same(["--show-metadata", spec], { action: "show-metadata", spec });
    }
  });
});

describe.skipIf(!existsSync("/usr/lib/ocf/resource.d/heartbeat/Dummy"))(
  "crm_resource agent options on a Heartbeat v2 CIB",
  () => {
    it("passes the instance attributes of an <attributes> set to the agent", async () => {
      const dir = mkdtempSync(join(tmp, "v2-"));
      const cib = parseXml(
        `<cib epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/><resources>
          <primitive id="d" class="ocf" provider="heartbeat" type="Dummy">
            <instance_attributes id="d-ia"><attributes>
              <nvpair id="d-st" name="state" value="${dir}/from-attributes.state"/>
            </attributes></instance_attributes>
          </primitive></resources><constraints/></configuration><status/></cib>`,
        "cib.xml",
      );
      process.env.HA_RSCTMP = dir;
      const io = { stdout: () => undefined, stderr: () => undefined };
      expect(await runAgentAction({ cib, action: "force-start", resourceId: "d" }, io)).toBe(0);
      expect(existsSync(join(dir, "from-attributes.state"))).toBe(true);
      expect(await runAgentAction({ cib, action: "force-stop", resourceId: "d" }, io)).toBe(0);
      expect(existsSync(join(dir, "from-attributes.state"))).toBe(false);
    });
  },
);
