/**
 * The status page in a real browser: headless Chromium (Debian's) driven by playwright-core,
 * against three real hbxd on loopback. The page is served by bravo, which is not the DC, so
 * its action is forwarded to the DC like a tool's write from bravo. What the page claims is
 * checked against what really runs (each Dummy's state file in its node's HA_RSCTMP) and what
 * the CIB says (`cibadmin -Q`, the real tool).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrmCluster, crmTestCib, dummyUnavailable, ensureBuilt, ensureCliBuilt, waitFor } from "./cluster.js";

const CHROMIUM = "/usr/bin/chromium";
const skipReason =
  dummyUnavailable ??
  (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (Debian package chromium)`);

const NODES = ["alpha", "bravo", "charlie"];
const RESOURCES = ["www", "db"];
const PORT = 33000 + (process.pid % 4000);
const USER = { username: "admin", password: "correct horse" };
/** HBX_UPDATE_SCREENSHOT=1 rewrites the README's picture; otherwise it goes to the test directory. */
const DOCS_SCREENSHOT = join(repoRoot, "docs/img/status-page.png");

const dummy = (
  id: string,
  threshold: number,
) => `      <primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="${id}-meta"><nvpair id="${id}-mt" name="migration-threshold" value="${threshold}"/></meta_attributes>
        <operations>
          <op id="${id}-start" name="start" interval="0" timeout="20s"/>
          <op id="${id}-stop" name="stop" interval="0" timeout="20s"/>
          <op id="${id}-monitor" name="monitor" interval="2s" timeout="20s"/>
        </operations>
      </primitive>`;

describe.skipIf(skipReason !== undefined)(`the status page in Chromium ${skipReason ?? ""}`, () => {
  const cluster = new CrmCluster({
    names: NODES,
    cib: crmTestCib(`${dummy("www", 3)}\n${dummy("db", 5)}`),
    portSalt: 4241,
    tmpPrefix: "hbx-web-",
  });
  const bravo = cluster.node("bravo");
  const url = `http://${bravo.addr}:${PORT}/`;
  const userData = mkdtempSync(join(tmpdir(), "hbx-web-chromium-"));
  let browser: BrowserContext;
  let page: Page;

  /** Where each Dummy really runs: the node whose HA_RSCTMP holds its state file. */
  const runningOn = (rsc: string) =>
    cluster.nodes.filter((n) => existsSync(join(n.rsctmp, `Dummy-${rsc}.state`)));
  const placed = () => {
    const where = RESOURCES.map((r) => runningOn(r).map((n) => n.name));
    return where.every((w) => w.length === 1)
      ? Object.fromEntries(RESOURCES.map((r, i) => [r, where[i][0]]))
      : undefined;
  };
  const cibadminQ = () => {
    const r = spawnSync(process.execPath, [join(repoRoot, "packages/cli/bin/cibadmin.js"), "-Q"], {
      env: { ...process.env, HBX_SOCKET: bravo.socket },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`cibadmin -Q exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  const nodeState = (name: string) =>
    page.getAttribute(`#nodes tr[data-node="${name}"] [data-state]`, "data-state");
  const shownWhere = (rsc: string) =>
    page.getAttribute(`#resources tr[data-resource="${rsc}"] [data-where]`, "data-where");

  beforeAll(async () => {
    ensureBuilt();
    ensureCliBuilt();
    const passwd = join(cluster.root, "http.passwd");
    writeFileSync(passwd, `${USER.username}:${USER.password}\n`, { mode: 0o600 });
    for (const n of cluster.nodes)
      appendFileSync(join(n.haDir, "ha.cf"), `http ${n.addr}:${PORT}\nhttp_auth ${passwd}\n`);
    cluster.start();
    await waitFor("www and db running, each on one node", async () => placed(), 30_000, 200);
    browser = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      httpCredentials: USER,
      viewport: { width: 1100, height: 900 },
    });
    page = await browser.newPage();
    // Two builds, three daemons and a browser: generous for a loaded machine.
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cluster.stop();
    rmSync(userData, { recursive: true, force: true });
  });

  it("shows every node online with the DC marked, and each resource where it really runs", async () => {
    await page.goto(url);
    for (const n of NODES) expect(await nodeState(n)).toBe("online");
    expect(await page.textContent('#nodes tr[data-node="alpha"] td')).toBe("alpha(DC)");
    expect(await page.textContent("body")).toContain("served by bravo");
    const where = placed()!;
    for (const rsc of RESOURCES) {
      expect(await shownWhere(rsc)).toBe(where[rsc]);
      expect(await page.getAttribute(`#resources tr[data-resource="${rsc}"] [data-role]`, "data-role")).toBe(
        "Started",
      );
    }
    // migration-threshold 3 and no failures yet: three failures before www moves, on every node.
    expect(
      await page.textContent(`#placement tr[data-resource="www"] td[data-node="${where.www}"]`),
    ).toContain("fail-count 0, 3 before it moves");
    expect(await page.textContent("#failures")).toBe("None.");
  });

  it("puts a node in standby from the page: the CIB says so, the page says so, and its resources move", async () => {
    const victim = placed()!.www;
    await page.goto(url);
    await Promise.all([
      page.waitForNavigation(),
      page.click(`#nodes tr[data-node="${victim}"] button:has-text("Standby")`),
    ]);
    expect(await page.textContent("#notice")).toMatch(
      new RegExp(`^standby ${victim}: done \\(CIB [\\d.]+\\)$`),
    );
    expect(cibadminQ()).toMatch(
      new RegExp(`<nvpair id="nodes-${victim}-standby" name="standby" value="on"/>`),
    );
    expect(await nodeState(victim)).toBe("standby");
    await waitFor(
      `nothing running on ${victim}`,
      async () =>
        RESOURCES.every((r) => runningOn(r).length === 1 && runningOn(r)[0].name !== victim)
          ? true
          : undefined,
      20_000,
      200,
    );
    const where = placed()!;
    await waitFor(
      "the page showing where they run now",
      async () => {
        await page.reload();
        for (const rsc of RESOURCES) if ((await shownWhere(rsc)) !== where[rsc]) return undefined;
        return true;
      },
      10_000,
      300,
    );
  }, 60_000);

  it("shows a real monitor failure: the failed action, the fail-count and one failure fewer before db moves", async () => {
    const node = runningOn("db")[0];
    // The Dummy's state file gone: its next 2 s monitor says "not running" (rc 7), a real failure.
    rmSync(join(node.rsctmp, "Dummy-db.state"));
    await waitFor(
      "the page showing db's failure",
      async () => {
        await page.reload();
        const row = await page.textContent("#failures");
        return row?.includes("monitor 2000ms") ? row : undefined;
      },
      15_000,
      300,
    );
    const failure = await page.textContent(`#failures tr:has-text("db")`);
    expect(failure).toMatch(new RegExp(`^dbmonitor 2000ms${node.name}1\\d{4}-`));
    expect(
      await page.textContent(`#placement tr[data-resource="db"] td[data-node="${node.name}"]`),
    ).toContain("fail-count 1, 4 before it moves");
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe("PNG");
    writeFileSync(join(cluster.root, "status-page.png"), shot);
    if (process.env.HBX_UPDATE_SCREENSHOT === "1") writeFileSync(DOCS_SCREENSHOT, shot);
  }, 60_000);
});
