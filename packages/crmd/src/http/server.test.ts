/**
 * The status page of a real hbxd (CRM mode, one node, started in-process) over real HTTP:
 * who may see it, who may act, and that a refused request changes nothing in the CIB.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaCfError, parseAuthkeys, parseHaCf } from "@hbx/transport";
import { planReload } from "../hbxd/reload.js";
import { type RunningHbxd, startHbxd } from "../hbxd/daemon.js";
import { StatusPageServer, answersTo, statusPageConfig } from "./server.js";

const root = mkdtempSync(join(tmpdir(), "hbx-http-"));
const port = 31000 + (process.pid % 4000);
const udp = 24000 + (process.pid % 4000);
const base = `http://127.0.0.1:${port}`;
const auth = (pw: string) => ({ Authorization: `Basic ${Buffer.from(`root:${pw}`).toString("base64")}` });
const ROOT = auth("s3cret");

const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14">
  <configuration>
    <crm_config><cluster_property_set id="opts">
      <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
      <nvpair id="opt-quorum" name="no-quorum-policy" value="ignore"/>
    </cluster_property_set></crm_config>
    <nodes/>
    <resources>
      <primitive id="web" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="web-meta"><nvpair id="web-role" name="target-role" value="Stopped"/></meta_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;

let hbxd: RunningHbxd;

function write(name: string, text: string, mode = 0o600): string {
  const f = join(root, name);
  writeFileSync(f, text, { mode });
  return f;
}

async function cib(): Promise<{ xml: string; version: string }> {
  return (await hbxd.crm!.ipcHandlers()["cib.query"]({})) as { xml: string; version: string };
}

/**
 * The configuration as it stands: its version (admin_epoch.epoch; num_updates moves with every
 * recorded probe) and its text, so "nothing changed" cannot be hidden by a status update.
 */
async function configuration(): Promise<string> {
  const { xml, version } = await cib();
  return `${version.split(".").slice(0, 2).join(".")}\n${/<configuration>[\s\S]*<\/configuration>/.exec(xml)![0]}`;
}

async function page(headers: Record<string, string> = ROOT): Promise<string> {
  const r = await fetch(`${base}/`, { headers });
  expect(r.status).toBe(200);
  return r.text();
}

async function post(
  fields: Record<string, string>,
  headers: Record<string, string> = ROOT,
): Promise<Response> {
  return fetch(`${base}/action`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

async function token(): Promise<string> {
  return /name="csrf" value="([^"]+)"/.exec(await page())![1];
}

beforeAll(async () => {
  const ha = join(root, "ha.d");
  mkdirSync(ha);
  writeFileSync(
    join(ha, "ha.cf"),
    `keepalive 200ms\ndeadtime 1\ninitdead 1\nudpport ${udp}\nucast lo 127.0.0.99\nnode alpha\ncrm on\n` +
      `http ${port}\nhttp_auth ${write("http.passwd", "root:s3cret\n")}\n`,
  );
  writeFileSync(join(ha, "authkeys"), "auth 1\n1 sha1 k\n", { mode: 0o600 });
  writeFileSync(join(ha, "cib.xml"), CIB);
  const opts = {
    haDir: ha,
    node: "alpha",
    stateDir: join(root, "state"),
    socket: join(root, "hbxd.sock"),
    bind: "127.0.0.1",
  };
  hbxd = await startHbxd(opts as Parameters<typeof startHbxd>[0], () => undefined);
  // The page can act once the node is DC and has its own node entry.
  for (let i = 0; i < 100 && !(await cib()).xml.includes('uname="alpha"'); i++)
    await new Promise((r) => setTimeout(r, 100));
}, 20_000);

