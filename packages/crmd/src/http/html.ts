/**
 * The status page as one server-rendered HTML document. Every value from the CIB passes through
 * `esc` (ids, node names, agent names and exit reasons are whatever a CIB writer put there), and
 * every attribute is double-quoted, which is what `esc` makes safe. No script: the page refreshes
 * itself with a meta refresh, so the Content-Security-Policy can forbid scripts altogether.
 */
import { escapeAttr } from "@hbx/cib";
import type { StatusView } from "./view.js";

export const esc = (s: string | number): string => escapeAttr(String(s));

export interface PageOptions {
  /** Seconds between automatic reloads. */
  refreshSeconds: number;
  /** The signed-in user's CSRF token; undefined when actions are off (no http_auth). */
  csrf?: string;
  user?: string;
  /** The outcome of the user's last action, shown once. */
  notice?: { ok: boolean; text: string };
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.3em;margin:0 0 .2em}h2{font-size:1.05em;margin:1.4em 0 .4em}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:middle}
th{background:#eee}.meta{color:#666}.badge{padding:.05em .5em;border-radius:.6em;font-size:.9em}
.online{background:#cfc}.standby{background:#fe9}.offline{background:#fcc}.failed{background:#fcc}.stopped{color:#888}
.dc{font-weight:bold;margin-left:.4em}form{display:inline;margin:0 .2em}button{font-size:.9em}
.notice{padding:.4em .8em;margin:.6em 0;border-radius:.3em}.ok{background:#dfd}.err{background:#fdd}
`;

function form(
  opts: PageOptions,
  action: string,
  fields: Record<string, string>,
  label: string,
  extra = "",
): string {
  if (opts.csrf === undefined) return "";
  const hidden = Object.entries({ action, ...fields, csrf: opts.csrf })
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  return `<form method="post" action="/action">${hidden}${extra}<button type="submit">${esc(label)}</button></form>`;
}

function nodesSection(v: StatusView, opts: PageOptions): string {
  const rows = v.nodes.map((n) => {
    const button =
      n.state === "standby"
        ? form(opts, "unstandby", { node: n.name }, "Online")
        : form(opts, "standby", { node: n.name }, "Standby");
    return `<tr data-node="${esc(n.name)}"><td>${esc(n.name)}${n.dc ? '<span class="dc">(DC)</span>' : ""}</td>
<td><span class="badge ${esc(n.state)}" data-state="${esc(n.state)}">${esc(n.state)}</span></td>
<td>${n.running.map(esc).join(", ") || '<span class="meta">none</span>'}</td><td>${button}</td></tr>`;
  });
  return `<h2>Nodes</h2><table id="nodes"><tr><th>Node</th><th>State</th><th>Running</th><th></th></tr>
${rows.join("\n")}</table>`;
}

function resourcesSection(v: StatusView, opts: PageOptions): string {
  const nodeOptions = v.nodes.map((n) => `<option value="${esc(n.name)}">${esc(n.name)}</option>`).join("");
  const rows = v.resources.map((r) => {
    const cls = r.failed ? "failed" : r.nodes.length === 0 ? "stopped" : "";
    const flags = [r.failed ? "FAILED" : "", r.managed ? "" : "unmanaged", r.moved ? "moved" : ""].filter(
      Boolean,
    );
    const select = `<select name="node" aria-label="target node for ${esc(r.id)}">${nodeOptions}</select>`;
    const actions = [
      form(opts, "move", { resource: r.id }, "Move", select),
      r.moved ? form(opts, "clear", { resource: r.id }, "Clear move") : "",
      form(opts, "cleanup", { resource: r.id }, "Cleanup"),
    ].join("");
    return `<tr data-resource="${esc(r.id)}" class="${cls}"><td>${esc(r.id)}${r.parent ? ` <span class="meta">(${esc(r.parent)})</span>` : ""}</td>
<td>${esc(r.agent)}</td><td data-role="${esc(r.role)}">${esc(r.role)}</td><td data-where="${esc(r.nodes.join(" "))}">${r.nodes.map(esc).join(", ")}</td>
<td>${flags.map(esc).join(", ")}</td><td>${actions}</td></tr>`;
  });
  return `<h2>Resources</h2><table id="resources"><tr><th>Resource</th><th>Agent</th><th>Role</th><th>Where</th><th>Flags</th><th></th></tr>
${rows.join("\n")}</table>`;
}

function placementSection(v: StatusView): string {
  const head = v.nodes.map((n) => `<th>${esc(n.name)}</th>`).join("");
  const rows = v.placement.map((p) => {
    const cells = v.nodes.map((n) => {
      const c = p.cells.get(n.name);
      if (!c) return "<td></td>";
      const left = c.failuresLeft === undefined ? "no threshold" : `${c.failuresLeft} before it moves`;
      return `<td data-node="${esc(n.name)}">${esc(c.score)}<br><span class="meta">fail-count ${esc(c.failCount)}, ${esc(left)}</span></td>`;
    });
    return `<tr data-resource="${esc(p.resource)}"><td>${esc(p.resource)}</td>${cells.join("")}</tr>`;
  });
  const hints = v.moveHints.map((h) => `<li>${esc(h)}</li>`).join("");
  return `<h2>Allocation scores and failures before it moves</h2>
<p class="meta">Score the policy engine gives each resource on each node; "before it moves" is migration-threshold minus the fail-count there.</p>
<table id="placement"><tr><th>Resource</th>${head}</tr>
${rows.join("\n")}</table>${hints ? `<ul id="move-hints">${hints}</ul>` : ""}`;
}

function failuresSection(v: StatusView): string {
  if (v.failures.length === 0) return `<h2>Failed actions</h2><p id="failures" class="meta">None.</p>`;
  const rows = v.failures.map(
    (f) =>
      `<tr><td>${esc(f.resource)}</td><td>${esc(f.operation ?? "")}</td><td>${esc(f.node)}</td><td>${esc(f.count)}</td><td>${f.lastFailure ? esc(f.lastFailure.toISOString()) : ""}</td></tr>`,
  );
  return `<h2>Failed actions</h2><table id="failures"><tr><th>Resource</th><th>Operation</th><th>Node</th><th>Fail-count</th><th>Last failure</th></tr>
${rows.join("\n")}</table>`;
}

export function renderPage(v: StatusView, opts: PageOptions): string {
  const notice = opts.notice
    ? `<div id="notice" class="notice ${opts.notice.ok ? "ok" : "err"}">${esc(opts.notice.text)}</div>`
    : "";
  const who =
    opts.csrf === undefined
      ? "read-only: actions need <code>http_auth</code> in ha.cf"
      : `signed in as ${esc(opts.user ?? "")}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${esc(opts.refreshSeconds)}">
<title>hbx: ${esc(v.dc ?? "no DC")}</title><style>${STYLE}</style></head><body>
<h1>hbx cluster status</h1>
<div class="meta">DC ${esc(v.dc ?? "none")} · ${v.quorum ? "quorate" : "no quorum"} · CIB ${esc(v.version)} · served by ${esc(v.servedBy)} · ${who} · refreshes every ${esc(opts.refreshSeconds)} s</div>
${notice}
${nodesSection(v, opts)}
${resourcesSection(v, opts)}
${placementSection(v)}
${failuresSection(v)}
</body></html>
`;
}
