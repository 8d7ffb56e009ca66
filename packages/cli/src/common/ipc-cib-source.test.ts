import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyPatchChanges,
  childElements,
  cloneElement,
  element,
  firstChild,
  makePatch,
  parseXml,
  patchChanges,
  readVersion,
  sameElement,
  serializeXml,
} from "@hbx/cib";
import { IpcServer } from "@hbx/crmd";
import { IpcCibSource } from "./ipc-cib-source.js";

/** A status section of `n` transient attributes, as a running cluster's grows. */
function cibWithStatus(n: number, statusLast = true): string {
  const attrs = Array.from({ length: n }, (_, i) => `<nvpair id="a-${i}" name="a-${i}" value="${i}"/>`).join(
    "",
  );
  const status = `<status><node_state id="alpha" uname="alpha"><transient_attributes id="alpha"><instance_attributes id="status-alpha">${attrs}</instance_attributes></transient_attributes></node_state></status>`;
  const configuration =
    '<configuration><crm_config><cluster_property_set id="opts"><nvpair id="opts-a" name="a" value="1"/></cluster_property_set></crm_config><nodes/><resources/><constraints/></configuration>';
  return `<cib admin_epoch="0" epoch="3" num_updates="9">${statusLast ? configuration + status : status + configuration}</cib>`;
}

const silent = {
  child: () => silent,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
} as unknown as ConstructorParameters<typeof IpcServer>[2];

let server: IpcServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A socket that answers cib.query with `xml` and keeps the patches it is sent. */
async function serve(xml: string): Promise<{ socket: string; patches: string[] }> {
  const socket = join(mkdtempSync(join(tmpdir(), "hbx-ipc-source-")), "hbxd.sock");
  const patches: string[] = [];
  server = new IpcServer(
    socket,
    {
      "cib.query": () => ({ xml, version: "0.3.9", dc: "alpha", node: "alpha" }),
      "cib.patch": (args) => {
        patches.push(String(args.patch));
        return { version: "0.4.0" };
      },
    },
    silent,
  );
  await server.listen();
  return { socket, patches };
}

/** What a tool does for `crm_attribute -n b -v 2`: one nvpair more in crm_config. */
function withOption(doc: ReturnType<typeof parseXml>) {
  const next = cloneElement(doc);
  const set = childElements(firstChild(firstChild(next, "configuration")!, "crm_config")!)[0];
  set.children.push(element("nvpair", { id: "opts-b", name: "b", value: "2" }));
  return next;
}

describe("IpcCibSource", () => {
  it.each([
    ["last", true],
    ["first", false],
  ])(
    "sends a configuration change as a patch that rebuilds the tool's CIB on the DC's, the status %s",
    async (_where, statusLast) => {
      const xml = cibWithStatus(2000, statusLast);
      const { socket, patches } = await serve(xml);
      const source = new IpcCibSource(socket);
      const read = await source.read();
      const next = withOption(read);
      await source.write(next, readVersion(read));
      expect(patches).toHaveLength(1);
      const patch = parseXml(patches[0], "patch");
      // Made without walking the status the tool left alone, and the same patch as diffing it all.
      expect(patches[0]).toBe(serializeXml(makePatch(read, next), { pretty: false }));
      const applied = applyPatchChanges(parseXml(xml, "dc"), patchChanges(patch));
      expect(sameElement(firstChild(applied, "configuration"), firstChild(next, "configuration"))).toBe(true);
      expect(serializeXml(firstChild(applied, "status")!)).toBe(serializeXml(firstChild(read, "status")!));
    },
  );
});

describe("sameElement", () => {
  it("finds two trees the same exactly when their serializations are", () => {
    const a = parseXml(cibWithStatus(3), "a");
    expect(sameElement(a, cloneElement(a))).toBe(true);
    expect(sameElement(undefined, undefined)).toBe(true);
    expect(sameElement(a, undefined)).toBe(false);
    const value = cloneElement(a);
    firstChild(firstChild(value, "status")!, "node_state")!.attrs.uname = "bravo";
    expect(sameElement(a, value)).toBe(false);
    const order = parseXml('<x b="2" a="1"/>', "x");
    expect(sameElement(parseXml('<x a="1" b="2"/>', "x"), order)).toBe(false);
    const text = parseXml("<x><!--c--></x>", "x");
    expect(sameElement(text, parseXml("<x><!--d--></x>", "x"))).toBe(false);
    expect(sameElement(text, parseXml("<x><!--c--></x>", "x"))).toBe(true);
  });
});
