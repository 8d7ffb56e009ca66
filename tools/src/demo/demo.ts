import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DemoCluster, FLOATING_IP, NODES, SERVICE, writeConfig, type DemoNode } from "./cluster.js";
import { CrmDemoCluster } from "./crm-cluster.js";
import { crmLiveTour } from "./crm-live.js";
import { BIN, run, waitUntil, type Shell } from "./shell.js";

export interface DemoIo {
  out(text: string): void;
  env: Record<string, string | undefined>;
  /** Resolves when the user interrupts (Ctrl-C): everything is stopped, then the tour ends. */
  interrupted: Promise<string>;
}

const DEADTIME_MS = 3000;

/** The narrated tour. Every child and the temp dir are cleaned up however it ends. */
export async function runDemo(argv: string[], io: DemoIo): Promise<number> {
  const crmOnly = argv.includes("--crm-only");
  const dir = mkdtempSync(join(tmpdir(), "hbx-demo-"));
  const env = { ...io.env, HBX_EXAMPLE_STATE: join(dir, "services") };
  const sh: Shell = { demoDir: dir, env, out: io.out };
  const withIp = process.getuid?.() === 0 && !crmOnly;
  const cluster = new DemoCluster(dir, env, withIp);
  const crm = new CrmDemoCluster(dir, env);
  const section = (title: string): void => io.out(`\n=== ${title} ===\n`);
  let interrupted = false;
  void io.interrupted.then(() => (interrupted = true));
  try {
    const tour = (async () => {
      if (!crmOnly) {
        await clusterTour(sh, cluster, withIp, section);
        // The v1 cluster ends before the CRM one starts on the same addresses.
        await cluster.stopAll();
        io.out("\n(The haresources cluster is stopped: the CRM cluster takes the same addresses.)");
      }
      await crmLiveTour(sh, crm, section);
    })();
    const winner = await Promise.race([tour.then(() => "done"), io.interrupted]);
    if (winner !== "done") {
      io.out(`\n${winner}: stopping the demo cluster`);
      return 130;
    }
    return 0;
  } catch (e) {
    io.out(`\ndemo failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await cluster.stopAll();
    await crm.killAll();
    if (withIp) spawnSync("ip", ["addr", "del", FLOATING_IP.replace(/\/lo$/, ""), "dev", "lo"]);
    rmSync(dir, { recursive: true, force: true });
    if (!interrupted) io.out("\nAll hbxd processes and services stopped; temp dir removed.");
  }
}

async function clusterTour(
  sh: Shell,
  cluster: DemoCluster,
  withIp: boolean,
  section: (title: string) => void,
): Promise<void> {
  const out = sh.out;
  const names = NODES.map((n) => n.name);
  section("(a) A 3-node cluster on loopback, Heartbeat v1 haresources mode");
  writeConfig(sh.demoDir, withIp);
  out(
    withIp
      ? `Running as root: the group is the floating IP ${FLOATING_IP} (IPaddr2) and the service ${SERVICE}.`
      : `Not root: the group is the service ${SERVICE} alone (a floating IP needs root).`,
  );
  run(sh, "cat $DEMO/ha.d/ha.cf");
  run(sh, "cat $DEMO/ha.d/haresources");
  run(sh, "ls -l $DEMO/ha.d/authkeys $DEMO/ha.d/init.d");
  for (const n of NODES) {
    out(
      `$ hbxd --ha-dir $DEMO/ha.d --node ${n.name} --state-dir $DEMO/state/${n.name} --bind ${n.addr} --socket $DEMO/${n.name}.sock &`,
    );
    cluster.start(n.name);
  }
  const allUp = (): boolean =>
    names.every((a) => names.every((b) => a === b || cluster.nodeStatus(a, b) === "active"));
  const upMs = await waitUntil("all nodes to see each other", allUp, 15_000, 200);
  out(`(all three nodes see each other after ${(upMs / 1000).toFixed(1)} s)`);
  const t0 = Date.now();
  await waitUntil(`${SERVICE} to start on alpha`, () => cluster.where().join() === "alpha", 15_000);
  out(
    `(${SERVICE} running on alpha ${((Date.now() - t0) / 1000).toFixed(1)} s later: initdead passed, claim granted)`,
  );

  section("(b) Status");
  const cl = (node: DemoNode, args: string): string =>
    run(sh, `cl_status --socket $DEMO/${node}.sock ${args}`);
  cl("alpha", "listnodes");
  for (const n of names) cl("alpha", `nodestatus ${n}`);
  cl("alpha", "listhblinks bravo");
  for (const n of names) cl(n, "rscstatus");
  showWhere(sh, cluster);

  section("(c) Failover: alpha dies");
  const alphaService = cluster.servicePid("alpha")!;
  out(
    `$ kill -9 <alpha's hbxd> <alpha's ${SERVICE}, pid ${alphaService}>   # a dead node's services die with it`,
  );
  await cluster.kill9("alpha");
  process.kill(alphaService, "SIGKILL");
  // One machine plays all three nodes: drop alpha's address by hand, as its death would.
  if (withIp)
    run(sh, `ip addr del ${FLOATING_IP.replace(/\/lo$/, "")} dev lo   # alpha's address dies with it`);
  const failMs = await waitUntil(
    `${SERVICE} on bravo`,
    () => cluster.where().join() === "bravo",
    DEADTIME_MS + 10_000,
  );
  out(
    `(${SERVICE} running on bravo ${(failMs / 1000).toFixed(2)} s after the kill; deadtime is ${DEADTIME_MS / 1000} s)`,
  );
  cl("bravo", "nodestatus alpha");
  for (const n of ["bravo", "charlie"] as const) cl(n, "rscstatus");
  showWhere(sh, cluster);

  section("(d) alpha returns; auto_failback on moves the group back");
  out(
    "$ hbxd --ha-dir $DEMO/ha.d --node alpha --state-dir $DEMO/state/alpha --bind 127.0.0.1 --socket $DEMO/alpha.sock &",
  );
  cluster.start("alpha");
  const backMs = await waitUntil(
    `${SERVICE} back on alpha`,
    () => cluster.where().join() === "alpha",
    20_000,
  );
  out(
    `(${SERVICE} back on alpha ${(backMs / 1000).toFixed(1)} s after the restart: bravo stopped it, then alpha started it)`,
  );
  await waitUntil("rscstatus settled", () => spawnRsc(cluster, "alpha") === "local", 5000);
  cl("bravo", "nodestatus alpha");
  for (const n of names) cl(n, "rscstatus");
  showWhere(sh, cluster);
}

function spawnRsc(cluster: DemoCluster, node: DemoNode): string {
  return spawnSync(join(BIN, "cl_status"), ["--socket", cluster.socket(node), "rscstatus"], {
    encoding: "utf8",
  }).stdout.trim();
}

function showWhere(sh: Shell, cluster: DemoCluster): void {
  run(
    sh,
    'for f in $DEMO/services/*.pid; do p=$(cat $f); kill -0 $p 2>/dev/null && s=running || s="not running (stale pid file)"; echo "$(basename $f .pid): pid $p $s"; done',
  );
  if (cluster.withIp) run(sh, "ip -brief addr show dev lo");
  sh.out(`(${SERVICE} runs on: ${cluster.where().join(", ") || "nowhere"})`);
}
