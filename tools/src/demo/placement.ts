import { childElements, firstChild, parseXml, type XmlElement } from "@hbx/cib";
import { memoryIo, runCrmMon } from "@hbx/cli";

/**
 * The one node every member of `group` is Started on, and not failed, by crm_mon's XML
 * (`--output-as xml`); undefined while any member is stopped, failed, or the members are split.
 */
export function groupRunsOn(crmMonXml: string, group: string): string | undefined {
  const root = parseXml(crmMonXml, "crm_mon --output-as xml");
  const resources = firstChild(root, "resources");
  const g = resources ? childElements(resources, "group").find((e) => e.attrs.id === group) : undefined;
  const members = g ? childElements(g, "resource") : [];
  if (members.length === 0) return undefined;
  const nodes = new Set<string>();
  for (const m of members) {
    if (m.attrs.role !== "Started" || m.attrs.failed === "true") return undefined;
    const on = childElements(m, "node").map((n: XmlElement) => n.attrs.name ?? "");
    if (on.length !== 1) return undefined;
    nodes.add(on[0]!);
  }
  return nodes.size === 1 ? [...nodes][0] : undefined;
}

/**
 * Where the group runs as the node behind `socket` sees it: crm_mon run in-process, so polling
 * every 100 ms costs no process start and the takeover time is not inflated by one.
 */
export async function groupRunsOnLive(socket: string, group: string): Promise<string | undefined> {
  const io = memoryIo({ PATH: process.env.PATH });
  const code = await runCrmMon(["-1", "--output-as", "xml", "--socket", socket], io);
  return code === 0 ? groupRunsOn(io.out, group) : undefined;
}
