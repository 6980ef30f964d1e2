// Does a domain receive mail? The doctor asks before telling a member to wait for a reset email:
// a domain without MX records (or with none at all) will never deliver it.
import { Resolver } from "node:dns/promises";

export type MxResult = { ok: true; exchanges: string[] } | { ok: false; code: string; message: string };

const MESSAGES: Record<string, (domain: string) => string> = {
  ENOTFOUND: (d) => `The domain ${d} does not exist, so no email can reach it; check the spelling.`,
  ENODATA: (d) => `The domain ${d} has no mail servers (MX records), so email to it is not delivered.`,
  ETIMEOUT: (d) => `DNS did not answer in time for ${d}; the network or its DNS server may be down.`,
  ECONNREFUSED: (d) => `The DNS server refused to answer for ${d}; check the network's DNS settings.`,
  // The resolver denied the domain, but it also knows nothing of the internet's root: the fault is
  // the resolver's (offline, a captive portal, a broken forwarder), not the member's domain.
  ERESOLVER: (d) =>
    `This computer's DNS server does not answer even for the internet's root, so whether ${d} takes email is unknown; the network may be offline or its DNS settings broken.`,
  EBADSERVERS: () =>
    "The DNS servers given in RXPORTAL_DNS_SERVERS are not IP addresses (ip or ip:port, comma-separated).",
  ABORTED: () => "The check was stopped before it finished.",
};

function describe(code: string, domain: string): string {
  return MESSAGES[code]?.(domain) ?? `The mail servers of ${domain} could not be looked up (${code}).`;
}

/** DNS servers from RXPORTAL_DNS_SERVERS ("10.0.0.53, 127.0.0.1:5353"); undefined: the system's. */
export function dnsServersFromEnv(env: Record<string, string | undefined>): string[] | undefined {
  const servers = (env.RXPORTAL_DNS_SERVERS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return servers.length > 0 ? servers : undefined;
}

class Deadline extends Error {
  readonly code = "ETIMEOUT";
}

/** The domain's mail servers, best (lowest preference) first. Never rejects. */
export async function lookupMx(
  domain: string,
  opts: {
    timeoutMs: number;
    signal?: AbortSignal;
    /** DNS servers to ask ("127.0.0.1:5353"); default: the system's. */
    servers?: string[];
  },
): Promise<MxResult> {
  // One try per server within the budget; Resolver's own timeout is per try.
  const resolver = new Resolver({ timeout: Math.max(1, opts.timeoutMs), tries: 1 });
  const fail = (code: string): MxResult => ({ ok: false, code, message: describe(code, domain) });
  if (opts.servers) {
    try {
      resolver.setServers(opts.servers);
    } catch {
      return fail("EBADSERVERS");
    }
  }
  if (opts.signal?.aborted) return fail("ABORTED");
  const timers: ReturnType<typeof setTimeout>[] = [];
  const until = Date.now() + opts.timeoutMs;
  // Set when the budget runs out. Every query's timer ends at the same moment, and the first one
  // to fire cancels what the others still wait for: their ECANCELLED is then our deadline too.
  let expired = false;
  // Every query shares the one budget; running out cancels what is still asked.
  const inTime = <T>(query: Promise<T>): Promise<T> =>
    Promise.race([
      query,
      new Promise<never>((_, reject) => {
        timers.push(
          setTimeout(
            () => {
              // Settle the race first: cancelling makes the query itself reject (ECANCELLED),
              // which must not win and read as "stopped" when it is our deadline.
              expired = true;
              reject(new Deadline("timed out"));
              resolver.cancel();
            },
            Math.max(0, until - Date.now()),
          ),
        );
      }),
    ]);
  const onAbort = () => resolver.cancel();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const codeOf = (error: unknown): string => {
    if (opts.signal?.aborted) return "ABORTED";
    if (expired) return "ETIMEOUT";
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? (code === "ECANCELLED" ? "ABORTED" : code) : "EUNKNOWN";
  };
  /** A "no such domain" or "no mail servers" answer counts only from a resolver that knows the root. */
  const definite = async (code: string): Promise<MxResult> => {
    try {
      const root = await inTime(resolver.resolveNs(""));
      if (root.length > 0) return fail(code);
    } catch (error) {
      const rootCode = codeOf(error);
      if (rootCode === "ABORTED" || rootCode === "ETIMEOUT") return fail(rootCode);
    }
    return fail("ERESOLVER");
  };
  try {
    const records = await inTime(resolver.resolveMx(domain));
    // RFC 7505 "null MX" (a single "." exchange) says the domain takes no mail.
    const exchanges = records
      .filter((r) => r.exchange !== "" && r.exchange !== ".")
      .sort((a, b) => a.priority - b.priority)
      .map((r) => r.exchange);
    if (exchanges.length === 0) return records.length > 0 ? fail("ENODATA") : await definite("ENODATA");
    return { ok: true, exchanges };
  } catch (error) {
    // c-ares reports NXDOMAIN as ENOTFOUND and "no MX records" as ENODATA.
    const code = codeOf(error);
    return code === "ENOTFOUND" || code === "ENODATA" ? await definite(code) : fail(code);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
