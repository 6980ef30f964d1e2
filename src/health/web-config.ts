// health serve's --web-config-file (also spelled --web.config.file): the Prometheus
// exporter-toolkit's web configuration file, an honest subset of it. What is read:
//
//   tls_server_config:
//     cert_file, key_file         the listener's certificate and key (PEM); relative paths are
//                                 relative to the web config file, as the toolkit has them
//     client_auth_type            NoClientCert (default), RequestClientCert, RequireAnyClientCert,
//                                 VerifyClientCertIfGiven, RequireAndVerifyClientCert
//     client_ca_file              the CAs client certificates are verified against (default:
//                                 the system's, as with the toolkit)
//     min_version, max_version    TLS10, TLS11, TLS12 (the default minimum), TLS13
//   http_server_config:
//     headers                     the toolkit's five: Strict-Transport-Security,
//                                 X-Content-Type-Options, X-Frame-Options, X-XSS-Protection,
//                                 Content-Security-Policy, sent on every answer
//     http2                       false only (this listener speaks HTTP/1.1)
//   basic_auth_users:             user: bcrypt hash ($2a$, $2b$, $2y$), as the toolkit requires
//
// Any other key is refused with its name (cipher_suites, curve_preferences, inline cert/key,
// client_allowed_sans, ... are keys of the toolkit that rxportal does not implement, and are
// refused as such rather than silently ignored). Passwords never appear here: only their hashes.
import { dirname, resolve } from "node:path";
import type { SecureVersion } from "node:tls";
import { closestKey } from "../config/suggest.js";
import { parseUserYaml } from "../config/yaml.js";
import { ConfigError } from "../errors.js";

export const CLIENT_AUTH_TYPES = [
  "NoClientCert",
  "RequestClientCert",
  "RequireAnyClientCert",
  "VerifyClientCertIfGiven",
  "RequireAndVerifyClientCert",
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: "TLSv1",
  TLS11: "TLSv1.1",
  TLS12: "TLSv1.2",
  TLS13: "TLSv1.3",
};

/** The toolkit's allowed response headers (and, where it restricts them, their values). */
const HEADERS: Record<string, readonly string[] | undefined> = {
  "Strict-Transport-Security": undefined,
  "X-Content-Type-Options": ["nosniff"],
  "X-Frame-Options": ["deny", "sameorigin"],
  "X-XSS-Protection": undefined,
  "Content-Security-Policy": undefined,
};

/** Keys of the toolkit's format that this subset does not implement: refused by name. */
const NOT_IMPLEMENTED = new Set([
  "tls_server_config.cert",
  "tls_server_config.key",
  "tls_server_config.client_ca",
  "tls_server_config.cipher_suites",
  "tls_server_config.curve_preferences",
  "tls_server_config.prefer_server_cipher_suites",
  "tls_server_config.client_allowed_sans",
  "rate_limit",
]);

const BCRYPT = /^\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

export interface WebTls {
  certFile: string;
  keyFile: string;
  clientAuthType: ClientAuthType;
  clientCaFile?: string;
  minVersion: SecureVersion;
  maxVersion?: SecureVersion;
}

export interface WebConfig {
  file: string;
  tls?: WebTls;
  /** user → bcrypt hash; empty: no authentication. */
  users: Map<string, string>;
  /** Sent on every answer. */
  headers: Record<string, string>;
}

type Obj = Record<string, unknown>;

