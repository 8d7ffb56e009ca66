/**
 * crm_simulate's operation specification, `${resource}_${task}_${interval_in_ms}@${node}=${rc}`
 * (e.g. mysql_monitor_10000@mysql1=7), as -i/--op-inject and -F/--op-fail take it.
 */
export interface OpSpec {
  readonly text: string;
  readonly rscId: string;
  readonly task: string;
  readonly intervalMs: number;
  readonly node: string;
  readonly rc: number;
}

export class OpSpecError extends Error {
  constructor(
    readonly spec: string,
    readonly reason: string,
  ) {
    super(
      `invalid operation spec '${spec}': ${reason} (expected \${resource}_\${task}_\${interval_in_ms}@\${node}=\${rc}, e.g. mysql_monitor_10000@mysql1=7)`,
    );
    this.name = "OpSpecError";
  }
}

/** Tasks whose name holds an underscore; the key is split after them, not at their underscore. */
const MULTI_WORD_TASKS = ["migrate_to", "migrate_from"];

/** Split an operation key `rsc_task_interval` from the right, as Pacemaker's parse_op_key does. */
export function parseOperationKey(
  key: string,
): { rscId: string; task: string; intervalMs: number } | undefined {
  const m = /^(.+)_(\d+)$/.exec(key);
  if (!m) return undefined;
  const head = m[1];
  const intervalMs = Number(m[2]);
  for (const task of MULTI_WORD_TASKS) {
    if (head.endsWith(`_${task}`) && head.length > task.length + 1)
      return { rscId: head.slice(0, -task.length - 1), task, intervalMs };
  }
  const cut = head.lastIndexOf("_");
  if (cut <= 0 || cut === head.length - 1) return undefined;
  return { rscId: head.slice(0, cut), task: head.slice(cut + 1), intervalMs };
}

export function parseOpSpec(text: string): OpSpec {
  const at = text.lastIndexOf("@");
  if (at < 0) throw new OpSpecError(text, "no '@node'");
  const eq = text.indexOf("=", at);
  if (eq < 0) throw new OpSpecError(text, "no '=rc'");
  const node = text.slice(at + 1, eq);
  const rcText = text.slice(eq + 1);
  if (node === "") throw new OpSpecError(text, "empty node name");
  if (!/^\d+$/.test(rcText)) throw new OpSpecError(text, `rc '${rcText}' is not a number`);
  const key = parseOperationKey(text.slice(0, at));
  if (!key) throw new OpSpecError(text, `'${text.slice(0, at)}' is not resource_task_interval`);
  return { text, ...key, node, rc: Number(rcText) };
}
