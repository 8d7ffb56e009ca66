import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { it } from "vitest";
import { memoryIo, runCrmMon } from "@hbx/cli";

it("dump", async () => {
  const dir = "/work/shared/pacemaker-scheduler/xml";
  mkdirSync("/tmp/hbx", { recursive: true });
  const args = (process.env.MONARGS ?? "-1 -rfA").split(" ");
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".xml"))) {
    const io = memoryIo({ CIB_file: `${dir}/${f}` });
    let code: number;
    try {
      code = await runCrmMon(args, io);
    } catch (e) {
      io.err += String((e as Error).stack);
      code = 999;
    }
    const b = f.replace(/\.xml$/, "");
    writeFileSync(`/tmp/hbx/${b}.out`, io.out);
    writeFileSync(`/tmp/hbx/${b}.err`, io.err);
    writeFileSync(`/tmp/hbx/${b}.rc`, `${code}\n`);
  }
}, 300000);
