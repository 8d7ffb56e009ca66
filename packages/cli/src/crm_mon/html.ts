import { type ClusterNode, type WorkingSet } from "@hbx/pengine";
import { type MonOptions } from "./options.js";
import { textReport } from "./text.js";

/**
 * crm_mon's HTML page, in the shape of Pacemaker's `--output-as html`: the same sections as the
 * text report (so -r, -f, -o, -I/-U change both alike), headers as <h2>, bulleted lines as nested
 * lists, each node on its own line with its state coloured. Other code (a status page served by
 * hbxd) builds on `statusHtml` and `htmlPage`.
 */

/** Text made safe for an HTML element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The classes Pacemaker's HTML output colours states with. */
export const STATUS_STYLE = `.bold { font-weight: bold }
.online { color: green }
.offline { color: red }
.maint { color: blue }
.standby { color: blue }
.health_red { color: red }
.health_yellow { color: GoldenRod }
.rsc-failed { color: red }
.rsc-failure-ignored { color: DarkGreen }
.rsc-managed { color: blue }
.rsc-multiple { color: orange }
.rsc-ok { color: green }
.warning { color: red; font-weight: bold }`;

/** A whole page around `body` (already HTML); `refreshSeconds` makes a browser reload it. */
export function htmlPage(title: string, body: string, refreshSeconds?: number): string {
  const refresh =
    refreshSeconds !== undefined ? `<meta http-equiv="refresh" content="${refreshSeconds}">\n` : "";
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>${escapeHtml(title)}</title>\n` +
    `<meta charset="utf-8">\n${refresh}<style>${STATUS_STYLE}</style>\n</head>\n<body>\n${body}</body>\n</html>\n`
  );
}

/** `crm_mon --output-as html`: the full page. */
export function htmlReport(ws: WorkingSet, opts: MonOptions, now: Date, refreshSeconds?: number): string {
  return htmlPage("Cluster Status", statusHtml(ws, opts, now), refreshSeconds);
}

interface Item {
  text: string;
  children: Item[];
}

/** Bulleted lines (`  * x`, deeper `    * y`) as a tree, by indentation. */
function bulletTree(lines: string[]): Item[] {
  const root: Item = { text: "", children: [] };
  const stack: Array<{ item: Item; depth: number }> = [{ item: root, depth: -1 }];
  for (const line of lines) {
    const depth = line.search(/\S/);
    while (stack[stack.length - 1].depth >= depth) stack.pop();
    const item = { text: line.trim().replace(/^\* /, ""), children: [] };
    stack[stack.length - 1].item.children.push(item);
    stack.push({ item, depth });
  }
  return root.children;
}

/** A resource line's colour: failed, managed-but-not-ok, or running as it should. */
function resourceClass(text: string): string | undefined {
  if (/\bFAILED\b/.test(text)) return "rsc-failed";
  if (/\(unmanaged\)|\(maintenance\)/.test(text)) return "rsc-managed";
  if (/\bStarted\b|\bPromoted\b|\bUnpromoted\b|\bMaster\b|\bSlave\b/.test(text)) return "rsc-ok";
  return undefined;
}

function list(items: Item[], leafClass: (text: string) => string | undefined): string {
  const li = items.map((it) => {
    if (it.children.length === 0) {
      const cls = leafClass(it.text);
      return `<li><span${cls ? ` class="${cls}"` : ""}>${escapeHtml(it.text)}</span></li>\n`;
    }
    const head = it.text.replace(/:$/, "");
    return `<li>\n<h3>${escapeHtml(head)}</h3>\n${list(it.children, leafClass)}</li>\n`;
  });
  return `<ul>\n${li.join("")}</ul>\n`;
}

/** `Key: value` summary items with the key in bold, as Pacemaker prints them. */
function summaryList(items: Item[]): string {
  const li = items.map((it) => {
    const m = /^([^:]+:) *(.*)$/.exec(it.text);
    return m
      ? `<li><span class="bold">${escapeHtml(m[1])} </span><span>${escapeHtml(m[2])}</span></li>\n`
      : `<li><span>${escapeHtml(it.text)}</span></li>\n`;
  });
  return `<ul>\n${li.join("")}</ul>\n`;
}

/**
 * One node's state as Pacemaker's page words it: online or OFFLINE, then what qualifies it
 * (standby, maintenance, pending), each with the class that colours it.
 */
export function nodeStateSpans(n: ClusterNode, ws: WorkingSet): Array<{ text: string; cls: string }> {
  const spans = [n.online ? { text: " online", cls: "online" } : { text: " OFFLINE", cls: "offline" }];
  const active = ws.resources.length > 0 && hasActiveResources(n, ws);
  const withActive = active ? ", with active resources" : "";
  if (n.standbyOnFail && n.online)
    spans.push({ text: ` (in standby due to on-fail${withActive})`, cls: "standby" });
  else if (n.standby && n.online) spans.push({ text: ` (in standby${withActive})`, cls: "standby" });
  else if (n.standby) spans.push({ text: " (in standby)", cls: "standby" });
  if (n.maintenance) spans.push({ text: " (in maintenance mode)", cls: "maint" });
  // Pacemaker 2.1.5's page says nothing of an unclean node (the text report does); kept alike.
  if (n.pending && !n.unclean) spans.push({ text: " (pending)", cls: "offline" });
  return spans;
}

function hasActiveResources(n: ClusterNode, ws: WorkingSet): boolean {
  for (const r of ws.resourceById.values())
    if (r.children.length === 0 && r.runningOn.includes(n)) return true;
  return false;
}

function nodeList(ws: WorkingSet): string {
  const li = ws.nodes.map((n) => {
    const spans = nodeStateSpans(n, ws)
      .map((s) => `<span class="${s.cls}">${escapeHtml(s.text)}</span>`)
      .join("");
    return `<li><span class="bold">${escapeHtml(n.name)}:</span>${spans}</li>\n`;
  });
  return `<ul>\n${li.join("")}</ul>\n`;
}

/** The report's sections as HTML (no page around them), for crm_mon and for other pages. */
export function statusHtml(ws: WorkingSet, opts: MonOptions, now: Date): string {
  const lines = textReport(ws, opts, now);
  // Sections are separated by blank lines and start with an unindented "Title:".
  const blocks: string[][] = [[]];
  for (const l of lines) {
    if (l === "") blocks.push([]);
    else blocks[blocks.length - 1].push(l);
  }
  let out = "";
  for (const block of blocks.filter((b) => b.length > 0)) {
    const titled = /^\S.*:$/.test(block[0]);
    if (!titled) {
      // The maintenance-mode warning: free text, not a list.
      out += block.map((l) => `<p class="warning">${escapeHtml(l.trim())}</p>\n`).join("");
      continue;
    }
    const title = block[0].slice(0, -1);
    const items = bulletTree(block.slice(1));
    out += `<h2>${escapeHtml(title)}</h2>\n`;
    if (title === "Cluster Summary") out += summaryList(items);
    // Grouped by node (-n), the node list carries each node's resources: keep it a tree.
    else if (title === "Node List" && !opts.groupByNode) out += nodeList(ws);
    else if (/Resources$|^Node List$/.test(title)) out += list(items, resourceClass);
    else out += list(items, () => undefined);
  }
  return out;
}
