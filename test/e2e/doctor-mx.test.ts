// End to end: the doctor's mail check ("can the recovery address's domain receive mail?") through
// the built binary, against tiny DNS servers on 127.0.0.1 (RXPORTAL_DNS_SERVERS), no internet.
// A resolver that denies everything, the root included, must not make rxportal tell a member
// that gmail.com does not exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startDnsServer, type TestDnsServer } from "../helpers/dns-server.js";
import { runCli } from "../helpers/spawn.js";

let working: TestDnsServer;
let broken: TestDnsServer;
beforeAll(async () => {
  working = await startDnsServer({
    names: { "": ROOT, "gmail.com": { mx: [[5, "gmail-smtp-in.l.google.com"]] } },
    otherwise: { rcode: 3 },
  });
  broken = await startDnsServer({ names: {}, otherwise: { rcode: 3 } });
});
afterAll(() => Promise.all([working.close(), broken.close()]));

const doctor = (email: string, server: string, json = false) =>
  runCli(
    [
      "doctor",
      "--sandbox",
      "--answer",
      "start=reset",
      "--answer",
      "reset=no-code",
      "--answer",
      `email=${email}`,
      "--answer",
      "reset-spam=no",
      ...(json ? ["--json"] : []),
    ],
    { env: { RXPORTAL_DNS_SERVERS: server } },
  );

describe("rxportal doctor: the mail check (built binary, local DNS)", () => {
  it("a resolver that answers nothing, not even the root: 'could not check', never 'does not exist'", async () => {
    const r = await doctor("pat@gmail.com", broken.server);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /^COULD NOT CHECK: Mail for the recovery address: Could not check: This computer's DNS server does not answer even for the internet's root, so whether gmail\.com takes email is unknown/m,
    );
    expect(r.stdout).not.toMatch(/does not exist/);
    // The walk goes on to the spam question instead of ending at "your domain cannot receive mail".
    expect(r.stdout).toContain("Diagnosis: Give the message a few minutes");
    expect(broken.questions).toContain(" NS");
  });

  it("a working resolver that says the domain does not exist: the domain is blamed", async () => {
    const r = await doctor("pat@gmial.com", working.server);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /^PROBLEM: Mail for the recovery address: The domain gmial\.com does not exist/m,
    );
    expect(r.stdout).toContain("Diagnosis: Your recovery email's domain cannot receive mail");
  });

  it("a working resolver with mail servers: OK, and --json carries the evidence", async () => {
    const r = await doctor("pat@gmail.com", working.server, true);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const doc = JSON.parse(r.stdout) as {
      steps: { kind: string; probe?: string; outcome?: string; evidence?: unknown }[];
    };
    const mx = doc.steps.find((s) => s.kind === "probe" && s.probe === "mx");
    expect(mx).toMatchObject({
      outcome: "ok",
      evidence: { domain: "gmail.com", exchanges: ["gmail-smtp-in.l.google.com"] },
    });
  });

  it("--json for the broken resolver: outcome unknown with code ERESOLVER", async () => {
    const r = await doctor("pat@gmail.com", broken.server, true);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      steps: { kind: string; probe?: string; outcome?: string; evidence?: unknown }[];
    };
    expect(doc.steps.find((s) => s.probe === "mx")).toMatchObject({
      outcome: "unknown",
      evidence: { domain: "gmail.com", code: "ERESOLVER" },
    });
  });
});
