// Contract variation: the real commands, in-process through run(), against a fake portal (msw)
// that answers with everything the contract's prose allows (src/portal/schemas.ts, latitudes in
// docs/portal-api.md): optional fields absent, null or present, every RFC 3339 time form, unknown
// enum values, extra fields, long and unicode strings, and unusable list items mixed in. Each case
// must end with exit 0, no "internal error", no stack trace, no raw control character on a
// terminal, and every usable item shown.
import fc from "fast-check";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { safeText } from "../../src/portal/lenient.js";
import { printable } from "../../src/ui/output.js";
import { cases } from "../helpers/cases.js";
import { closeContext, testContext } from "../helpers/context.js";
import { ScriptedPrompter } from "../helpers/prompter.js";
import * as a from "./arbitraries.js";

const BASE = "https://portal.test/api/v1";
const server = setupServer();
let responses = 0;
const counts: Record<string, number> = {};

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => {
  server.close();
  const parts = Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  console.log(`contract variation: ${responses} responses (${parts})`);
});

/** A generated answer, counted, with a request id to find in problem reports. */
function answer(what: string, body: unknown, status = 200): Response {
  responses++;
  counts[what] = (counts[what] ?? 0) + 1;
  return HttpResponse.json(body as Record<string, unknown>, {
    status,
    headers: { "x-request-id": `req-${what}-${responses}` },
  });
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function rx(
  argv: string[],
  opts: {
    signedIn?: boolean;
    prompter?: ScriptedPrompter;
    stdin?: string;
    json?: boolean;
    as?: boolean;
  } = {},
): Promise<Ran> {
  const t = testContext({ baseUrl: BASE, env: { TZ: "UTC" }, prompter: opts.prompter });
  if (opts.signedIn !== false) {
    await t.credentials.store.setSession("test", "pat", {
      accessToken: "at-pat",
      expiresAt: "2999-01-01T00:00:00Z",
      memberId: "M1",
      name: "Pat",
    });
  }
  if (opts.stdin !== undefined) t.stdin.end(opts.stdin);
  const who = opts.as === false ? [] : ["--username", "pat"];
  const code = await run([...argv, ...who, ...(opts.json ? ["--json"] : [])], t.ctx);
  await closeContext(t.ctx);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text };
}

/** What every case must hold, whatever the portal sent. */
function expectSound(r: Ran, label: string, json: boolean): void {
  const all = `${label}\nexit ${r.code}\nstdout:\n${r.stdout.slice(0, 2000)}\nstderr:\n${r.stderr.slice(0, 2000)}`;
  expect(r.stderr, all).not.toMatch(/internal error/i);
  expect(r.stderr, all).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.code, all).toBe(0);
  // Nothing from the portal may drive the terminal: no C0/C1 control characters but newlines.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
  const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  expect(r.stderr, all).not.toMatch(control);
  if (json) expect(() => JSON.parse(r.stdout), all).not.toThrow();
  else expect(r.stdout, all).not.toMatch(control);
}

const RUNS = {
  list: cases(250),
  show: cases(200),
  card: cases(200),
  whoami: cases(200),
  status: cases(250),
  login: cases(200),
  reset: cases(180),
};
const TIMEOUT_MS = 240_000;

const ME = {
  memberId: "M1",
  name: "Pat",
  dateOfBirth: "1980-01-01",
  enrolleeType: "commercial",
  recoveryEmailHint: "p***@example.com",
  phoneHint: "***-1234",
  dependents: [],
};

