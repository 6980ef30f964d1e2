// Shared by the member commands' msw tests: run the real command line in-process against a fake
// portal, with a kept session so no sign-in is needed, and canned answers for every error shape.

import { HttpResponse } from "msw";
import { closeContext, testContext } from "../../../test/helpers/context.js";
import { problemResponse } from "../../../test/helpers/problem.js";
import { run } from "../../main.js";

export const BASE = "https://portal.test/api/v1";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
}

/**
 * `rxportal <argv> --username pat` with a kept, unexpired session for pat on profile "test".
 * `signedIn: false` leaves the keychain empty: with no terminal and no password, sign-in is impossible.
 */
export async function runMember(
  argv: string[],
  opts: { dir?: string; signedIn?: boolean; now?: number } = {},
): Promise<Ran> {
  const t = testContext({
    baseUrl: BASE,
    dir: opts.dir,
    env: { TZ: "UTC" },
    clock: opts.now === undefined ? undefined : { now: () => opts.now as number },
  });
  if (opts.signedIn !== false) {
    await t.credentials.store.setSession("test", "pat", {
      accessToken: "at-pat",
      expiresAt: "2999-01-01T00:00:00Z",
      memberId: "M1",
      name: "Alice",
    });
  }
  const code = await run([...argv, "--username", "pat"], t.ctx);
  await closeContext(t.ctx);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text, dir: t.dir };
}

export const problem = (status: number, code: string, extras: Record<string, unknown> = {}) =>
  problemResponse(status, code, extras, {
    "X-Request-Id": `req-${status}-${code}`,
    ...(status === 429 || status === 503 ? { "Retry-After": "30" } : {}),
  });

export const maintenancePage = () =>
  new HttpResponse("<!doctype html><html><body><h1>Back soon</h1></body></html>", {
    status: 503,
    headers: { "content-type": "text/html", "retry-after": "120", "x-request-id": "req-503-html" },
  });

export const malformed = () =>
  new HttpResponse('{"items": [', {
    status: 200,
    headers: { "content-type": "application/json", "x-request-id": "req-malformed" },
  });

/** The error branches every member command shares, with the exit code and words each must give. */
export const SHARED_FAILURES = [
  {
    name: "401 unauthorized",
    reply: () => problem(401, "unauthorized"),
    exit: 77,
    says: /not signed in, or the session is no longer valid.*rxportal login.*req-401-unauthorized/,
  },
  {
    name: "429 rate limited",
    reply: () => problem(429, "rate_limited"),
    exit: 75,
    says: /limiting requests; it asks to retry in 30 seconds.*req-429-rate_limited/,
  },
  {
    name: "503 HTML maintenance page",
    reply: maintenancePage,
    exit: 69,
    says: /down for maintenance \(HTTP 503, HTML page\).*req-503-html/,
  },
  {
    name: "malformed JSON",
    reply: malformed,
    exit: 69,
    says: /malformed JSON.*req-malformed/,
  },
] as const;

/** One line on stderr, starting "rxportal: ", and no stack trace. */
export function oneErrorLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  const last = lines[lines.length - 1] ?? "";
  if (!last.startsWith("rxportal: ")) throw new Error(`no error line in: ${stderr}`);
  if (/\n\s+at .+:\d+:\d+/.test(stderr)) throw new Error(`stack trace in: ${stderr}`);
  return last;
}
