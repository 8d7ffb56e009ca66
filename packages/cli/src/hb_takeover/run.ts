import type { CliIo } from "../common/io.js";
import { askResources } from "../hb_standby/ask-resources.js";

/** hb_takeover [all|foreign|local|failback]: this node asks its peers for the groups. */
export function run(argv: string[], io: CliIo): Promise<number> {
  return askResources("hb_takeover", argv, io);
}
