/**
 * hbxd's status page (ha.cf `http`): GET / shows the cluster, POST /action changes it. Node's
 * own http module; reads and writes go through the CRM's IPC operations, the tools' path.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import type { Logger } from "pino";
import { parseXml } from "@hbx/cib";
import { type HaCf, HaCfError, type HttpListen, isLoopbackAddress } from "@hbx/transport";
import type { IpcHandler } from "../ipc/server.js";
import { ActionInputError, describeAction, parseAction, performAction } from "./actions.js";
import { type Credentials, authenticate, loadCredentials } from "./credentials.js";
import { CsrfTokens, fromSameOrigin } from "./csrf.js";
import { renderPage } from "./html.js";
import { type StatusView, statusView } from "./view.js";

export interface StatusPageOptions {
  listen: HttpListen;
  /** Without credentials the page is read-only (and served on loopback only, see statusPageFor). */
  credentials?: Credentials;
  /** The CRM's IPC handlers: `cib.query`, `cib.patch`, `cib.cleanup`. */
  ops: Record<string, IpcHandler>;
  log: Logger;
  refreshSeconds?: number;
}

const MAX_FORM_BYTES = 4096;

const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  // Not no-referrer: Chromium then sends `Origin: null` on the page's own form posts.
  "Referrer-Policy": "same-origin",
  "Cache-Control": "no-store",
};

/** A request answered with a status and a one-line reason, before anything changed. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `host:port` as a browser writes it in the Host header. */
function hostPort(address: string, port: number): string {
  return `${address.includes(":") ? `[${address}]` : address}:${port}`;
}

/**
 * DNS rebinding: a site's own name, re-pointed at this address, would let its scripts read the
 * page (and its form token) as same-origin. Only names no outside DNS controls are answered: an
 * IP literal or localhost, on any port (an SSH tunnel's local port is not ours to know).
 */
export function answersTo(hostHeader: string): boolean {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::\d+)?$/.exec(hostHeader);
  if (!m) return false;
  return m[1] !== undefined ? isIP(m[1]) === 6 : isIP(m[2]) === 4 || m[2].toLowerCase() === "localhost";
}

export class StatusPageServer {
  private readonly server: Server;
  private readonly csrf = new CsrfTokens();
  private readonly log: Logger;
  private readonly notices = new Map<string, { ok: boolean; text: string }>();
  private cached?: { key: string; view: StatusView };

