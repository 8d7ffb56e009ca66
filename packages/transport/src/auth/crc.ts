/**
 * Heartbeat's `crc` auth: CRC-32 with polynomial 0x04C11DB7, MSB first, initial value 0, the
 * result inverted, no length appended (HBauth/crc.c). It is not zlib's reflected CRC-32.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function heartbeatCrc(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xff]) >>> 0;
  return ~crc >>> 0;
}
