import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { run, type Shell } from "./shell.js";

/** One lrm_rsc_op recording a successful start on `node` (what crmd writes after a start). */
function startOp(
  rsc: string,
  cls: string,
  type: string,
  provider: string | undefined,
  node: string,
  call: number,
) {
  const prov = provider ? ` provider="${provider}"` : "";
  return `          <lrm_resource id="${rsc}" class="${cls}" type="${type}"${prov}>
            <lrm_rsc_op id="${rsc}_last_0" operation="start" operation_key="${rsc}_start_0" interval="0" call-id="${call}" rc-code="0" op-status="0" on_node="${node}" transition-key="${call}:0:0:hbx-demo" transition-magic="0:0;${call}:0:0:hbx-demo" crm-debug-origin="hbx-demo"/>
          </lrm_resource>`;
}

function nodeState(node: string, ops: string): string {
  return `    <node_state id="${node}" uname="${node}" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="${node}">
        <lrm_resources>
${ops}
        </lrm_resources>
      </lrm>
    </node_state>`;
}

/** The example's cib.xml with a status section: both nodes online, mysql_group running on mysql1. */
export function writeMysqlCib(dir: string): string {
  const file = join(dir, "cib.xml");
  copyFileSync(join(repoRoot, "examples/mysql-scoring/cib.xml"), file);
  const status = `<status>
${nodeState("mysql1", [startOp("mysql_ip", "ocf", "IPaddr", "heartbeat", "mysql1", 2), startOp("mysql", "lsb", "mysql", undefined, "mysql1", 3)].join("\n"))}
${nodeState("mysql2", "")}
  </status>`;
  const text = readFileSync(file, "utf8").replace(/<status\s*\/>|<status>[\s\S]*<\/status>/, status);
  writeFileSync(file, text);
  return file;
}

/** Step (e): scores, then one and two failures of mysql on mysql1 through crm_failcount. */
export function crmTour(sh: Shell, section: (title: string) => void): void {
  writeMysqlCib(sh.demoDir);
  section("(e) The CRM side: examples/mysql-scoring, allocation scores and failures");
  sh.out(
    "The CIB is examples/mysql-scoring/cib.xml plus a status section: mysql1 and mysql2 online,\n" +
      "mysql_group (mysql_ip, mysql) started on mysql1. Locations: mysql1 200, mysql2 150;\n" +
      "default-resource-stickiness 100, default-resource-failure-stickiness -100.",
  );
  run(sh, "crm_simulate -x $DEMO/cib.xml -s");
  const env = { CIB_file: "$DEMO/cib.xml" };
  for (const count of [1, 2, 4]) {
    sh.out("");
    sh.out(`-- mysql fails on mysql1 (fail-count ${count}):`);
    run(sh, `crm_failcount -r mysql -N mysql1 -v ${count}`, env);
    run(sh, "crm_failcount -r mysql -N mysql1 -G", env);
    run(sh, "crm_simulate -x $DEMO/cib.xml -s -S", env);
  }
  sh.out("");
  sh.out(
    "How it adds up: a group is placed by the sum of its members' scores on each node. On mysql1\n" +
      "each member has 200 (location) + 100 (stickiness), and mysql loses 100 per failure\n" +
      "(failure-stickiness x fail-count): 600 - 100 x failures. On mysql2 each member has 150: 300.\n" +
      "So after the first failure the group stays on mysql1 (500 > 300), after the second too\n" +
      "(400 > 300; only the fail-count is set here, no failed operation, so there is nothing to\n" +
      "restart and the transition is empty), the third\n" +
      "ties (300 = 300: the current node keeps it), and the fourth moves the whole group to\n" +
      "mysql2 (200 < 300). With a single primitive instead of a group (300 - 100 x failures vs\n" +
      "150) the second failure would already move it.",
  );
  sh.out("");
  run(sh, "crm_mon -1", env);
}
