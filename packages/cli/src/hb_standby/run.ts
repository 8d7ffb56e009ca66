import type { CliIo } from "../common/io.js";
import { askResources } from "./ask-resources.js";

/** hb_standby [all|foreign|local|failback]: this node gives the groups up to its peers. */
export function run(argv: string[], io: CliIo): Promise<number> {
  return askResources("hb_standby", argv, io);
}
