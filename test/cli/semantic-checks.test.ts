import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCibadmin, runCrmVerify } from "@hbx/cli";
import { fixtureText, runHbx } from "./harness.js";

/**
 * The mistakes an administrator makes editing a CIB by hand, checked by cibadmin on a CIB file
 * and by crm_verify: an unknown agent class, an agent this node does not have, a malformed
 * interval, a malformed score. (test/crm/cibadmin-checks.test.ts does the same on a live cluster.)
 */
const OCF = "/usr/lib/ocf/resource.d/heartbeat";
const agentsMissing = existsSync(`${OCF}/Dummy`)
  ? undefined
  : `${OCF}/Dummy is not installed (resource-agents)`;

const mistakes = {
  "an unknown agent class": {
    edit: (t: string) => t.replace('id="vip" class="ocf"', 'id="vip" class="ocff"'),
    error: `error: /cib/configuration/resources/primitive[@id='vip']: class="ocff" is not valid; expected a resource agent class (ocf, lsb, heartbeat, stonith, service, systemd, upstart, nagios)\n`,
  },
  "a malformed interval": {
    edit: (t: string) => t.replace('interval="20s"', 'interval="3x"'),
    error: `error: /cib/configuration/resources/group[@id='web']/primitive[@id='fs']/operations/op[@id='fs-monitor-20s']: interval="3x" is not valid; expected a duration (seconds, a number with ms/s/m/h, or ISO 8601 like PT30S)\n`,
  },
  "a malformed score": {
    edit: (t: string) =>
      t.replace('rsc="web" node="alpha" score="100"', 'rsc="web" node="alpha" score="2OO"'),
    error: `error: /cib/configuration/constraints/rsc_location[@id='loc-web-alpha']: score="2OO" is not valid; expected a score (an integer, INFINITY, +INFINITY or -INFINITY)\n`,
  },
};

const dumy = (t: string) =>
  t.replace(
    'id="nginx" class="ocf" provider="heartbeat" type="Dummy"',
    'id="nginx" class="ocf" provider="heartbeat" type="Dumy"',
  );
const dumyWarning = `warning: <primitive id="nginx">: agent ocf:heartbeat:Dumy is not installed on this node (looked for ${OCF}/Dumy); it can run only on nodes that have it\n`;

describe("cibadmin -R on a CIB file refuses what the cluster could not use", () => {
  for (const [what, m] of Object.entries(mistakes)) {
    it(`refuses ${what} with a line naming the element id, and leaves the file as it was`, async () => {
      const before = fixtureText();
      expect(m.edit(before)).not.toBe(before);
      const r = await runHbx(runCibadmin, ["-R", "-p"], before, m.edit(before));
      expect(r.code).toBe(78);
      expect(r.stderr).toBe(`Call failed: Update does not conform to the configured schema\n${m.error}`);
      expect(r.cib).toBe(before);
    });
  }

  it.skipIf(agentsMissing !== undefined)(
    `takes an agent this node does not have, with a warning naming the path looked for ${agentsMissing ?? ""}`,
    async () => {
      const r = await runHbx(runCibadmin, ["-R", "-p"], fixtureText(), dumy(fixtureText()));
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(dumyWarning);
      expect(r.cib).toContain('type="Dumy"');
    },
  );

  it.skipIf(agentsMissing !== undefined)(
    `says nothing about agents a write leaves as they were ${agentsMissing ?? ""}`,
    async () => {
      const r = await runHbx(
        runCibadmin,
        ["-M", "-X", '<primitive id="vip" description="floating address"/>'],
        dumy(fixtureText()),
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
    },
  );
});

describe("crm_verify reports the same mistakes", () => {
  for (const [what, m] of Object.entries(mistakes)) {
    it(`reports ${what} as an error naming the element id`, async () => {
      const r = await runHbx(runCrmVerify, ["-L"], m.edit(fixtureText()));
      expect(r.code).toBe(78);
      expect(r.stderr).toContain(m.error);
    });
  }

  it.skipIf(agentsMissing !== undefined)(
    `reports an agent this node does not have as a warning only ${agentsMissing ?? ""}`,
    async () => {
      const r = await runHbx(runCrmVerify, ["-L"], dumy(fixtureText()));
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(dumyWarning);
      expect(r.stderr).not.toContain("error:");
    },
  );
});
