import { describe, expect, it } from "vitest";
import { renderPage } from "./html.js";
import type { StatusView } from "./view.js";

const HOSTILE = `<script>alert("x")</script>&'`;

function view(name: string): StatusView {
  return {
    version: "0.3.7",
    servedBy: name,
    dc: name,
    quorum: true,
    nodes: [{ name, state: "online", dc: true, running: [name] }],
    resources: [
      {
        id: name,
        parent: name,
        agent: name,
        role: "Started",
        nodes: [name],
        failed: true,
        managed: true,
        moved: true,
      },
    ],
    placement: [
      { resource: name, cells: new Map([[name, { score: "INFINITY", failCount: 2, failuresLeft: 1 }]]) },
    ],
    failures: [{ resource: name, node: name, operation: name, count: name, lastFailure: new Date(0) }],
    moveHints: [name],
  };
}

describe("the status page's HTML", () => {
  it("escapes every value that comes from the CIB, in text and in attributes", () => {
    const html = renderPage(view(HOSTILE), {
      refreshSeconds: 5,
      csrf: `t"><b>`,
      user: HOSTILE,
      notice: { ok: false, text: HOSTILE },
    });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain(`"x"`);
    expect(html).not.toContain(`t"><b>`);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'");
    // Every attribute value is double-quoted, so an unescaped ' cannot end one.
    expect(html).not.toMatch(/=\s*'/);
  });

  it("offers actions only with a login, and then carries the form token in each", () => {
    const readOnly = renderPage(view("alpha"), { refreshSeconds: 5 });
    expect(readOnly).not.toContain("<form");
    expect(readOnly).toContain("read-only");
    const html = renderPage(view("alpha"), { refreshSeconds: 5, csrf: "TOKEN", user: "root" });
    const forms = html.match(/<form /g) ?? [];
    expect(forms.length).toBe(4); // standby, move, clear, cleanup
    expect(html.match(/name="csrf" value="TOKEN"/g)?.length).toBe(forms.length);
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).not.toContain("<script");
  });
});
