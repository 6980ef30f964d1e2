// End to end: the built binary (bin/rxportal.js) against a tiny node:http portal that takes the
// latitudes the contract allows, one item of issue 10 part 1 per test, then a sample of generated
// answers to prove the bundle reads them as the in-process suite does (variation.test.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunResult, runCli, tempHome } from "../helpers/spawn.js";
import * as a from "./arbitraries.js";

type Route = (req: IncomingMessage, body: string) => { status?: number; body: unknown };
let routes: Record<string, Route> = {};
let server: Server;
let home: string;
let served = 0;

const POLICY = {
  lockout: { maxAttempts: 5, lockMinutes: 15 },
  password: { minLength: 8, maxLength: 128, requireClasses: [], minClasses: 0, disallowUsername: false },
  resetCode: { length: 6, ttlMinutes: 15 },
  mfa: { channels: ["sms"] },
};
const LOGIN_OK = {
  result: "ok",
  accessToken: "at-1",
  refreshToken: null,
  expiresIn: "900",
  member: { memberId: "M1", name: "Pat", nickname: "P" },
};
const ME = {
  memberId: "M1",
  name: "Pat",
  dateOfBirth: "1980-01-01",
  enrolleeType: "commercial",
  recoveryEmailHint: "p***@example.com",
  phoneHint: "***-1234",
  dependents: [],
};
const signedIn: Record<string, Route> = {
  "GET /auth/policy": () => ({ body: POLICY }),
  "POST /auth/login": () => ({ body: LOGIN_OK }),
  "GET /me": () => ({ body: ME }),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/api\/v1/, "");
      const key = `${req.method} ${path}`;
      const route = routes[key] ?? routes[`${req.method} ${path.replace(/\/[^/]+$/, "/:id")}`];
      served++;
      const answer = route
        ? route(req, body)
        : { status: 404, body: { type: "about:blank", title: "No", status: 404, code: "not_found" } };
      const status = answer.status ?? 200;
      res.writeHead(status, {
        "content-type": status >= 400 ? "application/problem+json" : "application/json; charset=utf-8",
        "x-request-id": `req-${served}`,
      });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: other\nprofiles:\n  other:\n    baseUrl: http://127.0.0.1:${port}/api/v1\n    username: pat\n`,
  );
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  routes = { ...signedIn };
});

const env = { RXPORTAL_PASSWORD: "Correct-Horse-7" };
const rx = (args: string[], input?: string) => runCli(args, { home, env, input, timeoutMs: 30_000 });

