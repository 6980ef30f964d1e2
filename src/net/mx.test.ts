import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startDnsServer, type TestDnsServer } from "../../test/helpers/dns-server.js";
import { dnsServersFromEnv, lookupMx } from "./mx.js";

// A working resolver: `mail.example` has two MX records, `null.example` the RFC 7505 null MX,
// `nomail.example` exists without MX (NOERROR, no answers), `slow.example` never answers,
// anything else is NXDOMAIN; the root answers.
let dns: TestDnsServer;
// Broken resolvers (offline, captive portal, dead forwarder): NXDOMAIN for every name, root too;
// or NOERROR without data for every name.
let denies: TestDnsServer;
let empty: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer({
    names: {
      "": ROOT,
      "mail.example": {
        mx: [
          [20, "backup.mail.example"],
          [10, "mx1.mail.example"],
        ],
      },
      "null.example": { mx: [[0, ""]] },
      "nomail.example": {},
      "slow.example": "silent",
    },
  });
  denies = await startDnsServer({ names: {}, otherwise: { rcode: 3 } });
  empty = await startDnsServer({ names: {}, otherwise: {} });
});
afterAll(() => Promise.all([dns.close(), denies.close(), empty.close()]));

describe("lookupMx", () => {
  const opts = () => ({ timeoutMs: 1000, servers: [dns.server] });

  it("lists the mail servers, best preference first", async () => {
    expect(await lookupMx("mail.example", opts())).toEqual({
      ok: true,
      exchanges: ["mx1.mail.example", "backup.mail.example"],
    });
  });

  it("a domain that does not exist is ENOTFOUND; one without MX, or with the null MX, is ENODATA", async () => {
    const missing = await lookupMx("no-such.example", opts());
    expect(missing).toMatchObject({ ok: false, code: "ENOTFOUND" });
    if (!missing.ok) expect(missing.message).toMatch(/does not exist/);
    expect(await lookupMx("nomail.example", opts())).toMatchObject({ ok: false, code: "ENODATA" });
    const nullMx = await lookupMx("null.example", opts());
    expect(nullMx).toMatchObject({ ok: false, code: "ENODATA" });
    if (!nullMx.ok) expect(nullMx.message).toMatch(/no mail servers/);
  });

  it("a resolver that denies every name, the root too, is blamed instead of the member's domain", async () => {
    for (const server of [denies, empty]) {
      const before = server.questions.length;
      const r = await lookupMx("gmail.com", { timeoutMs: 1000, servers: [server.server] });
      expect(r).toMatchObject({ ok: false, code: "ERESOLVER" });
      if (!r.ok) {
        expect(r.message).not.toMatch(/does not exist|has no mail servers/);
        expect(r.message).toMatch(/DNS server does not answer even for the internet's root/);
        expect(r.message).toContain("gmail.com");
      }
      // It asked for the domain's MX, then for the root's NS.
      expect(server.questions.slice(before)).toEqual(["gmail.com MX", " NS"]);
    }
  });

  it("the root is asked only when the answer would blame the domain", async () => {
    const before = dns.questions.length;
    await lookupMx("mail.example", opts());
    await lookupMx("null.example", opts());
    expect(dns.questions.slice(before)).toEqual(["mail.example MX", "null.example MX"]);
  });

  it("for any name the resolver denies: ENOTFOUND from a working resolver, ERESOLVER from a broken one", async () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
    await fc.assert(
      fc.asyncProperty(fc.array(label, { minLength: 1, maxLength: 3 }), async (labels) => {
        const domain = `${labels.join(".")}.test`;
        const good = await lookupMx(domain, { timeoutMs: 1000, servers: [dns.server] });
        const bad = await lookupMx(domain, { timeoutMs: 1000, servers: [denies.server] });
        expect(good).toMatchObject({ ok: false, code: "ENOTFOUND" });
        expect(bad).toMatchObject({ ok: false, code: "ERESOLVER" });
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it("a DNS server that never answers: a timeout code within the budget", async () => {
    const started = performance.now();
    const result = await lookupMx("slow.example", { timeoutMs: 300, servers: [dns.server] });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe("ETIMEOUT");
  });

  it("a resolver whose root question never comes back: a timeout, not a verdict on the domain", async () => {
    const halfDead = await startDnsServer({ names: { "": "silent" } });
    try {
      const started = performance.now();
      const r = await lookupMx("gmail.com", { timeoutMs: 400, servers: [halfDead.server] });
      expect(performance.now() - started).toBeLessThan(1500);
      expect(r).toMatchObject({ ok: false, code: "ETIMEOUT" });
    } finally {
      await halfDead.close();
    }
  });

  it("servers that are not IP addresses: EBADSERVERS, no lookup", async () => {
    expect(await lookupMx("mail.example", { timeoutMs: 500, servers: ["dns.example"] })).toMatchObject({
      ok: false,
      code: "EBADSERVERS",
    });
  });

  it("an aborted signal answers ABORTED at once, and an abort during the lookup too", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await lookupMx("mail.example", { ...opts(), signal: controller.signal })).toMatchObject({
      ok: false,
      code: "ABORTED",
    });
    const later = new AbortController();
    const pending = lookupMx("slow.example", {
      timeoutMs: 5000,
      servers: [dns.server],
      signal: later.signal,
    });
    setTimeout(() => later.abort(), 50);
    expect(await pending).toMatchObject({ ok: false, code: "ABORTED" });
  });
});

describe("dnsServersFromEnv", () => {
  it("reads a comma-separated list, ignoring blanks; none means the system's", () => {
    expect(dnsServersFromEnv({ RXPORTAL_DNS_SERVERS: " 10.0.0.53, 127.0.0.1:5353 ,," })).toEqual([
      "10.0.0.53",
      "127.0.0.1:5353",
    ]);
    expect(dnsServersFromEnv({ RXPORTAL_DNS_SERVERS: " , " })).toBeUndefined();
    expect(dnsServersFromEnv({})).toBeUndefined();
  });
});
