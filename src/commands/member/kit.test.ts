// `kit` against msw: --save asks the portal for the card and the prescriptions and keeps them;
// `kit` alone makes no request at all and shows the saved kit with its age; every failure of
// --save keeps its exit code and points at the saved kit when there is one.
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BASE, oneErrorLine, runMember, SHARED_FAILURES } from "./member.testing.js";

const server = setupServer();
const requests: string[] = [];
beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", ({ request }) => {
    requests.push(new URL(request.url).pathname);
  });
});
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

const CARD = {
  memberId: "M1",
  name: "Alice Example",
  plan: "Choice PPO",
  group: "GRP-7781",
  bin: "610999",
  pcn: "PCN-42",
  issuer: "Example Benefits",
  effectiveDate: "2026-01-01",
  helpPhone: "1-800-555-0199",
};
const RX = [
  {
    rxId: "RX-1",
    memberId: "M1",
    drug: "Levothyroxine",
    strength: "50 mcg",
    quantity: 90,
    daysSupply: 90,
    refillsRemaining: 1,
    lastFilled: "2026-01-20",
    nextEligibleDate: "2026-04-01",
    autoRefill: false,
    status: "active",
    prescriber: "Dr. Q. Example",
  },
  {
    rxId: "RX-2",
    memberId: "M1",
    drug: "Insulin glargine",
    strength: "100 units/mL",
    quantity: 5,
    daysSupply: 30,
    refillsRemaining: 0,
    autoRefill: false,
    status: "no_refills",
  },
];
/** Values only the kit holds: none may reach stderr. */
const PRIVATE = ["Alice Example", "GRP-7781", "610999", "Levothyroxine", "Insulin glargine"];
const SAVED_AT = Date.parse("2026-02-10T09:30:00Z");
const DAY = 24 * 3600 * 1000;

function servePortal(items: unknown[] = RX, card: Record<string, unknown> = CARD) {
  const asked: (string | null)[] = [];
  server.use(
    http.get(`${BASE}/id-card`, ({ request }) => {
      asked.push(new URL(request.url).searchParams.get("memberId"));
      return HttpResponse.json(card, { headers: { "x-request-id": "req-card" } });
    }),
    http.get(`${BASE}/prescriptions`, ({ request }) => {
      asked.push(new URL(request.url).searchParams.get("memberId"));
      return HttpResponse.json({ items }, { headers: { "x-request-id": "req-rx" } });
    }),
  );
  return asked;
}

function expectNothingPrivate(stderr: string) {
  for (const value of PRIVATE) expect(stderr).not.toContain(value);
}

async function savedKit(member?: string): Promise<string> {
  servePortal(
    member ? RX.map((r) => ({ ...r, memberId: member })) : RX,
    member ? { ...CARD, memberId: member } : CARD,
  );
  const r = await runMember(["kit", "--save", ...(member ? ["--member", member] : [])], { now: SAVED_AT });
  expect(r.code, r.stderr).toBe(0);
  server.resetHandlers();
  requests.length = 0;
  return r.dir;
}

describe("kit --save", () => {
  it("asks for the card and the member's prescriptions, shows the kit, keeps it 0600 and says where", async () => {
    const asked = servePortal();
    const r = await runMember(["kit", "--save"], { now: SAVED_AT });
    expect(r.code, r.stderr).toBe(0);
    expect(asked).toEqual([null, "M1"]);
    expect(r.stdout).toMatch(
      /^Emergency medicine kit\nSaved Tue, 10 Feb 2026, 09:30 UTC \(today\), from the portal\./,
    );
    expect(r.stdout).toContain("1. Levothyroxine 50 mcg: quantity 90, 90 days' supply");
    expect(r.stdout).toContain("   Next refill from: 1 April 2026");
    expect(r.stdout).toContain("   Status: no refills left; prescription RX-2");
    expect(r.stdout).toContain("   Last filled: not known");
    expect(r.stderr).toMatch(/Saved the emergency kit in .*kits \(only you can read it\)/);
    expectNothingPrivate(r.stderr);
    const file = join(r.dir, "data", "kits", "test.M1.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(r.dir, "data", "kits")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: 1, self: true, memberId: "M1" });
    // The ID card copy is refreshed too.
    expect(statSync(join(r.dir, "data", "id-cards", "test.M1.json")).mode & 0o777).toBe(0o600);
  });

  it("--verbose traces the requests on stderr, never the card or the medicines", async () => {
    servePortal();
    const r = await runMember(["--verbose", "kit", "--save"], { now: SAVED_AT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/GET .*\/prescriptions/);
    expectNothingPrivate(r.stderr);
  });

  it("--member asks for that member, and keeps the kit under that member", async () => {
    const asked = servePortal(
      RX.map((r) => ({ ...r, memberId: "M1-02" })),
      { ...CARD, memberId: "M1-02" },
    );
    const r = await runMember(["kit", "--save", "--member", "M1-02", "--json"], { now: SAVED_AT });
    expect(r.code, r.stderr).toBe(0);
    expect(asked).toEqual(["M1-02", "M1-02"]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ source: "portal", memberId: "M1-02", mayBeOutOfDate: false });
    expect(doc.medications).toHaveLength(2);
    expect(r.stderr).toContain("`rxportal kit --member M1-02` shows it");
  });

  it("unreadable prescriptions are named on stderr (no drug names) and the rest are kept", async () => {
    servePortal([RX[0], { rxId: "RX-BAD", memberId: "M1", drug: "Secretdrug", quantity: "lots" }]);
    const r = await runMember(["kit", "--save", "--json"], { now: SAVED_AT });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).medications.map((m: { rxId: string }) => m.rxId)).toEqual(["RX-1"]);
    expect(r.stderr).toMatch(/1 prescription in the portal's answer could not be read/);
    expect(r.stderr).toMatch(/RX-BAD/);
    expect(r.stderr).not.toContain("Secretdrug");
  });

  for (const failure of SHARED_FAILURES) {
    it(`${failure.name}: exit ${failure.exit}; with a saved kit the hint says \`rxportal kit\` shows it`, async () => {
      server.use(http.get(`${BASE}/id-card`, failure.reply));
      const none = await runMember(["kit", "--save"]);
      expect(none.code).toBe(failure.exit);
      expect(oneErrorLine(none.stderr)).toMatch(failure.says);
      expect(oneErrorLine(none.stderr)).not.toContain("rxportal kit`");

      const dir = await savedKit();
      server.use(http.get(`${BASE}/id-card`, failure.reply));
      const r = await runMember(["kit", "--save"], { dir });
      expect(r.code).toBe(failure.exit);
      expect(r.stdout).toBe("");
      const line = oneErrorLine(r.stderr);
      expect(line).toMatch(failure.says);
      expect(line).toContain(
        "The kit saved Tue, 10 Feb 2026, 09:30 UTC is on this computer: `rxportal kit` shows it.",
      );
      expectNothingPrivate(r.stderr);
    });
  }
});

