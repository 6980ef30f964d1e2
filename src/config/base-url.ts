// What a portal's baseUrl and per-operation path overrides must look like. The config schema
// checks them when the file is read (exit 78 naming file and key path, before any client exists),
// so `config validate` passes only what the commands accept; the portal client checks again.
import { isLoopbackHost } from "../portal/url.js";

const EXAMPLE = "https://portal.example.com/api/v1";

/** Why `value` cannot be a portal's baseUrl, as an "expected ..." phrase; undefined when it can. */
export function baseUrlProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return `expected a URL such as ${EXAMPLE}`;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
    return `expected a URL starting with https://, such as https://${trimmed.replace(/^\/+/, "")}`;
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/*$/i.test(trimmed)
      ? `expected a host name after the scheme, such as ${EXAMPLE}`
      : `expected a valid URL such as ${EXAMPLE}`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `expected https://, not ${url.protocol}//`;
  }
  if (!url.hostname) return `expected a host name after the scheme, such as ${EXAMPLE}`;
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return "expected https:// (http:// is allowed only for 127.0.0.1, ::1 or localhost)";
  }
  if (url.username || url.password) return "expected no user name or password in the URL";
  if (url.search || trimmed.includes("?")) return "expected no query (?...) in the URL";
  if (url.hash || trimmed.includes("#")) return "expected no fragment (#...) in the URL";
  if (trimmed !== value) return "expected no spaces around the URL";
  return undefined;
}

/**
 * The path placeholders each operation's path has in the contract (src/portal/contract.ts; a unit
 * test keeps the two in step). An override must keep exactly these.
 */
export const operationPlaceholders = {
  getStatus: [],
  getAuthPolicy: [],
  login: [],
  verifyMfa: [],
  resendMfa: [],
  refreshToken: [],
  logout: [],
  recoverUsername: [],
  requestPasswordReset: [],
  confirmPasswordReset: [],
  register: [],
  verifyRegistration: [],
  getMe: [],
  getIdCard: [],
  listPrescriptions: [],
  setAutoRefill: ["rxId"],
  orderRefills: [],
  listOrders: [],
  getOrder: ["orderId"],
} as const satisfies Record<string, readonly string[]>;

export type OperationId = keyof typeof operationPlaceholders;

/** Why `path` cannot replace operation `id`'s path; undefined when it can. */
export function pathOverrideProblem(id: OperationId, path: string): string | undefined {
  if (!path.startsWith("/")) return 'expected a path starting with "/"';
  if (/[?#\s]/.test(path)) return "expected a path without a query, fragment or spaces";
  if (path.split("/").some((part) => part === "." || part === "..")) {
    return 'expected a path without "." or ".." segments';
  }
  const wanted = [...operationPlaceholders[id]].sort();
  const got = [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? "").sort();
  if (wanted.join() !== got.join()) {
    return wanted.length
      ? `expected a path with ${wanted.map((p) => `{${p}}`).join(" and ")} in it`
      : "expected a path without {placeholders}";
  }
  return undefined;
}
