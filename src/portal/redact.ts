// Secret redaction for everything rxportal writes about its HTTP traffic: the --verbose trace
// now, logs and help-desk reports later. Keys are matched loosely (case, "-" and "_" ignored) so
// that `new_password`, `New-Password` and `newPassword` are all caught; a redactor that misses a
// spelling leaks a member's password into a support ticket.

export const REDACTED = "[redacted]";

/** Keys whose values are secrets wherever they appear (normalised: lower case, no "-" or "_"). */
const SECRET_KEYS = new Set([
  "password",
  "newpassword",
  "oldpassword",
  "currentpassword",
  "passcode",
  "code",
  "otp",
  "pin",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "token",
  "challengeid",
  "secret",
  "clientsecret",
  "apikey",
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "sessionid",
  "ssn",
  // OAuth and OpenID Connect (OIDC profiles): the device flow's codes and PKCE's verifier.
  "devicecode",
  "usercode",
  "codeverifier",
]);
/**
 * Any key containing one of these is a secret too (csrfToken, passwordConfirm, x-api-secret).
 * "code" is deliberately not here: postalCode and errorCode are not secrets.
 */
const SECRET_FRAGMENTS = ["password", "passwd", "secret", "token", "cookie", "authorization"];

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, "");
}

/** True when a value stored under `key` (a JSON key, header name or query parameter) is secret. */
export function isSecretKey(key: string): boolean {
  const k = normaliseKey(key);
  return SECRET_KEYS.has(k) || SECRET_FRAGMENTS.some((fragment) => k.includes(fragment));
}

export type HeadersLike =
  | Headers
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[] | number | undefined>;

/** A plain copy of `headers` with secret values replaced; names are lower-cased. */
export function redactHeaders(headers: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, value: unknown) => {
    if (value === undefined) return;
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(", ") : String(value);
    out[key] = isSecretKey(key) ? REDACTED : text;
  };
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => {
      put(name, value);
    });
  } else if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<readonly [string, string]>) put(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) put(name, value);
  }
  return out;
}

/**
 * A deep copy of a JSON-like value with the values of secret keys replaced. Never mutates its
 * input; cycles become "[circular]" so a report writer cannot loop forever.
 */
export function redactBody(value: unknown): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return "[circular]";
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map(walk);
      if (v instanceof Date) return v;
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(v)) {
        out[key] = isSecretKey(key) && inner !== undefined && inner !== null ? REDACTED : walk(inner);
      }
      return out;
    } finally {
      // Only ancestors count as cycles: the same object twice side by side is fine.
      seen.delete(v);
    }
  };
  return walk(value);
}

function redactParams(params: string): string {
  return params
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const rawKey = eq === -1 ? pair : pair.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, " "));
      } catch {
        // A malformed escape: judge the raw key.
      }
      return eq !== -1 && isSecretKey(key) ? `${rawKey}=${REDACTED}` : pair;
    })
    .join("&");
}

/**
 * `url` with the values of secret query parameters replaced, and any password in the userinfo.
 * A fragment that looks like parameters (`#token=...`, common in reset links) is treated the same.
 * Other parameters keep their original encoding so the line still reads like the request sent.
 */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    // Not absolute (a path, or junk): still redact anything that looks like key=value pairs.
    const [beforeHash = "", hash] = splitOnce(text, "#");
    const [path = "", query] = splitOnce(beforeHash, "?");
    return (
      path +
      (query === undefined ? "" : `?${redactParams(query)}`) +
      (hash === undefined ? "" : `#${redactParams(hash)}`)
    );
  }
  const userinfo =
    parsed.username || parsed.password ? `${parsed.username}${parsed.password ? `:${REDACTED}` : ""}@` : "";
  const base = `${parsed.protocol}//${userinfo}${parsed.host}${parsed.pathname}`;
  const search = parsed.search ? `?${redactParams(parsed.search.slice(1))}` : "";
  const hash = parsed.hash ? `#${redactParams(parsed.hash.slice(1))}` : "";
  return base + search + hash;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
