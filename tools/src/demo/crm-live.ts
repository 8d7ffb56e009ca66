import { rmSync } from "node:fs";
import { memoryIo, runCrmFailcount } from "@hbx/cli";
import { NODES, type DemoNode } from "./cluster.js";
import { CRM_DEADTIME_MS, CrmDemoCluster, GROUP, MEMBERS } from "./crm-cluster.js";
import { groupRunsOnLive } from "./placement.js";
import { run, waitUntil, type Shell } from "./shell.js";

/** What the CRM part measured, for the caller (and the demo's test) to check. */
export interface CrmTourResult {
  /** The node that held the group when it was killed, and the one that took it over. */
  killed: DemoNode;
  takeover: DemoNode;
  takeoverMs: number;
  failCount: string;
}

/** The tools ask charlie's hbxd: never killed, not the DC, so every write is forwarded. */
const ASKED: DemoNode = "charlie";

/**
 * A live 3-node CRM cluster: status, a move by replace-and-apply, a monitor failure counted,
 * the holder killed and the takeover timed, then a clean shutdown. `cluster` is stopped by the
 * caller whatever happens here.
 */
export async function crmLiveTour(
  sh: Shell,
  cluster: CrmDemoCluster,
  section: (title: string) => void,
): Promise<CrmTourResult> {
  const out = sh.out;
  const where = (): Promise<string | undefined> => groupRunsOnLive(cluster.socket(ASKED), GROUP);
  const tool = (command: string): string => run(sh, command);

  section("(e) CRM mode: three hbxd with a CIB, ocf:heartbeat:Dummy resources");
  cluster.configure();
  out("Each node has its own directory, as on its own machine: ha.d (crm on), state, rsctmp.");
  run(sh, "cat $DEMO/alpha/ha.d/ha.cf");
  run(sh, "sed -n '/<resources>/,/<\\/constraints>/p' $DEMO/alpha/ha.d/cib.xml");
  for (const n of NODES) {
    out(`$ HA_RSCTMP=$DEMO/${n.name}/rsctmp ${CrmDemoCluster.commandLine(n.name)} &`);
    cluster.start(n.name);
  }
  const startMs = await waitUntil(
    `${GROUP} to start on alpha`,
    async () => (await where()) === "alpha",
    30_000,
    200,
  );
  out(
    `(${GROUP} started on alpha ${(startMs / 1000).toFixed(1)} s after the start: initdead, DC election, start)`,
  );
  out(`$ export HBX_SOCKET=$DEMO/${ASKED}/hbxd.sock   # the tools below ask ${ASKED}'s hbxd`);
  sh.env = { ...sh.env, HBX_SOCKET: cluster.socket(ASKED) };
  tool("crm_mon -1");

  section("(f) Edit the live CIB: cibadmin -Q, edit, cibadmin -R moves the group to bravo");
  tool("cibadmin -Q -o constraints > $DEMO/constraints.xml");
  tool(`sed -i 's/node="alpha"/node="bravo"/' $DEMO/constraints.xml`);
  tool("cat $DEMO/constraints.xml");
  const t0 = Date.now();
  tool("cibadmin -R -o constraints -x $DEMO/constraints.xml");
  await waitUntil(`${GROUP} on bravo`, async () => (await where()) === "bravo", 20_000, 100);
  out(
    `(${GROUP} running on bravo ${Date.now() - t0} ms after cibadmin -R: stopped on alpha, started on bravo)`,
  );
  tool("crm_mon -1");

  section(`(g) A monitor failure: ${MEMBERS[1]}'s state file disappears on bravo`);
  out(`$ rm $DEMO/bravo/rsctmp/Dummy-${MEMBERS[1]}.state   # its 1 s monitor now finds it stopped`);
  const t1 = Date.now();
  rmSync(cluster.dummyState("bravo", MEMBERS[1]));
  await waitUntil("the fail-count to reach 1", async () => (await failCount(cluster)) === "1", 20_000, 100);
  await waitUntil(`${GROUP} recovered on bravo`, async () => (await where()) === "bravo", 20_000, 100);
  out(`(counted and recovered in place ${Date.now() - t1} ms after the rm: one failure does not move it)`);
  const failed = tool(`crm_failcount -r ${MEMBERS[1]} -N bravo -G`);
  tool("crm_mon -1");

  section("(h) The node running the group dies: kill -9 bravo's hbxd");
  out(`$ kill -9 ${cluster.pid("bravo")}   # bravo's hbxd`);
  const killedAt = Date.now();
  await cluster.stop("bravo", "SIGKILL");
  let takeover: string | undefined;
  await waitUntil(
    `${GROUP} to run on a node other than bravo`,
    async () => {
      takeover = await where();
      return takeover !== undefined && takeover !== "bravo";
    },
    CRM_DEADTIME_MS + 20_000,
    100,
  );
  const takeoverMs = Date.now() - killedAt;
  out(
    `(takeover: ${GROUP} running on ${takeover} ${takeoverMs} ms after the kill, per crm_mon; deadtime is ${CRM_DEADTIME_MS} ms)`,
  );
  tool("crm_mon -1");

  section("(i) Clean shutdown: SIGTERM moves a node's resources away, then it leaves");
  for (const n of [
    ...NODES.map((x) => x.name).filter((x) => x !== "bravo" && x !== takeover),
    takeover as DemoNode,
  ]) {
    out(`$ kill -TERM ${cluster.pid(n)}   # ${n}'s hbxd`);
    const t = Date.now();
    const how = await cluster.stop(n, "SIGTERM");
    out(`(${n}'s hbxd: ${how} after ${Date.now() - t} ms)`);
  }
  // Empty: the last node stopped the group before it left. bravo's state files stay, as a
  // crashed machine's would until it reboots.
  run(sh, "ls $DEMO/alpha/rsctmp $DEMO/charlie/rsctmp");
  return {
    killed: "bravo",
    takeover: takeover as DemoNode,
    takeoverMs,
    failCount: /value=(\S+)/.exec(failed)?.[1] ?? "",
  };
}

/** web-site's fail-count on bravo, asked quietly (in-process) while the tour waits for it. */
async function failCount(cluster: CrmDemoCluster): Promise<string | undefined> {
  const io = memoryIo({ HBX_SOCKET: cluster.socket(ASKED) });
  const code = await runCrmFailcount(["-r", MEMBERS[1], "-N", "bravo", "-G"], io);
  return code === 0 ? /value=(\S+)/.exec(io.out)?.[1] : undefined;
}