describe("refill list", () => {
  it(
    "shows every usable prescription and names each unusable one with the request id",
    async () => {
      await fc.assert(
        fc.asyncProperty(a.listWith(a.prescription(), "rxId"), fc.boolean(), async (list, json) => {
          let requestId = "";
          server.use(
            http.get(`${BASE}/me`, () => answer("me", ME)),
            http.get(`${BASE}/prescriptions`, () => {
              const res = answer("prescriptions", { items: list.items });
              requestId = res.headers.get("x-request-id") ?? "";
              return res;
            }),
          );
          const r = await rx(["refill", "list"], { json });
          expectSound(r, JSON.stringify(list.items).slice(0, 3000), json);
          if (json) {
            const doc = JSON.parse(r.stdout);
            const shown = doc.members.flatMap((m: { prescriptions: { rxId: string }[] }) =>
              m.prescriptions.map((p) => p.rxId),
            );
            expect(shown).toEqual(list.good.map((g) => g.rxId));
            expect(doc.problems.map((p: { index: number }) => p.index)).toEqual(list.brokenAt);
            for (const p of doc.problems) expect(p.requestId).toBe(requestId);
          } else {
            for (const g of list.good) expect(r.stdout).toContain(printable(String(g.rxId)));
            if (list.brokenAt.length > 0) {
              expect(r.stderr).toMatch(/could not be read; the rest are shown/);
              expect(r.stderr).toContain(requestId);
            } else expect(r.stderr).not.toMatch(/could not be read/);
          }
        }),
        { numRuns: RUNS.list },
      );
    },
    TIMEOUT_MS,
  );
});

describe("orders", () => {
  it(
    "lists every usable order and names each unusable one with the request id",
    async () => {
      await fc.assert(
        fc.asyncProperty(a.listWith(a.order(), "orderId"), fc.boolean(), async (list, json) => {
          let requestId = "";
          server.use(
            http.get(`${BASE}/orders`, () => {
              const res = answer("orders", { items: list.items });
              requestId = res.headers.get("x-request-id") ?? "";
              return res;
            }),
          );
          const r = await rx(["orders"], { json });
          expectSound(r, JSON.stringify(list.items).slice(0, 3000), json);
          if (json) {
            const doc = JSON.parse(r.stdout);
            expect(new Set(doc.orders.map((o: { orderId: string }) => o.orderId))).toEqual(
              new Set(list.good.map((g) => g.orderId)),
            );
            const listProblems = doc.problems.filter((p: { orderId?: string }) => p.orderId === undefined);
            expect(listProblems.map((p: { index: number }) => p.index)).toEqual(list.brokenAt);
            for (const p of doc.problems) expect(p.requestId).toBe(requestId);
          } else {
            for (const g of list.good) expect(r.stdout).toContain(printable(String(g.orderId)));
          }
        }),
        { numRuns: RUNS.list },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "orders show reads one order in every allowed form",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          a
            .id({ argv: true })
            .chain((orderId) => a.order(fc.constant(orderId)).map((body) => ({ orderId, body }))),
          fc.boolean(),
          async ({ orderId, body }, json) => {
            let asked = "";
            server.use(
              http.get(`${BASE}/orders/:orderId`, ({ params }) => {
                asked = String(params.orderId);
                return answer("order", body);
              }),
            );
            // An id may start with "-": after "--" it cannot be taken for an option.
            const r = await rx(
              ["orders", "show", "--username", "pat", ...(json ? ["--json"] : []), "--", orderId],
              {
                as: false,
              },
            );
            expectSound(r, JSON.stringify(body).slice(0, 3000), json);
            expect(asked).toBe(orderId);
            if (json) expect(JSON.parse(r.stdout).orderId).toBe(orderId);
            else expect(r.stdout).toContain(`Order ${printable(orderId)}`);
          },
        ),
        { numRuns: RUNS.show },
      );
    },
    TIMEOUT_MS,
  );
});

describe("id-card", () => {
  it(
    "shows the card in every allowed form",
    async () => {
      await fc.assert(
        fc.asyncProperty(a.idCard(), fc.boolean(), async (card, json) => {
          server.use(http.get(`${BASE}/id-card`, () => answer("id-card", card)));
          const r = await rx(["id-card"], { json });
          expectSound(r, JSON.stringify(card).slice(0, 3000), json);
          if (json) expect(JSON.parse(r.stdout).card.bin).toBe(safeText(String(card.bin)));
          else expect(r.stdout).toContain(`BIN: ${printable(String(card.bin))}`.trimEnd());
        }),
        { numRuns: RUNS.card },
      );
    },
    TIMEOUT_MS,
  );
});

