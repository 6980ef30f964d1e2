// `id-card` against msw: the card on stdout only, --save and --offline, and every failure, with the
// saved copy offered in the hint when the portal cannot be asked.
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BASE, oneErrorLine, problem, runMember, SHARED_FAILURES } from "./member.testing.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CARD = {
  memberId: "M1",
  name: "Alice Example",
  plan: "Choice PPO",
  group: "GRP-7781",
  bin: "610999",
  pcn: "PCN-42",
  rxGroup: "RXG-9",
  issuer: "Example Benefits",
  effectiveDate: "2026-01-01",
  helpPhone: "1-800-555-0199",
};
/** Values only the card holds: none of them may ever reach stderr. */
const SECRETS = [CARD.name, CARD.group, CARD.bin, CARD.pcn, CARD.rxGroup, CARD.plan];
const SAVED_AT = Date.parse("2026-02-10T09:30:00Z");

function serveCard(card: Record<string, unknown> = CARD) {
  const asked: (string | null)[] = [];
  server.use(
    http.get(`${BASE}/id-card`, ({ request }) => {
      asked.push(new URL(request.url).searchParams.get("memberId"));
      return HttpResponse.json(card, { headers: { "x-request-id": "req-card" } });
    }),
  );
  return asked;
}

function expectNoCardOnStderr(stderr: string) {
  for (const value of SECRETS) expect(stderr).not.toContain(value);
}

/** A folder with a saved copy of CARD (own card, or a dependent's with --member). */
async function savedCopy(member?: string): Promise<string> {
  serveCard(member ? { ...CARD, memberId: member } : CARD);
  const r = await runMember(["id-card", "--save", ...(member ? ["--member", member] : [])], {
    now: SAVED_AT,
  });
  expect(r.code).toBe(0);
  server.resetHandlers();
  return r.dir;
}

