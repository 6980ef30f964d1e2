// Which hosts may be spoken to over plain http://: only this machine. Everything else is https.

/** True for 127.0.0.0/8, ::1 (with or without brackets) and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  if (host.startsWith("::ffff:")) return isLoopbackHost(host.slice(7));
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return false;
  return parts[0] === "127";
}

/** True when `url` may be used as a portal base URL: https anywhere, http only on loopback. */
export function isAllowedPortalUrl(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}

/** Where a sandbox portal on this machine shows the codes it "sent"; undefined for a real portal. */
export function sandboxOutbox(baseUrl: string): string | undefined {
  const url = new URL(baseUrl);
  return isLoopbackHost(url.hostname) ? `${url.origin}/_sandbox/outbox` : undefined;
}