export async function loadWebConfig(
  file: string,
  readText: (path: string) => Promise<string>,
): Promise<WebConfig> {
  const label = `${file} (--web-config-file)`;
  const fail = (why: string): never => {
    throw new ConfigError(`${label}: ${why}`, { file });
  };
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    // The reader's own one-line refusal (a FIFO, a device, a huge file: src/state/files.ts).
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      code === "ENOENT"
        ? "no such file."
        : code === "EACCES"
          ? "cannot be read (permission denied)."
          : `cannot be read (${code ?? String(error)}).`,
    );
  }
  const { data, duplicates } = await parseUserYaml(text, { label, file });
  const dup = duplicates[0];
  if (dup) fail(`the key "${dup.key}" is given twice (line ${dup.line}).`);
  const top = data ?? {};
  if (typeof top !== "object" || Array.isArray(top)) fail("expected a map of settings at the top.");
  const dir = dirname(resolve(file));

  const mapAt = (value: unknown, path: string): Obj => {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) return fail(`${path}: expected a map.`);
    return value as Obj;
  };
  const onlyKeys = (obj: Obj, path: string, known: readonly string[]) => {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const at = path ? `${path}.${key}` : key;
      if (NOT_IMPLEMENTED.has(at))
        fail(`${at}: not supported by rxportal (the supported subset is in docs/operating.md).`);
      const near = closestKey(key, known);
      fail(
        `unknown key "${at}"${near ? `; did you mean "${path ? `${path}.` : ""}${near}"?` : ` (known keys: ${known.join(", ")})`}`,
      );
    }
  };
  const str = (obj: Obj, key: string, path: string): string | undefined => {
    const v = obj[key];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") return fail(`${path}.${key}: expected text, got ${JSON.stringify(v)}.`);
    return v;
  };

  const root = top as Obj;
  onlyKeys(root, "", ["tls_server_config", "http_server_config", "basic_auth_users"]);

  let tls: WebTls | undefined;
  const t = mapAt(root.tls_server_config, "tls_server_config");
  onlyKeys(t, "tls_server_config", [
    "cert_file",
    "key_file",
    "client_auth_type",
    "client_ca_file",
    "min_version",
    "max_version",
  ]);
  if (Object.keys(t).length > 0) {
    const p = "tls_server_config";
    const certFile = str(t, "cert_file", p);
    const keyFile = str(t, "key_file", p);
    if (!certFile) fail(`${p}.cert_file: missing (the certificate, PEM).`);
    if (!keyFile) fail(`${p}.key_file: missing (the certificate's key, PEM).`);
    const auth = str(t, "client_auth_type", p) ?? "NoClientCert";
    if (!(CLIENT_AUTH_TYPES as readonly string[]).includes(auth))
      fail(`${p}.client_auth_type: "${auth}" is not one of ${CLIENT_AUTH_TYPES.join(", ")}.`);
    const ca = str(t, "client_ca_file", p);
    if (ca && auth === "NoClientCert")
      fail(`${p}.client_ca_file is set but client_auth_type is NoClientCert; set a client_auth_type.`);
    // Without client_ca_file the Verify types check client certificates against the system's
    // CAs (Node's, as Go's for the toolkit).
    const version = (key: string): SecureVersion | undefined => {
      const v = str(t, key, p);
      if (v === undefined) return undefined;
      const found = TLS_VERSIONS[v];
      if (!found) fail(`${p}.${key}: "${v}" is not one of ${Object.keys(TLS_VERSIONS).join(", ")}.`);
      return found;
    };
    const minVersion = version("min_version") ?? "TLSv1.2";
    const maxVersion = version("max_version");
    // The toolkit takes this and then fails every handshake; refused here, where it is plain.
    if (maxVersion && maxVersion < minVersion) fail(`${p}.max_version is below min_version.`);
    tls = {
      certFile: resolve(dir, certFile as string),
      keyFile: resolve(dir, keyFile as string),
      clientAuthType: auth as ClientAuthType,
      clientCaFile: ca ? resolve(dir, ca) : undefined,
      minVersion,
      maxVersion,
    };
  }

  const h = mapAt(root.http_server_config, "http_server_config");
  onlyKeys(h, "http_server_config", ["headers", "http2"]);
  if (h.http2 === true)
    fail(
      "http_server_config.http2: true is not supported by rxportal (HTTP/1.1 only); remove it or set false.",
    );
  if (h.http2 !== undefined && h.http2 !== false && h.http2 !== null)
    fail("http_server_config.http2: expected true or false.");
  const headers: Record<string, string> = {};
  const given = mapAt(h.headers, "http_server_config.headers");
  for (const [name, value] of Object.entries(given)) {
    const canonical = Object.keys(HEADERS).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!canonical)
      fail(
        `http_server_config.headers: "${name}" is not a header the exporter-toolkit allows (${Object.keys(HEADERS).join(", ")}).`,
      );
    if (typeof value !== "string" || /[\r\n]/.test(value))
      fail(`http_server_config.headers.${name}: expected one line of text.`);
    const allowed = HEADERS[canonical as string];
    if (allowed && !allowed.includes((value as string).toLowerCase()))
      fail(`http_server_config.headers.${name}: "${value}" is not one of ${allowed.join(", ")}.`);
    headers[canonical as string] = value as string;
  }

  const users = new Map<string, string>();
  const u = mapAt(root.basic_auth_users, "basic_auth_users");
  for (const [user, hash] of Object.entries(u)) {
    // Never echo the value: it should be a hash, but someone may have pasted a password.
    const cost = typeof hash === "string" ? Number(/^\$2[aby]?\$(\d{2})\$/.exec(hash)?.[1]) : Number.NaN;
    if (typeof hash !== "string" || !BCRYPT.test(hash) || !(cost >= 4 && cost <= 31))
      fail(
        `basic_auth_users.${user}: not a bcrypt hash (make one with \`htpasswd -nBC 10 "" | tr -d ':\\n'\`).`,
      );
    if (user.includes(":")) fail(`basic_auth_users: a user name cannot hold ":" (${JSON.stringify(user)}).`);
    users.set(user, hash as string);
  }
  return { file, tls, users, headers };
}