function expectSound(r: RunResult, code = 0): void {
  const all = `exit ${r.code}\nstdout:\n${r.stdout.slice(0, 1500)}\nstderr:\n${r.stderr.slice(0, 1500)}`;
  expect(r.signal, all).toBeNull();
  expect(r.stderr, all).not.toMatch(/internal error/i);
  expect(r.stderr, all).not.toMatch(/\n\s+at .+:\d+:\d+/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
  expect(r.stdout + r.stderr, all).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(r.code, all).toBe(code);
}

const RX = (rxId: string, extra: Record<string, unknown> = {}) => ({
  rxId,
  memberId: "M1",
  drug: "Sertraline",
  strength: "50 mg",
  quantity: 30,
  daysSupply: 30,
  refillsRemaining: 2,
  autoRefill: false,
  status: "active",
  ...extra,
});
const ORDER = (orderId: string, extra: Record<string, unknown> = {}) => ({
  orderId,
  memberId: "M1",
  status: "shipped",
  items: [{ rxId: "RX1", drug: "Sertraline" }],
  createdAt: "2026-03-01T10:00:00Z",
  updatedAt: "2026-03-02T10:00:00Z",
  ...extra,
});

describe("one odd field no longer makes a whole list unreadable", () => {
  it("refill list shows the readable prescriptions and names the unreadable one with the request id", async () => {
    routes["GET /prescriptions"] = () => ({
      body: {
        items: [
          RX("RX1", { lastFilled: null, nextEligibleDate: null, status: "on_hold", formulary: { tier: 2 } }),
          { rxId: "RX2", drug: "Metformin" },
          RX("RX3", { quantity: "90", daysSupply: 90.5 }),
        ],
      },
    });
    const r = await rx(["refill", "list"]);
    expectSound(r);
    expect(r.stdout).toMatch(
      /Rx: RX1; Drug: Sertraline 50 mg; Status: on_hold \(status not known to rxportal\)/,
    );
    expect(r.stdout).toContain("Rx: RX3");
    expect(r.stdout).not.toContain("RX2");
    expect(r.stderr).toMatch(/1 prescription in the portal's answer could not be read; the rest are shown\./);
    expect(r.stderr).toMatch(/prescription 2 \(RX2\) of member M1: memberId: missing .*; request id req-\d+/);
    expect(r.stderr).not.toContain("Metformin");

    const j = await rx(["refill", "list", "--json"]);
    expectSound(j);
    const doc = JSON.parse(j.stdout);
    expect(doc.members[0].prescriptions.map((p: { rxId: string }) => p.rxId)).toEqual(["RX1", "RX3"]);
    expect(doc.problems).toEqual([
      {
        index: 1,
        id: "RX2",
        reason: expect.stringMatching(/^memberId: missing/),
        memberId: "M1",
        requestId: expect.stringMatching(/^req-/),
      },
    ]);
  });

  it("only an envelope that is wrong is a schema error (69)", async () => {
    routes["GET /prescriptions"] = () => ({ body: { items: { RX1: RX("RX1") } } });
    const r = await rx(["refill", "list"]);
    expectSound(r, 69);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^rxportal: The portal's answer to listPrescriptions does not match the expected format at items/m,
    );
  });
});

describe("every form the contract allows", () => {
  it("orders: unknown status, RFC 3339 in every form, ids with slashes and unicode", async () => {
    routes["GET /orders"] = () => ({
      body: {
        items: [
          ORDER("ORD/2026/7", {
            status: "on_hold",
            createdAt: "2026-03-05t10:00:00.123456789z",
            tracking: null,
          }),
          ORDER("名前-1", { createdAt: "2026-03-04 10:00:00-00:00", updatedAt: "2016-12-31T23:59:60Z" }),
          ORDER("ORD-3", {
            createdAt: "2026-03-03T12:00:00+02:00",
            tracking: { carrier: "Parcel\u001b[2J Co", number: "PC1", url: null },
          }),
        ],
      },
    });
    const r = await rx(["orders"]);
    expectSound(r);
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(";")[0])).toEqual(["Order: ORD/2026/7", "Order: 名前-1", "Order: ORD-3"]);
    expect(lines[0]).toContain("Status: on_hold (status not known to rxportal)");
    expect(lines[0]).toContain("Ordered: Thu, 5 Mar 2026, 10:00 UTC");
    expect(lines[1]).toContain("Last change: Sat, 31 Dec 2016, 23:59 UTC");
    expect(lines[2]).toContain("Ordered: Tue, 3 Mar 2026, 10:00 UTC");
  });

  it("orders show: an id with a slash is sent back encoded, and an unknown status has neutral words", async () => {
    let asked = "";
    routes["GET /orders/:id"] = (req) => {
      asked = req.url ?? "";
      return {
        body: ORDER("ORD/2026/7", {
          status: "returned_to_sender",
          items: [{ rxId: "RX1", drug: "A" }, { drug: 5 }],
        }),
      };
    };
    const r = await rx(["orders", "show", "ORD/2026/7"]);
    expectSound(r);
    expect(asked).toBe("/api/v1/orders/ORD%2F2026%2F7");
    expect(r.stdout).toContain("Status: returned_to_sender (status not known to rxportal)");
    expect(r.stdout).toContain("Progress: not known to rxportal");
    expect(r.stdout).toContain("Items: A (RX1)");
    expect(r.stderr).toMatch(
      /1 item in the portal's answer could not be read.*\n {2}item 2 of order ORD\/2026\/7: rxId: missing/,
    );
  });

  it("id-card: null optional field, extra fields, control characters made harmless", async () => {
    routes["GET /id-card"] = () => ({
      body: {
        memberId: "M1",
        name: "Pat\u001b]0;owned\u0007",
        plan: "Gold",
        group: "G1",
        bin: "999901",
        pcn: "PCN",
        rxGroup: null,
        issuer: "Plan Co",
        effectiveDate: "2026-01-01",
        helpPhone: "1-800",
        cardArt: "https://x/card.png",
      },
    });
    const r = await rx(["id-card"]);
    expectSound(r);
    expect(r.stdout).toContain("Member: Pat ]0;owned");
    expect(r.stdout).toContain("Rx group: not on this card");
    expect(r.stdout).toContain("Effective: 1 January 2026");
  });

  it("status: unknown state and component are shown as sent, exit 0, with a note", async () => {
    routes["GET /status"] = () => ({
      body: {
        status: "partially_available",
        message: null,
        components: [
          { name: "login", status: "operational" },
          { name: "kiosk", status: "paused" },
          { name: 7 },
        ],
        maintenance: null,
        apps: { ios: { minimum: "5.2", latest: "5.4.1" }, android: { minimum: "5.2.0", latest: "5.4.1" } },
        serverTime: new Date().toISOString().replace("T", " "),
      },
    });
    const r = await rx(["status"]);
    expectSound(r);
    expect(r.stdout).toContain("Portal (other): partially_available (state not known to rxportal)");
    expect(r.stdout).toContain(
      "Service: kiosk (component not known to rxportal); State: paused (state not known to rxportal)",
    );
    expect(r.stderr).toMatch(
      /\n {2}component 3: name: expected string, received number; status: missing \(expected string\); request id req-\d+/,
    );
    expect(r.stderr).toMatch(/a state rxportal does not know \(partially_available\)/);
  });

  it("login: an MFA channel rxportal does not know, and expiresIn as a string", async () => {
    routes["POST /auth/login"] = () => ({
      body: {
        result: "mfa_required",
        challengeId: "ch-1",
        channel: "carrier_pigeon",
        destinationHint: "loft 3",
        expiresIn: "300",
      },
    });
    routes["POST /auth/mfa/verify"] = () => ({ body: LOGIN_OK });
    const r = await rx(["login", "--password-stdin"], "Correct-Horse-7\n123456\n");
    expectSound(r);
    expect(r.stderr).toContain("carrier_pigeon");
    expect(r.stderr).toContain("loft 3");
  });

  it("register: a newer channel, a null hint, expiresIn as a string, extra fields; a 409 without suggestions", async () => {
    routes["POST /auth/register"] = () => ({
      status: 202,
      body: {
        result: "verify",
        challengeId: "c-1",
        channel: "postcard",
        destinationHint: null,
        expiresIn: "900",
        extra: 1,
      },
    });
    routes["POST /auth/register/verify"] = (_req, body) =>
      JSON.parse(body).code === "123456"
        ? {
            status: 201,
            body: {
              result: "ok",
              username: "pat.new",
              member: { memberId: "M1", name: "Pat\u001b[31m", nickname: "P" },
            },
          }
        : {
            status: 401,
            body: {
              type: "about:blank",
              title: "No",
              status: 401,
              code: "invalid_code",
              attemptsRemaining: 2,
            },
          };
    const args = [
      "register",
      "--first-name",
      "Pat",
      "--last-name",
      "Other",
      "--dob",
      "1980-01-01",
      "--member-id",
      "M1",
    ];
    args.push("--username", "pat.new", "--email", "p@example.com", "--password-stdin", "--code-stdin");
    const r = await rx(args, "Lantern-Orbit-Maple-43\n123456\n");
    expectSound(r);
    expect(r.stdout).toMatch(/^The account pat\.new is ready for Pat/);
    expect(r.stderr).not.toContain("undefined");

    routes["POST /auth/register"] = () => ({
      status: 409,
      body: { type: "about:blank", title: "Taken", status: 409, code: "username_taken" },
    });
    const taken = await rx(args, "Lantern-Orbit-Maple-43\n");
    expectSound(taken, 1);
    expect(taken.stderr).toMatch(/^rxportal: The username pat\.new is taken\. Run/m);
  });

  it("reset request: unknown channel, absent hint", async () => {
    routes["POST /auth/password-reset"] = () => ({ status: 202, body: { message: "Sent", channel: "fax" } });
    const r = await rx(["reset", "request"]);
    expectSound(r);
    expect(r.stdout + r.stderr).not.toContain("undefined");
  });
});

