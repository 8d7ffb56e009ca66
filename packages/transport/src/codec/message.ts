/** Heartbeat's field types (cl_msg_types.c): the digit in `(T)` before each field name. */
export enum FieldType {
  String = 0,
  Binary = 1,
  Struct = 2,
  List = 3,
  Compressed = 4,
  Uncompressed = 5,
}

export type FieldValue =
  | { type: FieldType.String; value: string }
  | { type: FieldType.Binary; value: Buffer }
  | { type: FieldType.Struct; value: HbMessage }
  | { type: FieldType.List; value: string[] }
  // Compressed payloads are kept as the raw bytes they arrived as; the bus decides how to inflate.
  | { type: FieldType.Compressed | FieldType.Uncompressed; value: Buffer };

export type HbField = FieldValue & { name: string };

/**
 * One Heartbeat message (struct ha_msg): an ordered list of named, typed fields. Order matters
 * because the auth token is computed over the encoded text, so it is kept exactly as received.
 */
export class HbMessage {
  readonly fields: HbField[] = [];

  constructor(init?: Record<string, string>) {
    if (init) for (const [k, v] of Object.entries(init)) this.set(k, v);
  }

  /** The string value of a field, or undefined when absent or not a string. */
  get(name: string): string | undefined {
    const f = this.field(name);
    return f?.type === FieldType.String ? f.value : undefined;
  }

  getBinary(name: string): Buffer | undefined {
    const f = this.field(name);
    return f?.type === FieldType.Binary ? f.value : undefined;
  }

  getStruct(name: string): HbMessage | undefined {
    const f = this.field(name);
    return f?.type === FieldType.Struct ? f.value : undefined;
  }

  field(name: string): HbField | undefined {
    return this.fields.find((f) => f.name === name);
  }

  has(name: string): boolean {
    return this.field(name) !== undefined;
  }

  /** Replace a field in place (keeping its position), or append it, as ha_msg_mod does. */
  setField(field: HbField): this {
    const i = this.fields.findIndex((f) => f.name === field.name);
    if (i >= 0) this.fields[i] = field;
    else this.fields.push(field);
    return this;
  }

  set(name: string, value: string): this {
    return this.setField({ name, type: FieldType.String, value });
  }

  setBinary(name: string, value: Buffer): this {
    return this.setField({ name, type: FieldType.Binary, value });
  }

  setStruct(name: string, value: HbMessage): this {
    return this.setField({ name, type: FieldType.Struct, value });
  }

  setList(name: string, value: string[]): this {
    return this.setField({ name, type: FieldType.List, value });
  }

  delete(name: string): this {
    const i = this.fields.findIndex((f) => f.name === name);
    if (i >= 0) this.fields.splice(i, 1);
    return this;
  }

  /** A copy without the given fields (used to compute auth over everything but `auth`). */
  without(...names: string[]): HbMessage {
    const m = new HbMessage();
    for (const f of this.fields) if (!names.includes(f.name)) m.fields.push(f);
    return m;
  }

  /** String fields as a plain object, for logs and tests. */
  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    for (const f of this.fields) {
      if (f.type === FieldType.String) o[f.name] = f.value;
      else if (f.type === FieldType.Binary) o[f.name] = `(binary ${f.value.length} bytes)`;
    }
    return o;
  }
}

/** Well-known field names (ha_msg.h F_*). */
export const F = {
  type: "t",
  orig: "src",
  origUuid: "srcuuid",
  to: "dest",
  toUuid: "destuuid",
  seq: "seq",
  generation: "hg",
  time: "ts",
  load: "ld",
  ttl: "ttl",
  auth: "auth",
  status: "st",
  deadtime: "dt",
  protocol: "protocol",
} as const;
