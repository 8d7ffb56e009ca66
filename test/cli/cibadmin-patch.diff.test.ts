import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCibadmin } from "@hbx/cli";
import { differential } from "./differential.js";
import { PCMK, fixtureText, pacemakerAvailable, runHbx } from "./harness.js";

/**
 * cibadmin -P/--patch with diffs made by Pacemaker's own crm_diff from the fixture and an edited
 * copy, applied by both tools to the fixture: same exit code, same resulting CIB, same output.
 */
function crmDiff(edit: (cib: string) => string): string {
  if (!pacemakerAvailable) return "";
  const dir = mkdtempSync(path.join(tmpdir(), "hbx-patch-"));
  writeFileSync(path.join(dir, "old.xml"), fixtureText());
  writeFileSync(path.join(dir, "new.xml"), edit(fixtureText()));
  const r = spawnSync(`${PCMK}/crm_diff`, ["-o", "old.xml", "-n", "new.xml"], { cwd: dir, encoding: "utf8" });
  return r.stdout;
}

const bumped = (t: string) => t.replace('epoch="12"', 'epoch="13"');
const modify = crmDiff((t) => bumped(t.replace('value="web"', 'value="shop"')));
const create = crmDiff((t) =>
  bumped(
    t.replace(
      '<nvpair id="nodes-2-rack" name="rack" value="r2"/>',
      '<nvpair id="nodes-2-rack" name="rack" value="r2"/><nvpair id="nodes-2-row" name="row" value="5"/>',
    ),
  ),
);
const remove = crmDiff((t) => bumped(t.replace(/<op id="vip-monitor-10s"[^>]*\/>/, "")));
const unset = crmDiff((t) => bumped(t.replace(' boolean-op="or"', "")));
const statusOnly = crmDiff((t) =>
  t
    .replace('num_updates="3"', 'num_updates="4"')
    .replace('value="r2"', 'value="r2"')
    .replace(
      '<nvpair id="status-2-pingd" name="pingd" value="1"/>',
      '<nvpair id="status-2-pingd" name="pingd" value="9"/>',
    ),
);

describe("cibadmin --patch against Pacemaker 2.1.5's", () => {
  it.skipIf(!pacemakerAvailable)(
    "crm_diff made every patch (so the pairs below compare real patches)",
    () => {
      for (const p of [modify, create, remove, unset, statusOnly])
        expect(p).toMatch(/^<diff format="2">[\s\S]*<change /);
    },
  );
  differential(runCibadmin, [
    { name: "a changed value", tool: "cibadmin", args: ["-P", "-p"], stdin: modify, stdout: "exact" },
    {
      name: "a created nvpair, in place",
      tool: "cibadmin",
      args: ["--patch", "-p"],
      stdin: create,
      stdout: "exact",
    },
    { name: "a deleted op", tool: "cibadmin", args: ["-P", "-p"], stdin: remove, stdout: "exact" },
    { name: "an attribute unset", tool: "cibadmin", args: ["-P", "-p"], stdin: unset, stdout: "exact" },
    { name: "a status change", tool: "cibadmin", args: ["-P", "-p"], stdin: statusOnly, stdout: "exact" },
    {
      name: "a patch made from an older version is refused (103)",
      tool: "cibadmin",
      args: ["-P", "-p"],
      stdin: modify,
      cib: fixtureText().replace('epoch="12"', 'epoch="14"'),
      stdout: "exact",
    },
    {
      name: "a patch made from a newer version is refused (1)",
      tool: "cibadmin",
      args: ["-P", "-p"],
      stdin: modify,
      cib: fixtureText().replace('epoch="12"', 'epoch="11"'),
      stdout: "exact",
    },
  ]);
});

describe("cibadmin --patch without a Pacemaker to compare", () => {
  const patch = `<diff format="2">
  <version><source admin_epoch="0" epoch="12" num_updates="3"/><target admin_epoch="0" epoch="13" num_updates="3"/></version>
  <change operation="modify" path="/cib/configuration/crm_config/cluster_property_set[@id='cib-bootstrap-options']/nvpair[@id='cib-bootstrap-options-cluster-name']">
    <change-list><change-attr name="value" operation="set" value="shop"/></change-list>
  </change>
  <change operation="delete" path="/cib/configuration/nodes/node[@id='9']"/>
</diff>`;

  it("refuses the whole patch when one change does not apply, naming it, and writes nothing", async () => {
    const r = await runHbx(runCibadmin, ["-P", "-p"], fixtureText(), patch);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("delete /cib/configuration/nodes/node[@id='9']: no element at that path");
    expect(r.cib).toBe(fixtureText());
  });

  it("refuses a format-1 diff with exit 3", async () => {
    const r = await runHbx(runCibadmin, ["-P", "-X", '<diff crm_feature_set="3.0"/>'], fixtureText());
    expect(r.code).toBe(3);
    expect(r.cib).toBe(fixtureText());
  });
});