describe("formatters are built once", () => {
  it("orders with 10,000 orders stays quick", async () => {
    const items = Array.from({ length: 10_000 }, (_, i) =>
      ORDER(`ORD-${i}`, { createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() }),
    );
    routes["GET /orders"] = () => ({ body: { items } });
    const r = await rx(["orders"]);
    expectSound(r);
    expect(r.stdout.trim().split("\n")).toHaveLength(10_000);
    console.log(`orders, 10,000 orders: ${r.ms} ms`);
    expect(r.ms).toBeLessThan(15_000);
  }, 60_000);
});

describe("generated answers through the built binary", () => {
  it("a sample of the variation suite's answers: exit 0, no internal error, nothing raw on the terminal", async () => {
    const cases: { args: string[]; route: string; body: () => unknown; status?: number }[] = [
      ...fc.sample(a.listWith(a.prescription(), "rxId"), { numRuns: 6 }).map((l) => ({
        args: ["refill", "list"],
        route: "GET /prescriptions",
        body: () => ({ items: l.items }),
      })),
      ...fc
        .sample(a.listWith(a.order(), "orderId"), { numRuns: 6 })
        .map((l) => ({ args: ["orders", "--json"], route: "GET /orders", body: () => ({ items: l.items }) })),
      ...fc
        .sample(a.idCard(), { numRuns: 4 })
        .map((c) => ({ args: ["id-card"], route: "GET /id-card", body: () => c })),
      ...fc
        .sample(a.status(), { numRuns: 6 })
        .map((s) => ({ args: ["status", "--json"], route: "GET /status", body: () => s })),
      ...fc.sample(a.resetAccepted(), { numRuns: 4 }).map((s) => ({
        args: ["reset", "request"],
        route: "POST /auth/password-reset",
        body: () => s,
        status: 202,
      })),
    ];
    let done = 0;
    // Four at a time: the machine is shared.
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async (c) => {
          // Cases running together may be served one another's answer: each is still one the
          // contract allows, and what is asserted holds for any of them.
          routes = { ...routes, [c.route]: () => ({ status: c.status, body: c.body() }) };
          const r = await rx(c.args);
          const down =
            c.args[0] === "status" &&
            r.code === 69 &&
            ["maintenance", "outage"].includes(JSON.parse(r.stdout).status);
          expectSound(r, down ? 69 : 0);
          done++;
        }),
      );
    }
    console.log(`contract variation (built binary): ${done} responses`);
  }, 240_000);
});
