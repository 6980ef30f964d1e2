// Does a domain receive mail? The doctor asks before telling a member to wait for a reset email:
// a domain without MX records (or with none at all) will never deliver it.
import { Resolver } from "node:dns/promises";

export type MxResult = { ok: true; exchanges: string[] } | { ok: false; code: string; message: string };

const MESSAGES: Record<string, (domain: string) => string> = {
  ENOTFOUND: (d) => `The domain ${d} does not exist, so no email can reach it; check the spelling.`,
  ENODATA: (d) => `The domain ${d} has no mail servers (MX records), so email to it is not delivered.`,
  ETIMEOUT: (d) => `DNS did not answer in time for ${d}; the network or its DNS server may be down.`,
  ECONNREFUSED: (d) => `The DNS server refused to answer for ${d}; check the network's DNS settings.`,
  ABORTED: () => "The check was stopped before it finished.",
};

function describe(code: string, domain: string): string {
  return MESSAGES[code]?.(domain) ?? `The mail servers of ${domain} could not be looked up (${code}).`;
}

/** The domain's mail servers, best (lowest preference) first. Never rejects. */
export async function lookupMx(
  domain: string,
  opts: {
    timeoutMs: number;
    signal?: AbortSignal;
    /** DNS servers to ask ("127.0.0.1:5353"); default: the system's. For tests. */
    servers?: string[];
  },
): Promise<MxResult> {
  // One try per server within the budget; Resolver's own timeout is per try.
  const resolver = new Resolver({ timeout: Math.max(1, opts.timeoutMs), tries: 1 });
  if (opts.servers) resolver.setServers(opts.servers);
  const fail = (code: string): MxResult => ({ ok: false, code, message: describe(code, domain) });
  if (opts.signal?.aborted) return fail("ABORTED");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => resolver.cancel();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const records = await Promise.race([
      resolver.resolveMx(domain),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          resolver.cancel();
          reject(Object.assign(new Error("timed out"), { code: "ETIMEOUT" }));
        }, opts.timeoutMs);
      }),
    ]);
    // RFC 7505 "null MX" (a single "." exchange) says the domain takes no mail.
    const exchanges = records
      .filter((r) => r.exchange !== "" && r.exchange !== ".")
      .sort((a, b) => a.priority - b.priority)
      .map((r) => r.exchange);
    if (exchanges.length === 0) return fail("ENODATA");
    return { ok: true, exchanges };
  } catch (error) {
    if (opts.signal?.aborted) return fail("ABORTED");
    const code = (error as { code?: unknown }).code;
    // c-ares reports NXDOMAIN as ENOTFOUND and "no MX records" as ENODATA.
    return fail(typeof code === "string" ? (code === "ECANCELLED" ? "ABORTED" : code) : "EUNKNOWN");
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
