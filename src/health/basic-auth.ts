// Basic authentication for health serve, as the Prometheus exporter-toolkit does it:
// - the password is checked against the user's bcrypt hash (bcryptjs, loaded only here, only
//   when the web config has users); bcrypt's own comparison of the digests is constant-time;
// - an unknown user is checked against a fixed dummy hash all the same, so the answer takes as
//   long as for a known one and does not tell which user names exist;
// - a verified (user, hash, password) is cached, the outcome both ways, so a Prometheus scraping
//   every few seconds does not pay bcrypt's cost on each scrape; the cache key is a SHA-256 of the
//   three (the password is not kept), and it holds at most CACHE_SIZE entries, oldest out first;
// - bcrypt runs one at a time, so a flood of wrong passwords costs one core at most.
import { createHash } from "node:crypto";
import { createLimiter } from "./limit.js";

export const CACHE_SIZE = 100;
/** bcrypt("rxportal dummy password", cost 10): what an unknown user's password is checked against. */
const DUMMY_HASH = "$2b$10$MuWtcpkq48WRAYjXnwigw.HwIZczgD9hEv9Wv2qipSgGzdkTw4BFi";

export type Verify = (authorization: string | undefined) => Promise<{ ok: boolean; user?: string }>;

type Compare = (password: string, hash: string) => Promise<boolean>;

export async function loadCompare(): Promise<Compare> {
  const { compare } = await import("bcryptjs");
  return (password, hash) => compare(password, hash);
}

/** `Basic base64(user:password)` → the two; undefined when the header is not that. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuthVerifier(users: () => ReadonlyMap<string, string>, compare: Compare): Verify {
  const cache = new Map<string, boolean>();
  const one = createLimiter(1);
  return async (header) => {
    const given = parseBasic(header);
    if (!given) return { ok: false };
    const known = users().get(given.user);
    const hash = known ?? DUMMY_HASH;
    const key = createHash("sha256")
      .update(given.user)
      .update("\0")
      .update(hash)
      .update("\0")
      .update(given.password)
      .digest("hex");
    let ok = cache.get(key);
    if (ok === undefined) {
      ok = await one.run(() => compare(given.password, hash).catch(() => false));
      cache.set(key, ok);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    return known !== undefined && ok ? { ok: true, user: given.user } : { ok: false };
  };
}