describe("kit (offline)", () => {
  it("shows the saved kit with its age and what a pharmacy can do, without a single request", async () => {
    const dir = await savedKit();
    const r = await runMember(["kit"], { dir, now: SAVED_AT + 3 * DAY, signedIn: false });
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toEqual([]);
    expect(r.stdout).toMatch(
      /^Emergency medicine kit\nSaved Tue, 10 Feb 2026, 09:30 UTC \(3 days ago\); it may be out of date\.\n\nPrescription ID card\nMember: Alice Example\n/,
    );
    // The portal sent a prescriber for RX-1 only (outside the contract; the reading schema keeps
    // it): shown there, and for RX-2 nothing rather than "not given".
    expect(r.stdout).toContain("   Prescriber: Dr. Q. Example\n");
    expect(r.stdout.match(/Prescriber/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/At the pharmacy\n.*\n.*emergency supply.*Ask the pharmacist/);
    expect(r.stderr).toBe("");
  });

  it("--json: the saved kit, its age, and the pharmacy note", async () => {
    const dir = await savedKit();
    const r = await runMember(["kit", "--json"], { dir, now: SAVED_AT + 10 * DAY });
    expect(r.code).toBe(0);
    expect(requests).toEqual([]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      source: "saved copy",
      savedAt: "2026-02-10T09:30:00.000Z",
      savedAgo: "10 days ago",
      mayBeOutOfDate: true,
      card: { bin: "610999" },
    });
    expect(doc.medications[0]).toMatchObject({ rxId: "RX-1", drug: "Levothyroxine", daysSupply: 90 });
    expect(doc.pharmacyNote.join(" ")).toMatch(/emergency supply/);
  });

  it("an old kit gets a word on stderr to save a new one", async () => {
    const dir = await savedKit();
    const r = await runMember(["kit", "--plain"], { dir, now: SAVED_AT + 120 * DAY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(4 months ago)");
    expect(r.stderr).toMatch(/several months old.*rxportal kit --save/);
    expectNothingPrivate(r.stderr);
  });

  it("a dependent's kit is shown only with --member, never as the member's own", async () => {
    const dir = await savedKit("M1-02");
    const mine = await runMember(["kit"], { dir });
    expect(mine.code).toBe(1);
    expect(oneErrorLine(mine.stderr)).toMatch(/No saved emergency kit for you on profile test\./);
    const theirs = await runMember(["kit", "--member", "M1-02"], { dir });
    expect(theirs.code).toBe(0);
    expect(theirs.stdout).toContain("Member ID: M1-02");
    expect(requests).toEqual([]);
  });

  it("--out writes one private page; a folder or another extension is a usage error", async () => {
    const dir = await savedKit();
    const out = join(dir, "print", "kit.html");
    const r = await runMember(["kit", "--out", out], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, "utf8")).toMatch(/^<!DOCTYPE html>[\s\S]*Levothyroxine[\s\S]*Insulin glargine/);
    expectNothingPrivate(r.stderr);

    mkdirSync(join(dir, "folder.html"));
    const folder = await runMember(["kit", "--out", join(dir, "folder.html")], { dir });
    expect(folder.code).toBe(64);
    expect(oneErrorLine(folder.stderr)).toMatch(/that is a folder, not a file/);
    const txt = await runMember(["kit", "--out", join(dir, "kit.pdf")], { dir });
    expect(txt.code).toBe(64);
    expect(oneErrorLine(txt.stderr)).toMatch(/give a name ending in \.html/);
    expect(requests).toEqual([]);
  });
});