afterAll(async () => {
  await hbxd?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("the status page served by hbxd", () => {
  it("asks for a login without credentials or with a wrong password, and shows nothing", async () => {
    for (const headers of [{}, auth("wrong"), { Authorization: "Basic !!!" }]) {
      const r = await fetch(`${base}/`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toBe('Basic realm="hbx cluster", charset="UTF-8"');
      expect(await r.text()).toMatch(/^authentication required: (no credentials|wrong user or password)\n$/);
    }
  });

  it("shows the node, the DC and the form token to a signed-in user, under a strict CSP", async () => {
    const r = await fetch(`${base}/`, { headers: ROOT });
    expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await r.text();
    expect(html).toContain('<tr data-node="alpha"><td>alpha<span class="dc">(DC)</span>');
    expect(html).toContain('data-state="online"');
    expect(html).toContain("signed in as root");
  });

  it("changes nothing for an action with a wrong or missing login", async () => {
    const before = await configuration();
    const t = await token();
    for (const headers of [{}, auth("wrong")]) {
      const r = await post({ action: "standby", node: "alpha", csrf: t }, headers);
      expect(r.status).toBe(401);
    }
    expect(await configuration()).toBe(before);
  });

  it("changes nothing for a POST without the form token, with a wrong one, or from another site", async () => {
    const before = await configuration();
    const t = await token();
    const refusals = [
      await post({ action: "standby", node: "alpha" }),
      await post({ action: "standby", node: "alpha", csrf: `${t.slice(1)}x` }),
      await post({ action: "standby", node: "alpha", csrf: t }, { ...ROOT, Origin: "http://evil.example" }),
      await post({ action: "standby", node: "alpha", csrf: t }, { ...ROOT, "Sec-Fetch-Site": "cross-site" }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect(await refusals[0].text()).toBe(
      "csrf: missing or wrong form token; reload the page and try again\n",
    );
    expect(await refusals[2].text()).toBe('cross-site request refused (Origin "http://evil.example")\n');
    expect(await configuration()).toBe(before);
  });

  it("refuses a request for another host name (DNS rebinding) and a form naming an unknown node", async () => {
    const before = await configuration();
    // fetch will not send another Host header; node:http will.
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${base}/`, { headers: { ...ROOT, Host: `evil.example:${port}` } }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject).end();
    });
    expect(r.status).toBe(400);
    expect(r.text).toBe(
      `Host: expected an IP address or localhost (the page answers to no other name), found "evil.example:${port}"\n`,
    );
    const bad = await post({ action: "standby", node: "zulu", csrf: await token() });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('node: expected one of the cluster\'s nodes (alpha), found "zulu"\n');
    const odd = await post({ action: "reboot", node: "alpha", csrf: await token() });
    expect(await odd.text()).toBe(
      'action: expected one of standby, unstandby, move, clear, cleanup, found "reboot"\n',
    );
    expect(await configuration()).toBe(before);
  });

  it("puts a node in standby through the CIB as crm_standby does, and shows it", async () => {
    const r = await post({ action: "standby", node: "alpha", csrf: await token() });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/");
    expect((await cib()).xml).toMatch(/<nvpair id="nodes-alpha-standby" name="standby" value="on"\/>/);
    const html = await page();
    expect(html).toContain('data-state="standby"');
    expect(html).toMatch(/<div id="notice" class="notice ok">standby alpha: done \(CIB [\d.]+\)<\/div>/);
    await post({ action: "unstandby", node: "alpha", csrf: await token() });
    expect((await cib()).xml).toContain('name="standby" value="off"');
  });
});

describe("the page's resource actions", () => {
  const act = async (fields: Record<string, string>) => {
    const r = await post({ ...fields, csrf: await token() });
    expect(r.status).toBe(303);
    return /<div id="notice" class="notice (ok|err)">([^<]*)<\/div>/.exec(await page())?.slice(1);
  };

  it("moves a resource as crm_resource --move does, and clears the move as --clear does", async () => {
    expect(await act({ action: "move", resource: "web", node: "alpha" })).toEqual([
      "ok",
      expect.stringMatching(/^move web to alpha: done/),
    ]);
    expect((await cib()).xml).toContain(
      '<rsc_location id="cli-prefer-web" rsc="web" role="Started" node="alpha" score="INFINITY"/>',
    );
    expect(await page()).toContain("Clear move");
    await act({ action: "clear", resource: "web" });
    expect((await cib()).xml).not.toContain("cli-prefer-web");
    expect(await page()).not.toContain("Clear move");
  });

  it("cleans a resource up through cib.cleanup, on one node or all", async () => {
    expect(await act({ action: "cleanup", resource: "web", node: "alpha" })).toEqual([
      "ok",
      expect.stringMatching(/^cleanup web on alpha: done \(CIB [\d.]+\)$/),
    ]);
    expect((await act({ action: "cleanup", resource: "web" }))?.[1]).toMatch(/^cleanup web: done/);
  });

  it("refuses a move to a node the cluster does not have, with nothing written", async () => {
    const before = await configuration();
    const r = await post({ action: "move", resource: "web", node: "nowhere", csrf: await token() });
    expect(r.status).toBe(400);
    expect(await r.text()).toBe(`node: expected one of the cluster's nodes (alpha), found "nowhere"\n`);
    expect(await configuration()).toBe(before);
  });
});

describe("the page without http_auth", () => {
  it("shows the cluster read-only and refuses every action, with nothing written", async () => {
    const listen = { address: "127.0.0.1", port: port + 1, addressWritten: false, line: 1 };
    const server = new StatusPageServer({ listen, ops: hbxd.crm!.ipcHandlers(), log: hbxd.log });
    await server.listen();
    try {
      const url = `http://127.0.0.1:${port + 1}`;
      const html = await (await fetch(`${url}/`)).text();
      expect(html).toContain('<tr data-node="alpha">');
      expect(html).not.toContain("<form");
      const before = await configuration();
      const r = await fetch(`${url}/action`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "action=standby&node=alpha",
      });
      expect(r.status).toBe(403);
      expect(await r.text()).toBe("actions are off: ha.cf names no http_auth file\n");
      expect(await configuration()).toBe(before);
    } finally {
      await server.close();
    }
  });
});

describe("where the status page may listen", () => {
  const cf = (lines: string) => parseHaCf(`node alpha\nucast lo 127.0.0.2\n${lines}`, "ha.cf");

  it("binds a bare port to 127.0.0.1 and serves it read-only without http_auth", () => {
    expect(statusPageConfig(cf("http 8080\n"))).toEqual({
      listen: { address: "127.0.0.1", port: 8080, addressWritten: false, line: 3 },
      credentials: undefined,
    });
  });

  it("refuses an address beyond this machine unless logins are configured", () => {
    expect(() => statusPageConfig(cf("http 0.0.0.0:8080\n"))).toThrow(
      new HaCfError(
        "ha.cf",
        3,
        "http: 0.0.0.0 is not a loopback address; serving the page beyond this machine needs http_auth, found none",
      ),
    );
    const pw = write("ok.passwd", "root:pw\n");
    expect(statusPageConfig(cf(`http 0.0.0.0:8080\nhttp_auth ${pw}\n`))?.credentials?.users.has("root")).toBe(
      true,
    );
  });

  it("refuses a credential file others can read", () => {
    const pw = write("open.passwd", "root:pw\n", 0o640);
    expect(() => statusPageConfig(cf(`http 8080\nhttp_auth ${pw}\n`))).toThrow(
      /expected mode 600, found 640/,
    );
  });

  it("waits for a restart when SIGHUP finds the http or http_auth line changed, naming the directives", () => {
    const keys = parseAuthkeys("auth 1\n1 sha1 k\n", "authkeys");
    const plan = planReload(
      { hacf: cf("http 8080\n"), authkeys: keys },
      { hacf: cf("http 8081\nhttp_auth /etc/ha.d/http.passwd\n"), authkeys: keys },
    );
    expect(plan.needRestart).toEqual(["http", "http_auth"]);
  });

  it("answers to IP literals and localhost on any port (an SSH tunnel's), and to no DNS name", () => {
    const ok = ["127.0.0.1:8080", "10.0.0.5", "[::1]:9000", "localhost:9000", "LOCALHOST"];
    expect(ok.filter((h) => !answersTo(h))).toEqual([]);
    const refused = [
      "evil.example",
      "evil.example:8080",
      "127.0.0.1.nip.io:80",
      "[evil]:80",
      "",
      "1.2.3.4:x",
    ];
    expect(refused.filter(answersTo)).toEqual([]);
  });

  it("is not served at all without an http line", () => {
    expect(statusPageConfig(cf(""))).toBeUndefined();
  });
});
