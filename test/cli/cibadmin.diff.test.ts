import { describe } from "vitest";
import { runCibadmin } from "@hbx/cli";
import { differential } from "./differential.js";
import { fixtureText } from "./harness.js";

const newer = fixtureText().replace('epoch="12"', 'epoch="15"').replace('type="IPaddr2">', 'type="IPaddr3">');

describe("cibadmin against Pacemaker 2.1.5's", () => {
  differential(runCibadmin, [
    { name: "whole CIB", tool: "cibadmin", args: ["-Q"], stdout: "exact" },
    { name: "one section", tool: "cibadmin", args: ["-Q", "-o", "nodes"], stdout: "exact" },
    { name: "status section", tool: "cibadmin", args: ["--query", "--scope", "status"], stdout: "exact" },
    {
      name: "xpath, one match",
      tool: "cibadmin",
      args: ["-Q", "--xpath", "//node[@uname='beta']"],
      stdout: "exact",
    },
    {
      name: "xpath, several matches",
      tool: "cibadmin",
      args: ["-Q", "--xpath", "//nvpair[@name='pingd']"],
      stdout: "exact",
    },
    {
      name: "xpath node paths",
      tool: "cibadmin",
      args: ["-Q", "--xpath", "//nvpair[@name='pingd']", "--node-path"],
      stdout: "exact",
    },
    {
      name: "xpath matching nothing",
      tool: "cibadmin",
      args: ["-Q", "--xpath", "//node[@uname='zzz']"],
      stdout: "exact",
    },
    { name: "no children", tool: "cibadmin", args: ["-Q", "-o", "nodes", "-n"], stdout: "exact" },
    {
      name: "create a primitive",
      tool: "cibadmin",
      args: [
        "-C",
        "-o",
        "resources",
        "-X",
        '<primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/>',
      ],
    },
    {
      name: "create an existing id",
      tool: "cibadmin",
      args: [
        "-C",
        "-o",
        "resources",
        "-X",
        '<primitive id="vip" class="ocf" provider="heartbeat" type="Dummy"/>',
      ],
    },
    {
      name: "modify by id",
      tool: "cibadmin",
      args: ["-M", "-X", '<primitive id="vip" description="floating address"/>'],
    },
    { name: "modify a missing id", tool: "cibadmin", args: ["-M", "-X", '<primitive id="zz" type="x"/>'] },
    {
      name: "replace a section",
      tool: "cibadmin",
      args: [
        "-R",
        "-o",
        "crm_config",
        "-X",
        '<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/></cluster_property_set></crm_config>',
      ],
    },
    { name: "replace the whole CIB with a newer one", tool: "cibadmin", args: ["-R", "-p"], stdin: newer },
    {
      name: "replace with an older epoch",
      tool: "cibadmin",
      args: ["-R", "-p"],
      stdin: fixtureText().replace('epoch="12"', 'epoch="11"'),
    },
    { name: "delete by element", tool: "cibadmin", args: ["-D", "-X", '<rsc_location id="loc-web-alpha"/>'] },
    { name: "delete a missing id", tool: "cibadmin", args: ["-D", "-X", '<rsc_order id="nope"/>'] },
    {
      name: "delete by xpath",
      tool: "cibadmin",
      args: ["-D", "--xpath", "//rsc_location[@id='loc-web-alpha']"],
    },
    {
      name: "delete all xpath matches needs --force",
      tool: "cibadmin",
      args: ["-D", "-d", "--xpath", "//nvpair[@name='pingd']"],
    },
    {
      name: "delete all xpath matches",
      tool: "cibadmin",
      args: ["-D", "-d", "--force", "--xpath", "//nvpair[@name='pingd']"],
    },
    {
      name: "delete by xpath matching nothing",
      tool: "cibadmin",
      args: ["-D", "--xpath", "//rsc_location[@id='zz']"],
    },
    {
      name: "delete a resource that constraints still name",
      tool: "cibadmin",
      args: ["-D", "-X", '<primitive id="db"/>'],
    },
    { name: "erase without --force", tool: "cibadmin", args: ["-E"] },
    { name: "erase with --force", tool: "cibadmin", args: ["-E", "--force"] },
    { name: "bump", tool: "cibadmin", args: ["-B"] },
    { name: "digest of a file", tool: "cibadmin", args: ["-5", "-p"], stdin: fixtureText(), stdout: "exact" },
  ]);
});
