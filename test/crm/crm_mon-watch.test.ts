/**
 * Watching a live cluster: three real hbxd in CRM mode, crm_mon run as an administrator runs it
 * (the installed launcher, HBX_SOCKET naming a node's socket). Its refreshing mode runs in a real
 * terminal (tmux) and must show a node going standby without being restarted; --daemonize must
 * keep an HTML page up to date and go away on SIGTERM. The members' logs must not be mostly
 * status syncs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { memoryIo, runCrmStandby } from "@hbx/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const CRM_MON = join(repoRoot, "packages/cli/bin/crm_mon.js");
const tmuxMissing = spawnSync("tmux", ["-V"]).status === 0 ? undefined : "tmux is not installed";

const CIB = crmTestCib(`      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-start" name="start" interval="0" timeout="20s"/>
          <op id="dummy-stop" name="stop" interval="0" timeout="20s"/>
          <op id="dummy-monitor" name="monitor" interval="2s" timeout="20s"/>
        </operations>
      </primitive>`);

/** A tmux server of this test's own, so no other session on the machine is touched. */
const TMUX_SERVER = `hbx-crm-mon-${process.pid}`;
function tmux(...args: string[]): string {
  const r = spawnSync("tmux", ["-L", TMUX_SERVER, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Quote a word for the shell command tmux runs. */
const sh = (w: string) => `'${w.replace(/'/g, "'\\''")}'`;

describe.skipIf(dummyUnavailable !== undefined)(
  `crm_mon watching three live hbxd ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({ names: NODES, cib: CIB, portSalt: 3571, tmpPrefix: "hbx-crm-mon-" });
    const socket = cluster.nodes[1].socket;
    const standby = async (node: string, value: "on" | "off") => {
      const io = memoryIo({ HBX_SOCKET: socket });
      expect(await runCrmStandby(["-N", node, "-v", value], io)).toBe(0);
    };
    const monOneShot = () =>
      spawnSync(process.execPath, [CRM_MON, "-1"], {
        env: { ...process.env, HBX_SOCKET: socket },
        encoding: "utf8",
      }).stdout;

    beforeAll(async () => {
      ensureBuilt();
      ensureCliBuilt();
      cluster.start();
      await waitFor(
        "dummy started and every node online",
        async () => {
          const out = monOneShot();
          return /Online: \[ alpha bravo charlie \]/.test(out) && /dummy\s.*Started/.test(out)
            ? true
            : undefined;
        },
        40_000,
        300,
      );
    }, 90_000);

    afterAll(async () => {
      if (!tmuxMissing) spawnSync("tmux", ["-L", TMUX_SERVER, "kill-server"]);
      await cluster.stop();
    });

    describe.skipIf(tmuxMissing !== undefined)(`in a terminal ${tmuxMissing ?? ""}`, () => {
      /** Start crm_mon in a fresh 120×40 tmux window; the pane stays after it exits, for its status. */
      const startMon = (session: string, args: string[]) => {
        const cmd = ["env", `HBX_SOCKET=${socket}`, process.execPath, CRM_MON, ...args].map(sh).join(" ");
        // crm_mon's own exit status goes to a file: tmux here does not always reap a pane's
        // process (it stays a zombie, the pane dead without a status).
        const status = join(cluster.root, `${session}.status`);
        tmux(
          "new-session",
          "-d",
          "-s",
          session,
          "-x",
          "120",
          "-y",
          "40",
          `sh -c ${sh(`${cmd}; echo $? > ${sh(status)}`)}`,
        );
        tmux("set-option", "-t", session, "remain-on-exit", "on");
      };
      const screen = (session: string) => tmux("capture-pane", "-p", "-t", session);
      /** crm_mon's exit status once it has exited (the shell around it wrote it), else undefined. */
      const exitStatus = (session: string) => {
        const file = join(cluster.root, `${session}.status`);
        return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
      };
      const paneState = (session: string) =>
        tmux("display-message", "-p", "-t", session, "#{pane_pid} #{pane_dead} #{pane_dead_status}").trim();

      it("redraws in place every interval: a node put in standby appears without restarting crm_mon, and q quits with 0", async () => {
        startMon("watch", ["-i", "1"]);
        await waitFor(
          "crm_mon's first screen",
          async () => (/Online: \[ alpha bravo charlie \]/.test(screen("watch")) ? true : undefined),
          15_000,
        );
        const [pid] = paneState("watch").split(" ");
        const t0 = Date.now();
        await standby("charlie", "on");
        const shown = await waitFor(
          "charlie shown in standby",
          async () => {
            const s = screen("watch");
            return /\* Node charlie: standby/.test(s) ? s : undefined;
          },
          15_000,
        );
        process.stdout.write(
          `crm_mon -i 1: standby shown ${Date.now() - t0} ms after crm_standby returned\n`,
        );
        // The same process drew it (still running: no exit status yet), over the old screen
        // rather than below it.
        expect(paneState("watch").split(" ")[0]).toBe(pid);
        expect(exitStatus("watch")).toBeUndefined();
        expect(shown.match(/Cluster Summary:/g)).toHaveLength(1);
        expect(shown).toMatch(/Online: \[ alpha bravo \]/);
        tmux("send-keys", "-t", "watch", "q");
        expect(await waitFor("crm_mon to exit on q", async () => exitStatus("watch"), 5_000)).toBe("0");
        await standby("charlie", "off");
      }, 60_000);

      it("is the default on a terminal, and Ctrl-C quits cleanly with 0", async () => {
        startMon("ctrl-c", []);
        await waitFor(
          "crm_mon's first screen",
          async () => (/Node List:/.test(screen("ctrl-c")) ? true : undefined),
          15_000,
        );
        // Still running after a redraw: not a one-shot.
        await sleep(1500);
        expect(exitStatus("ctrl-c")).toBeUndefined();
        tmux("send-keys", "-t", "ctrl-c", "C-c");
        expect(await waitFor("crm_mon to exit on Ctrl-C", async () => exitStatus("ctrl-c"), 5_000)).toBe("0");
      }, 30_000);
    });

    it("--daemonize --output-to writes the HTML page every interval and ends on SIGTERM", async () => {
      const page = join(cluster.root, "status.html");
      const pidfile = join(cluster.root, "crm_mon.pid");
      const t0 = Date.now();
      const r = spawnSync(
        process.execPath,
        [CRM_MON, "--daemonize", "--output-as=html", `--output-to=${page}`, "-i", "1", "-p", pidfile],
        { env: { ...process.env, HBX_SOCKET: socket }, encoding: "utf8", timeout: 10_000 },
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      // The command returns at once; the page is the background copy's work.
      expect(Date.now() - t0).toBeLessThan(5_000);
      const pid = Number(readFileSync(pidfile, "utf8").trim());
      expect(() => process.kill(pid, 0)).not.toThrow();
      try {
        const first = await waitFor(
          "the page",
          async () => (existsSync(page) ? readFileSync(page, "utf8") : undefined),
          10_000,
        );
        expect(first).toMatch(/^<!DOCTYPE html>/);
        expect(first).toContain('<meta http-equiv="refresh" content="1">');
        expect(first).toContain('<span class="bold">charlie:</span><span class="online"> online</span></li>');
        await standby("charlie", "on");
        await waitFor(
          "the page showing charlie in standby",
          async () =>
            readFileSync(page, "utf8").includes('<span class="standby"> (in standby') ? true : undefined,
          15_000,
        );
      } finally {
        process.kill(pid, "SIGTERM");
        await standby("charlie", "off");
      }
      await waitFor(
        "the background crm_mon to end",
        async () => {
          try {
            process.kill(pid, 0);
            return undefined;
          } catch {
            return true;
          }
        },
        5_000,
      );
      expect(existsSync(pidfile)).toBe(false);
    }, 60_000);

    it("keeps the members' ha-log free of routine status syncs and names the LRM's lines", async () => {
      // By now the DC has stored many monitor results and standby changes; each reached the
      // members as a status sync.
      for (const n of cluster.nodes.slice(1)) {
        const log = n.log();
        expect(log).toMatch(/ hbxd: \[\d+\]: info: hbxd started/);
        expect(log).not.toMatch(/info: sync by crmd@\S+: changed status client=/);
      }
      const all = cluster.nodes.map((n) => n.log()).join("");
      expect(all).toMatch(/ lrm: \[\d+\]: info: operation finished .*rsc=dummy op=start .*rc=0/);
      // A recurring monitor that finds the Dummy running is not worth a line in ha-log.
      expect(all).not.toMatch(/info: operation finished .*op=monitor interval=2000 rc=0/);
    });
  },
);
