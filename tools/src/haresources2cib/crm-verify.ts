import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Pacemaker's own validator, the oracle for generated CIBs; always by absolute path. */
export const CRM_VERIFY = "/usr/sbin/crm_verify";

export function crmVerifyAvailable(): boolean {
  return existsSync(CRM_VERIFY);
}

/** Run `crm_verify -x FILE` on the XML text and return its exit status and output. */
export function crmVerify(xml: string): { status: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "crm-verify-"));
  try {
    const file = join(dir, "cib.xml");
    writeFileSync(file, xml);
    const r = spawnSync(CRM_VERIFY, ["-V", "-x", file], { encoding: "utf8", timeout: 60000 });
    return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
