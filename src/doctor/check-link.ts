// Is a reset or sign-in link really the portal's? Phishing mails imitate exactly these messages,
// so the check explains *why* a link is suspicious: a member or help-desk agent should learn the
// trick (a look-alike name, the real domain pushed into a subdomain, user info before an @).
// Pure: the official hosts come in, a verdict goes out; no network.
import { domainToUnicode } from "node:url";

export interface LinkVerdict {
  url: string;
  safe: boolean;
  /** The host as the URL names it (ASCII, punycode as sent). */
  host: string;
  /** The host as a person would read it (punycode decoded). */
  hostDecoded: string;
  /** The part of the host its owner registered, e.g. `express-scripts.com`. */
  registrableDomain: string;
  /** The official host the link belongs to, when it does. */
  officialHost?: string;
  reasons: string[];
}

/** The URL could not be parsed at all (exit 64). */
export class UnparsableLinkError extends Error {}

interface HostInfo {
  domain: string | null;
  domainWithoutSuffix: string | null;
  publicSuffix: string | null;
  isIp: boolean | null;
}

type ParseHost = (host: string) => HostInfo;

/** Loads tldts (the public-suffix list is large) only when a link is checked. */
export async function checkLink(input: string, officialHosts: readonly string[]): Promise<LinkVerdict> {
  const { parse } = await import("tldts");
  return judgeLink(input, officialHosts, (host) => parse(host));
}

export function judgeLink(
  input: string,
  officialHosts: readonly string[],
  parseHost: ParseHost,
): LinkVerdict {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new UnparsableLinkError(`"${input}" is not a URL; paste the whole link, starting with https://`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const hostDecoded = domainToUnicode(host) || host;
  const info = parseHost(host);
  const registrableDomain = info.domain ?? host;
  const official = officialHosts.map((h) => h.toLowerCase());
  const reasons: string[] = [];

  // An exact match names the host best; a subdomain of an official host is the same owner.
  const officialHost = official.find((h) => host === h) ?? official.find((h) => host.endsWith(`.${h}`));
  const loopback = host === "localhost" || host === "127.0.0.1" || host === "::1";

  if (url.protocol === "http:") {
    // The sandbox portal runs on plain http on loopback; anywhere else http means no padlock.
    if (!(loopback && officialHost))
      reasons.push("uses plain http://, not https:// (no padlock, readable in transit)");
  } else if (url.protocol !== "https:") {
    reasons.push(`is not a web link (${url.protocol}), so it cannot be the portal's`);
  }
  if (url.username || url.password) {
    reasons.push(
      `has "${decodeURIComponent(url.username)}${url.password ? ":…" : ""}@" before the host: browsers ignore that part, so the link really goes to ${hostDecoded}`,
    );
  }
  if (info.isIp && !officialHost) {
    reasons.push(`points at a bare IP address (${host}) instead of the portal's name`);
  }
  if (hostDecoded !== host) {
    reasons.push(`its host is written in punycode: ${host} is really "${hostDecoded}"`);
  }
  if (!officialHost) {
    reasons.push(`${hostDecoded} is not one of the portal's official hosts (${official.join(", ")})`);
    reasons.push(...lookAlikeReasons(host, hostDecoded, info, official, parseHost));
  }
  return {
    url: url.href,
    safe: reasons.length === 0,
    host,
    hostDecoded,
    registrableDomain: domainToUnicode(registrableDomain) || registrableDomain,
    ...(officialHost && reasons.length === 0 ? { officialHost } : {}),
    reasons,
  };
}

function lookAlikeReasons(
  host: string,
  hostDecoded: string,
  info: HostInfo,
  official: readonly string[],
  parseHost: ParseHost,
): string[] {
  const reasons: string[] = [];
  const own = domainToUnicode(info.domain ?? host) || host;
  const ownName = domainToUnicode(info.domainWithoutSuffix ?? "") || (info.domainWithoutSuffix ?? "");
  const seen = new Set<string>();
  for (const officialHost of official) {
    const o = parseHost(officialHost);
    const domain = o.domain ?? officialHost;
    if (seen.has(domain) || o.isIp || !domain.includes(".")) continue;
    seen.add(domain);
    const name = o.domainWithoutSuffix ?? domain;
    if (`.${hostDecoded}.`.includes(`.${domain}.`)) {
      reasons.push(`puts "${domain}" in front of another domain (${own}): the link belongs to ${own}`);
      continue;
    }
    if (ownName === name) {
      reasons.push(
        `uses the portal's name under another ending (.${info.publicSuffix ?? "?"} instead of .${o.publicSuffix})`,
      );
      continue;
    }
    if (skeleton(own) === skeleton(domain)) {
      reasons.push(
        `looks like ${domain} but uses look-alike characters (${describeDifference(own, domain)})`,
      );
      continue;
    }
    const distance = editDistance(own, domain);
    if (distance <= 2) {
      reasons.push(`is ${distance} typing change${distance === 1 ? "" : "s"} away from ${domain} (${own})`);
      continue;
    }
    if (ownName.includes(name) || hostDecoded.split(".").some((label) => label.includes(name))) {
      reasons.push(`borrows the portal's name "${name}" in a domain that is not the portal's (${own})`);
    }
  }
  return reasons;
}

// Characters (and pairs) that read alike in common fonts, folded to one Latin form. Small on
// purpose: the characters phishing kits actually use, not the whole Unicode confusables table.
const confusablePairs: [RegExp, string][] = [
  [/rn/g, "m"],
  [/vv/g, "w"],
  [/cl/g, "d"],
];
const confusableChars: Record<string, string> = {
  "0": "o",
  "1": "l",
  i: "l",
  "|": "l",
  "5": "s",
  // Cyrillic
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  х: "x",
  у: "y",
  і: "l",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  һ: "h",
  ӏ: "l",
  // Greek
  ο: "o",
  α: "a",
  ν: "v",
  ρ: "p",
  ι: "l",
  κ: "k",
  // Latin look-alikes
  ɡ: "g",
  ı: "l",
};

/** A form in which two names that read alike become equal. */
export function skeleton(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFKC").toLowerCase()) out += confusableChars[ch] ?? ch;
  for (const [pattern, replacement] of confusablePairs) out = out.replace(pattern, replacement);
  return out;
}

function describeDifference(a: string, b: string): string {
  const odd = [...a].filter((ch) => !/[a-z0-9.-]/.test(ch));
  if (odd.length) {
    return odd
      .map((ch) => `"${ch}" U+${(ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`)
      .join(", ");
  }
  return `${a} vs ${b}`;
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two neighbours counts once. */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(s.length, t.length);
}
