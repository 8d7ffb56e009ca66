import { FieldType, HbMessage, type HbField } from "../codec/index.js";
import type { HaCf, Authkeys } from "../config/index.js";
import type { WireFormat } from "../codec/index.js";
import type { LinkName, LinkStatus, NodeName, NodeStatus } from "../liveness/types.js";
import type { LinkFaultSettings, NodeSnapshot, SendStats } from "./transport.js";

/**
 * What crosses between hbxd's main thread and the heartbeat thread: plain structured-clone
 * data only (no class instances, no functions), so either side can be changed alone.
 */

/** One HbMessage field as structured clone carries it: bytes as Uint8Array, structs nested. */
export type PlainField =
  | { name: string; type: FieldType.String; value: string }
  | { name: string; type: FieldType.List; value: string[] }
  | { name: string; type: FieldType.Struct; value: PlainField[] }
  | {
      name: string;
      type: FieldType.Binary | FieldType.Compressed | FieldType.Uncompressed;
      value: Uint8Array;
    };

export function toPlain(msg: HbMessage): PlainField[] {
  return msg.fields.map((f): PlainField => {
    if (f.type === FieldType.Struct) return { name: f.name, type: f.type, value: toPlain(f.value) };
    return f as PlainField;
  });
}

export function fromPlain(fields: PlainField[]): HbMessage {
  const m = new HbMessage();
  for (const f of fields) m.fields.push(fieldFromPlain(f));
  return m;
}

function fieldFromPlain(f: PlainField): HbField {
  switch (f.type) {
    case FieldType.Struct:
      return { name: f.name, type: f.type, value: fromPlain(f.value) };
    case FieldType.Binary:
    case FieldType.Compressed:
    case FieldType.Uncompressed:
      // Structured clone turns a Buffer into a plain Uint8Array over the same kind of memory.
      return {
        name: f.name,
        type: f.type,
        value: Buffer.from(f.value.buffer, f.value.byteOffset, f.value.byteLength),
      };
    default:
      return f;
  }
}

/** The worker's start-up data. */
export interface WorkerInit {
  hacf: HaCf;
  authkeys: Authkeys;
  nodeName: NodeName;
  stateDir: string;
  bindAddress?: string;
  format?: WireFormat;
  generation: number;
  /** The parent logger's level and bindings, so the worker's records look like its children's. */
  logLevel: string;
  logBindings: Record<string, unknown>;
}

export type ToWorker =
  | { op: "start" }
  | { op: "stop" }
  | { op: "send"; fields: PlainField[]; to?: NodeName }
  | { op: "authkeys"; authkeys: Authkeys }
  | { op: "link-faults"; link: LinkName; faults: LinkFaultSettings }
  | { op: "send-stats"; id: number; reset: boolean };

export type FromWorker =
  | { ev: "started"; snapshot: NodeSnapshot[]; links: LinkName[] }
  | { ev: "stopped" }
  | { ev: "failed"; message: string }
  /** A finished pino JSON line, for the parent logger's own destination. */
  | { ev: "log"; line: string }
  | { ev: "node-status"; node: NodeName; status: NodeStatus; previous: NodeStatus; snapshot: NodeSnapshot[] }
  | {
      ev: "link-status";
      node: NodeName;
      link: LinkName;
      status: LinkStatus;
      previous: LinkStatus;
      snapshot: NodeSnapshot[];
    }
  | { ev: "node-restarted"; node: NodeName; generation: number; snapshot: NodeSnapshot[] }
  | { ev: "message"; fields: PlainField[]; from: NodeName; link: LinkName }
  | { ev: "send-stats"; id: number; stats: SendStats };