  constructor(private readonly opts: StatusPageOptions) {
    this.log = opts.log.child({ component: "http" });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.listen.port, this.opts.listen.address, () => {
        this.server.off("error", reject);
        const a = this.server.address() as AddressInfo;
        this.log.info(
          { address: a.address, port: a.port, auth: this.opts.credentials !== undefined },
          `status page on http://${hostPort(a.address, a.port)}/${this.opts.credentials ? "" : " (read-only: no http_auth)"}`,
        );
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async view(): Promise<StatusView> {
    const q = (await this.opts.ops["cib.query"]({})) as {
      xml: string;
      version: string;
      dc: string | null;
      node: string;
    };
    const key = `${q.version} ${q.dc}`;
    if (this.cached?.key !== key) {
      const view = statusView(parseXml(q.xml, "cib.query"), {
        version: q.version,
        servedBy: q.node,
        dc: q.dc ?? undefined,
      });
      this.cached = { key, view };
    }
    return this.cached.view;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const host = req.headers.host ?? "";
      if (!answersTo(host))
        throw new Refusal(
          400,
          `Host: expected an IP address or localhost (the page answers to no other name), found ${JSON.stringify(host)}`,
        );
      const path = new URL(req.url ?? "/", "http://page").pathname;
      if (path !== "/" && path !== "/action") throw new Refusal(404, `no page ${JSON.stringify(path)}`);
      const user = this.signIn(req);
      if (path === "/" && (req.method === "GET" || req.method === "HEAD")) return await this.page(res, user);
      if (path === "/action" && req.method === "POST") return await this.act(req, res, user);
      throw new Refusal(405, `${req.method} not allowed on ${path}`, {
        Allow: path === "/" ? "GET, HEAD" : "POST",
      });
    } catch (e) {
      if (e instanceof Refusal) {
        this.log.warn({ status: e.status, method: req.method, url: req.url }, `refused: ${e.message}`);
        return send(res, e.status, "text/plain; charset=utf-8", `${e.message}\n`, e.headers);
      }
      this.log.error({ err: (e as Error).message }, `status page failed: ${(e as Error).message}`);
      return send(res, 500, "text/plain; charset=utf-8", "internal error; see hbxd's log\n");
    }
  }

  /** With http_auth every request needs a login; without it nobody is signed in (read-only). */
  private signIn(req: IncomingMessage): string | undefined {
    const creds = this.opts.credentials;
    if (!creds) return undefined;
    const user = authenticate(req.headers.authorization, creds);
    if (user === undefined) {
      const why = req.headers.authorization === undefined ? "no credentials" : "wrong user or password";
      throw new Refusal(401, `authentication required: ${why}`, {
        "WWW-Authenticate": 'Basic realm="hbx cluster", charset="UTF-8"',
      });
    }
    return user;
  }

  private async page(res: ServerResponse, user: string | undefined): Promise<void> {
    const view = await this.view();
    const notice = user === undefined ? undefined : this.notices.get(user);
    if (user !== undefined) this.notices.delete(user);
    const html = renderPage(view, {
      refreshSeconds: this.opts.refreshSeconds ?? 10,
      csrf: user === undefined ? undefined : this.csrf.token(user),
      user,
      notice,
    });
    send(res, 200, "text/html; charset=utf-8", html);
  }

  private async act(req: IncomingMessage, res: ServerResponse, user: string | undefined): Promise<void> {
    if (user === undefined) throw new Refusal(403, "actions are off: ha.cf names no http_auth file");
    if (!fromSameOrigin(req.headers))
      throw new Refusal(
        403,
        `cross-site request refused (Origin ${JSON.stringify(req.headers.origin ?? "")})`,
      );
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim();
    if (type !== "application/x-www-form-urlencoded")
      throw new Refusal(
        415,
        `expected a form (application/x-www-form-urlencoded), found ${JSON.stringify(type)}`,
      );
    const form = new URLSearchParams(await readBody(req));
    if (!this.csrf.valid(user, form.get("csrf")))
      throw new Refusal(403, "csrf: missing or wrong form token; reload the page and try again");
    const view = await this.view();
    let action;
    try {
      action = parseAction(form, {
        nodes: new Set(view.nodes.map((n) => n.name)),
        resources: new Set(view.resources.map((r) => r.id)),
      });
    } catch (e) {
      if (e instanceof ActionInputError) throw new Refusal(400, e.message);
      throw e;
    }
    const what = describeAction(action);
    try {
      const version = await performAction(action, this.opts.ops);
      this.log.info({ user, action: action.kind, version }, `${what} by ${user}: CIB ${version}`);
      this.notices.set(user, { ok: true, text: `${what}: done (CIB ${version})` });
    } catch (e) {
      const message = (e as Error).message;
      this.log.warn({ user, action: action.kind, err: message }, `${what} by ${user} refused: ${message}`);
      this.notices.set(user, { ok: false, text: `${what}: refused: ${message}` });
    }
    // Post/redirect/get: a reload of the page does not post the action again.
    send(res, 303, "text/plain; charset=utf-8", "see /\n", { Location: "/" });
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, "Content-Type": type });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Refusal(413, `form larger than ${MAX_FORM_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * What ha.cf asks of the status page, checked before hbxd binds anything: undefined for none.
 * Refused (HaCfError naming the http line) when it would serve beyond this machine without
 * logins, since the page names every node and resource; a bad http_auth file is refused too.
 */
export function statusPageConfig(hacf: HaCf): Pick<StatusPageOptions, "listen" | "credentials"> | undefined {
  const listen = hacf.http;
  if (!listen) return undefined;
  if (!isLoopbackAddress(listen.address) && !hacf.httpAuth)
    throw new HaCfError(
      hacf.file,
      listen.line,
      `http: ${listen.address} is not a loopback address; serving the page beyond this machine needs http_auth, found none`,
    );
  return { listen, credentials: hacf.httpAuth ? loadCredentials(hacf.httpAuth.file) : undefined };
}
