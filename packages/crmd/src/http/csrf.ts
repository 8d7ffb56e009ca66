/**
 * Cross-site request forgery: a browser sends Basic credentials with any request to the page's
 * origin, whatever site made it, so the credentials alone do not show that the administrator
 * pressed the button. Every form carries a token only the page itself shows (another site cannot
 * read our responses), and a request whose Origin is another site is refused even with a token.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export class CsrfTokens {
  /** A fresh secret per daemon start: a restart invalidates every token handed out. */
  constructor(private readonly secret: Buffer = randomBytes(32)) {}

  /** The token for this user's forms: HMAC(secret, user), so one user's token is not another's. */
  token(user: string): string {
    return createHmac("sha256", this.secret).update(`hbx-status-page\0${user}`).digest("base64url");
  }

  valid(user: string, token: unknown): boolean {
    if (typeof token !== "string") return false;
    const want = Buffer.from(this.token(user));
    const got = Buffer.from(token);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

/**
 * Whether a POST came from a page of this origin. Browsers send Origin on form POSTs (and
 * Sec-Fetch-Site); a client that sends neither (curl) is not a browser a third-party site drives.
 */
export function fromSameOrigin(headers: IncomingHttpHeaders): boolean {
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  return origin === `http://${headers.host ?? ""}`;
}