describe("id-card", () => {
  it("prints the card as one labelled fact per line, on stdout only", async () => {
    const asked = serveCard();
    const r = await runMember(["id-card", "--plain"]);
    expect(r.code).toBe(0);
    expect(asked).toEqual([null]);
    expect(r.stdout).toBe(
      [
        "Prescription ID card",
        "Member: Alice Example",
        "Member ID: M1",
        "Plan: Choice PPO",
        "Group: GRP-7781",
        "BIN: 610999",
        "PCN: PCN-42",
        "Rx group: RXG-9",
        "Issuer: Example Benefits",
        "Effective: 1 January 2026",
        "Help line: 1-800-555-0199",
        "",
      ].join("\n"),
    );
    expect(r.stderr).toBe("");
  });

  it("a card without an Rx group says so; --member asks for that member", async () => {
    const { rxGroup: _, ...noRxGroup } = CARD;
    const asked = serveCard({ ...noRxGroup, memberId: "M1-02" });
    const r = await runMember(["id-card", "--member", "M1-02"]);
    expect(asked).toEqual(["M1-02"]);
    expect(r.stdout).toContain("Rx group: not on this card\n");
  });

  it("--json: one document with the card and where it came from", async () => {
    serveCard();
    const r = await runMember(["id-card", "--json"]);
    expect(JSON.parse(r.stdout)).toEqual({ source: "portal", card: CARD });
  });

  it("--save keeps a 0600 copy in a 0700 folder with savedAt; stderr names the folder, not the card", async () => {
    serveCard();
    const r = await runMember(["id-card", "--save", "--json"], { now: SAVED_AT });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.savedCopy.savedAt).toBe("2026-02-10T09:30:00.000Z");
    const file = doc.savedCopy.file as string;
    expect(file).toBe(join(r.dir, "data", "id-cards", "test.M1.json"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(r.dir, "data", "id-cards")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({
      version: 1,
      savedAt: "2026-02-10T09:30:00.000Z",
      profile: "test",
      username: "pat",
      self: true,
      card: CARD,
    });
    expect(r.stderr).toMatch(/Saved an offline copy in .*id-cards \(only you can read it\)/);
    expectNoCardOnStderr(r.stderr);
  });

  it("--offline shows the saved copy, marked with its date, without any request", async () => {
    const dir = await savedCopy();
    let requests = 0;
    server.events.on("request:start", () => {
      requests += 1;
    });
    const r = await runMember(["id-card", "--offline", "--plain"], { dir, signedIn: false });
    server.events.removeAllListeners();
    expect(r.code).toBe(0);
    expect(requests).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("Saved copy from Tue, 10 Feb 2026, 09:30 UTC; may be out of date.");
    expect(lines).toContain("BIN: 610999");
    expectNoCardOnStderr(r.stderr);
  });

  it("--offline --json marks the copy as possibly out of date", async () => {
    const dir = await savedCopy("M1-01");
    const r = await runMember(["id-card", "--offline", "--member", "M1-01", "--json"], { dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      source: "saved copy",
      savedAt: "2026-02-10T09:30:00.000Z",
      mayBeOutOfDate: true,
      card: { ...CARD, memberId: "M1-01" },
    });
    expect(r.stderr).toContain("may be out of date");
    expectNoCardOnStderr(r.stderr);
  });

  it("--offline for the member does not show a dependent's saved card", async () => {
    const dir = await savedCopy("M1-01");
    const r = await runMember(["id-card", "--offline"], { dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
  });

  it("--offline with no saved copy: exit 1 with a next step", async () => {
    const r = await runMember(["id-card", "--offline"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(
      /No saved ID card for you on profile test\. Your pharmacy can usually look up your coverage.*`rxportal contacts`.*`rxportal id-card --save`/,
    );
  });

  it("a damaged saved copy: exit 1 naming the file, no stack", async () => {
    const dir = await savedCopy();
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, "data", "id-cards", "test.M1.json"), "{not json");
    const r = await runMember(["id-card", "--offline", "--member", "M1"], { dir });
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/saved ID card .*test\.M1\.json cannot be read/);
  });

  it("--offline with --save is a usage error (64)", async () => {
    const r = await runMember(["id-card", "--offline", "--save"]);
    expect(r.code).toBe(64);
  });

  it("403 for a member outside the family: exit 1, named", async () => {
    server.use(http.get(`${BASE}/id-card`, () => problem(403, "forbidden")));
    const r = await runMember(["id-card", "--member", "X9"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/may not act for member X9.*req-403-forbidden/);
  });

  it("404 (a portal without the card): exit 1", async () => {
    server.use(http.get(`${BASE}/id-card`, () => problem(404, "not_found")));
    const r = await runMember(["id-card"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/req-404-not_found/);
  });

  for (const failure of SHARED_FAILURES) {
    it(`${failure.name}: exit ${failure.exit}, no saved copy mentioned when there is none`, async () => {
      server.use(http.get(`${BASE}/id-card`, failure.reply));
      const r = await runMember(["id-card"]);
      expect(r.code).toBe(failure.exit);
      const line = oneErrorLine(r.stderr);
      expect(line).toMatch(failure.says);
      expect(line).not.toContain("--offline");
    });
  }

  for (const failure of SHARED_FAILURES) {
    it(`${failure.name} with a saved copy: same exit, the hint offers --offline and its date`, async () => {
      const dir = await savedCopy();
      server.use(http.get(`${BASE}/id-card`, failure.reply));
      const r = await runMember(["id-card"], { dir });
      expect(r.code).toBe(failure.exit);
      const line = oneErrorLine(r.stderr);
      expect(line).toMatch(failure.says);
      expect(line).toContain(
        "A saved copy of the ID card from Tue, 10 Feb 2026, 09:30 UTC is on this computer: `rxportal id-card --offline` shows it.",
      );
      expect(r.stdout).toBe("");
      expectNoCardOnStderr(r.stderr);
    });
  }

  it("sign-in impossible (77) with a dependent's saved copy: the hint names --member", async () => {
    const dir = await savedCopy("M1-02");
    const r = await runMember(["id-card", "--member", "M1-02", "--json"], { dir, signedIn: false });
    expect(r.code).toBe(77);
    const error = JSON.parse(r.stdout).error;
    expect(error).toMatchObject({ exitCode: 77, code: "not_signed_in" });
    expect(error.hint).toContain("`rxportal id-card --offline --member M1-02`");
  });

  it("a malformed card (schema mismatch) is exit 69 and never quotes the card", async () => {
    serveCard({ ...CARD, bin: 610999 });
    const r = await runMember(["id-card"]);
    expect(r.code).toBe(69);
    expect(oneErrorLine(r.stderr)).toMatch(/does not match the expected format at bin/);
    expectNoCardOnStderr(r.stderr);
  });
});
