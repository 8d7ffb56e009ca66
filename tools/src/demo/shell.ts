import { execSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";

/** Where hbx's own tools are (they share names with Pacemaker's, which are called by path). */
export const BIN = join(repoRoot, "node_modules/.bin");

export interface Shell {
  /** The temp dir, shown as $DEMO in printed commands. */
  readonly demoDir: string;
  env: Record<string, string | undefined>;
  out(text: string): void;
}

/** Print `$ command` and run it in sh with $DEMO set: what is printed is exactly what ran. */
export function run(sh: Shell, command: string, extraEnv: Record<string, string> = {}): string {
  const shown = Object.entries(extraEnv)
    .map(([k, v]) => `${k}=${v} `)
    .join("");
  sh.out(`$ ${shown}${command}`);
  let text: string;
  try {
    text = execSync(command, {
      shell: "/bin/sh",
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...sh.env,
        DEMO: sh.demoDir,
        PATH: `${BIN}:${sh.env.PATH ?? ""}`,
        ...Object.fromEntries(
          Object.entries(extraEnv).map(([k, v]) => [k, v.replaceAll("$DEMO", sh.demoDir)]),
        ),
      },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number };
    text = `${err.stdout ?? ""}${err.stderr ?? ""}[exit ${err.status ?? "?"}]\n`;
  }
  const trimmed = text.replace(/\n+$/, "").replaceAll(sh.demoDir, "$DEMO");
  if (trimmed) sh.out(trimmed);
  return text;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(
  what: string,
  pred: () => boolean | Promise<boolean>,
  timeoutMs: number,
  stepMs = 50,
): Promise<number> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
  return Date.now() - t0;
}
