// Is a reset or sign-in link really the portal's? Phishing mails imitate exactly these messages,
// so the check explains *why* a link is suspicious: a member or help-desk agent should learn the
// trick (a look-alike name, the real domain pushed into a subdomain, user info before an @).
// Pure: the official hosts come in, a verdict goes out; no network.
import { domainToUnicode } from "node:url";

export interface LinkVerdict {
  /** The link as checked (after removing angle brackets and adding an assumed https://). */
  url: string;
  safe: boolean;
  /** "safe", "suspicious", or "not-a-web-link" (javascript:, data:, mailto:, file:, ...). */
  verdict: "safe" | "suspicious" | "not-a-web-link";
  /** The link's real scheme, without the colon: "https", "http", "javascript", ... */
  scheme: string;
  /** The host as the URL names it (ASCII, punycode as sent, without a trailing dot). */
  host: string;
  /** The host as a person would read it (punycode decoded). */
  hostDecoded: string;
  /** The part of the host its owner registered, e.g. `express-scripts.com`. */
  registrableDomain: string;
  /** The official host the link belongs to, when it does. */
  officialHost?: string;
  /** "exact": the host is that official host; "subdomain": a name under it. */
  officialMatch?: "exact" | "subdomain";
  /** Why the link is not safe; empty when it is. */
  reasons: string[];
  /** What was assumed or tidied before checking (no scheme given, angle brackets, a trailing dot). */
  notes: string[];
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

/** What links of schemes that are not web pages do instead, for the verdict's one line. */
const NON_WEB: Record<string, string> = {
  javascript: "runs a script",
  vbscript: "runs a script",
  data: "carries its own content (a page or a file)",
  blob: "points at content held inside a browser",
  file: "opens a file on a computer",
  mailto: "starts an email",
  tel: "starts a phone call",
  sms: "starts a text message",
};

/**
 * A scheme written without "//" (javascript:alert(1), data:text/html,..., file:x): letters
 * before a colon that are not a host name (no dot) and not followed by a port number. So
 * "localhost:8787/reset" and "www.example.com:443/x" are hosts pasted without a scheme, which URL
 * alone would misread as the schemes "localhost:" and "www.example.com:".
 */
const OPAQUE_SCHEME = /^[a-z][a-z0-9+-]*:(?!\d+(?:[/?#]|$))/i;

/** The link as a person pasted it, made into a URL, with what had to be assumed. */
function readLink(input: string): { url: URL; notes: string[] } {
  const notes: string[] = [];
  let text = input.trim();
  // Mail clients and chat tools wrap links in angle brackets (RFC 3986, appendix C), or quotes.
  const wrapped = /^<\s*(.*?)\s*>$/s.exec(text) ?? /^"\s*(.*?)\s*"$/s.exec(text);
  if (wrapped) {
    notes.push(
      `the link was wrapped in ${text.startsWith("<") ? "angle brackets" : "quotes"} (${text}); checked without them`,
    );
    text = wrapped[1] as string;
  }
  const unparsable = () =>
    new UnparsableLinkError(`"${input}" is not a URL; paste the whole link, starting with https://`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !OPAQUE_SCHEME.test(text)) {
    // No scheme ("www.express-scripts.com/reset", "//host/path"): browsers and mail programs add
    // one, so check what they would open, and say so.
    const rest = text.replace(/^\/\//, "");
    if (/^[^\s/?#@:]+@[^\s/?#@:]+\.[a-z]{2,}$/i.test(rest)) {
      // "help@example.com": an email address, which a mail program turns into a mailto: link.
      notes.push(`no scheme was given; ${rest} is an email address, checked as mailto:${rest}`);
      return { url: new URL(`mailto:${rest}`), notes };
    }
    // A host, possibly after "user@" (a phishing trick that also works without a scheme).
    if (!/^[^\s/?#]+\.[^\s/?#]*|^localhost(?=[:/?#]|$)|^\[[0-9a-f:.]+\]/i.test(rest)) {
      // Not host-like: maybe another scheme ("ftp:x"), or not a link at all.
      try {
        return { url: new URL(text), notes };
      } catch {
        throw unparsable();
      }
    }
    text = `https://${rest}`;
    notes.push(
      `no scheme was given; checked as ${text} (make sure the address bar shows https:// when you open it)`,
    );
  }
  try {
    return { url: new URL(text), notes };
  } catch {
    throw unparsable();
  }
}

export function judgeLink(
  input: string,
  officialHosts: readonly string[],
  parseHost: ParseHost,
): LinkVerdict {
  const { url, notes } = readLink(input);
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  const rawHost = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  // "www.express-scripts.com." is the same host written as a fully qualified name.
  const host = rawHost.replace(/\.$/, "");
  if (host !== rawHost && host !== "") {
    notes.push(`the host is written with a dot at the end (${rawHost}), which names the same host ${host}`);
  }
  const hostDecoded = domainToUnicode(host) || host;
  const official = officialHosts.map((h) => h.toLowerCase().replace(/\.$/, ""));

  if (scheme !== "http" && scheme !== "https") {
    const does = NON_WEB[scheme];
    const what = does ? `${does} instead of opening a web page` : "does not open a web page";
    return {
      url: url.href,
      safe: false,
      verdict: "not-a-web-link",
      scheme,
      host,
      hostDecoded,
      registrableDomain: hostDecoded,
      reasons: [
        `is not a web link: this ${scheme}: link ${what}, so it cannot be the portal's sign-in or reset page`,
      ],
      notes,
    };
  }

  const info = parseHost(host);
  const registrableDomain = info.domain ?? host;
  const reasons: string[] = [];

  // An exact match names the host best; a subdomain of an official host is the same owner.
  const exact = official.find((h) => host === h);
  // The closest official parent: login.militaryrx.example.com belongs under militaryrx.example.com.
  const parent = exact
    ? undefined
    : official.filter((h) => host.endsWith(`.${h}`)).sort((a, b) => b.length - a.length)[0];
  const officialHost = exact ?? parent;
  const loopback = host === "localhost" || host === "127.0.0.1" || host === "::1";

  if (scheme === "http") {
    // The sandbox portal runs on plain http on loopback; anywhere else http means no padlock.
    if (!(loopback && officialHost))
      reasons.push("uses plain http://, not https:// (no padlock, readable in transit)");
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
  const safe = reasons.length === 0;
  return {
    url: url.href,
    safe,
    verdict: safe ? "safe" : "suspicious",
    scheme,
    host,
    hostDecoded,
    registrableDomain: domainToUnicode(registrableDomain) || registrableDomain,
    ...(officialHost && safe ? { officialHost, officialMatch: exact ? "exact" : "subdomain" } : {}),
    reasons,
    notes,
  } as LinkVerdict;
}

/** The verdict for people: a headline naming the host and the real scheme, then why, then what to do. */
export function describeVerdict(
  verdict: LinkVerdict,
  profile: string,
  officialHosts: readonly string[],
): string[] {
  const lines: string[] = [];
  const notes = verdict.notes.map((n) => `Note: ${n}.`);
  if (verdict.safe) {
    const over =
      verdict.scheme === "https"
        ? "over https"
        : "over plain http, which is accepted only for a portal on this computer (such as the sandbox)";
    const whose =
      verdict.officialMatch === "subdomain"
        ? `a subdomain of ${verdict.officialHost}, an official host of profile "${profile}"`
        : `an official host of profile "${profile}"`;
    lines.push(`Safe: ${verdict.hostDecoded} is ${whose}, ${over}.`, ...notes);
    lines.push("Still type codes only on pages you reached yourself, and never read them out to a caller.");
    return lines;
  }
  if (verdict.verdict === "not-a-web-link") {
    // One reason, already a sentence: "... is not a web link: this javascript: link runs a script ...".
    const why = (verdict.reasons[0] ?? "").replace(/^is not a web link: /, "");
    lines.push(`Not a web link: ${why}. Do not open it.`);
  } else {
    lines.push(`Suspicious: do not open this link (${verdict.hostDecoded}, over ${verdict.scheme}).`);
    for (const reason of verdict.reasons) lines.push(`  - ${reason}`);
  }
  lines.push(...notes);
  lines.push(`Official hosts for profile "${profile}": ${officialHosts.join(", ")}.`);
  lines.push("Go to the portal by typing its address yourself, or use `rxportal reset`.");
  return lines;
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
