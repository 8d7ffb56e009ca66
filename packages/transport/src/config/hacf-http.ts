import { isIP } from "node:net";
import { found } from "./errors.js";

/** Where hbxd serves its status page (ha.cf `http`), and whether the address was written out. */
export interface HttpListen {
  address: string;
  port: number;
  /** False for `http PORT`: hbxd chose 127.0.0.1 itself. */
  addressWritten: boolean;
  line: number;
}

/** The credential file the status page checks HTTP Basic logins against (ha.cf `http_auth`). */
export interface HttpAuthFile {
  file: string;
  line: number;
}

const USAGE = "PORT, ADDRESS:PORT or [IPv6]:PORT with a literal IP address";

/** Loopback addresses: reachable from this machine only. */
export function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith("127.");
  return address === "::1" || address.toLowerCase() === "::ffff:127.0.0.1";
}

/**
 * `http 8080`, `http 127.0.0.2:8080`, `http [::1]:8080`. Only a literal IP address is taken: a
 * host name may resolve to a public address tomorrow, and the page must never be exposed by a
 * resolver's answer rather than by what the administrator wrote. Returns the reason otherwise.
 */
export function parseHttpListen(text: string, line: number): HttpListen | string {
  const bad = `expected ${USAGE}, found ${found(text)}`;
  let address = "127.0.0.1";
  let portText = text;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(text);
  if (v6) [address, portText] = [v6[1], v6[2]];
  else if (text.includes(":")) {
    const at = text.lastIndexOf(":");
    [address, portText] = [text.slice(0, at), text.slice(at + 1)];
    if (address.includes(":")) return `${bad} (an IPv6 address goes in brackets)`;
  }
  const written = v6 !== null || text.includes(":");
  if (written && isIP(address) === 0) return `${bad} (${found(address)} is not a literal IP address)`;
  if (written && v6 !== null && isIP(address) !== 6)
    return `${bad} (${found(address)} is not an IPv6 address)`;
  if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
    return `expected a port (1-65535) in ${USAGE}, found ${found(portText)}`;
  return { address, port: Number(portText), addressWritten: written, line };
}