describe("whoami", () => {
  it(
    "shows the member and every usable dependent",
    async () => {
      await fc.assert(
        fc.asyncProperty(a.me(), fc.boolean(), async (me, json) => {
          server.use(http.get(`${BASE}/me`, () => answer("me", me)));
          const r = await rx(["whoami"], { json });
          expectSound(r, JSON.stringify(me).slice(0, 3000), json);
          if (json) expect(JSON.parse(r.stdout).memberId).toBe(me.memberId);
          else expect(r.stdout).toContain(`member ${printable(String(me.memberId))}`);
        }),
        { numRuns: RUNS.whoami },
      );
    },
    TIMEOUT_MS,
  );
});

describe("status", () => {
  it(
    "reports every state, known or not; exit 69 only for maintenance and outage",
    async () => {
      await fc.assert(
        fc.asyncProperty(a.status(), fc.boolean(), async (status, json) => {
          server.use(http.get(`${BASE}/status`, () => answer("status", status)));
          const r = await rx(["status"], { json, signedIn: false, as: false });
          const down = status.status === "maintenance" || status.status === "outage";
          expectSound(
            { ...r, code: down && r.code === 69 ? 0 : r.code },
            JSON.stringify(status).slice(0, 3000),
            json,
          );
          // Kept as sent, control characters made spaces (docs/portal-api.md).
          if (json) expect(JSON.parse(r.stdout).status).toBe(safeText(String(status.status)));
          else expect(r.stdout).toMatch(/^Portal \(test\): /);
        }),
        { numRuns: RUNS.status },
      );
    },
    TIMEOUT_MS,
  );
});

const policy = () =>
  a.object({
    lockout: a.object({
      maxAttempts: fc.integer({ min: 3, max: 10 }),
      lockMinutes: fc.integer({ min: 1, max: 60 }),
    }),
    password: a.object({
      minLength: fc.integer({ min: 1, max: 12 }),
      maxLength: fc.integer({ min: 64, max: 256 }),
      requireClasses: fc.array(a.openEnum(["lower", "upper", "digit", "symbol"]), { maxLength: 4 }),
      minClasses: fc.integer({ min: 0, max: 4 }),
      disallowUsername: fc.boolean(),
    }),
    resetCode: a.object({
      length: fc.integer({ min: 4, max: 10 }),
      ttlMinutes: fc.integer({ min: 1, max: 60 }),
    }),
    mfa: a.object({ channels: fc.array(a.openEnum(["sms", "email", "totp"]), { maxLength: 3 }) }),
  });

describe("login", () => {
  it(
    "signs in with or without a second step, whatever channel and fields the portal sends",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          policy(),
          fc.option(a.mfaRequired(), { nil: undefined }),
          a.loginOk(),
          fc.boolean(),
          async (pol, mfa, ok, json) => {
            server.use(
              http.get(`${BASE}/auth/policy`, () => answer("policy", pol)),
              http.post(`${BASE}/auth/login`, () => answer("login", mfa ?? ok)),
              http.post(`${BASE}/auth/mfa/verify`, () => answer("mfa-verify", ok)),
            );
            const prompter = new ScriptedPrompter(["Correct-Horse-7", "123456"]);
            const r = await rx(["login"], { signedIn: false, prompter, json });
            expectSound(r, JSON.stringify({ pol, mfa, ok }).slice(0, 3000), json);
            const memberId = (ok.member as { memberId: string }).memberId;
            if (json) expect(JSON.parse(r.stdout).member.memberId).toBe(memberId);
          },
        ),
        { numRuns: RUNS.login },
      );
    },
    TIMEOUT_MS,
  );
});

describe("reset request", () => {
  it(
    "says a code was sent, whatever channel and fields the portal sends",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          a.resetAccepted(),
          fc.option(policy(), { nil: undefined }),
          fc.boolean(),
          async (sent, pol, json) => {
            server.use(
              http.post(`${BASE}/auth/password-reset`, () => answer("password-reset", sent, 202)),
              http.get(`${BASE}/auth/policy`, () =>
                pol ? answer("policy", pol) : HttpResponse.json({ nope: true }, { status: 200 }),
              ),
            );
            const r = await rx(["reset", "request"], { signedIn: false, json });
            expectSound(r, JSON.stringify({ sent, pol }).slice(0, 3000), json);
          },
        ),
        { numRuns: RUNS.reset },
      );
    },
    TIMEOUT_MS,
  );
});
