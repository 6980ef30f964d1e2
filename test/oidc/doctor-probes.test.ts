// The doctor's checks of an OIDC profile's sign-in provider, run as probe functions against a real
// oidc-provider on port 0: healthy, a skewed clock (this computer's, and the provider's Date
// header through a proxy), an issuer that is not the configured one, and JWKS that cannot be read.
// The tolerance is read from the code (src/auth/oidc/id-token.ts), never copied.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockoutGuard } from "../../src/auth/lockout-guard.js";
import { ID_TOKEN_TOLERANCE_SECONDS } from "../../src/auth/oidc/id-token.js";
import { systemClock } from "../../src/clock.js";
import { type OidcSettings, resolveProfile } from "../../src/config/load.js";
import type { ProbeFinding } from "../../src/doctor/engine.js";
import { createProbes, type ProbeEnv } from "../../src/doctor/probes.js";
import type { Lang } from "../../src/i18n/lang.js";
import type { PortalClient } from "../../src/portal/client.js";
import { type RunningOidcProvider, startOidcProvider } from "../../src/sandbox/oidc.js";
import { type ProviderProxy, startProviderProxy } from "../doctor/provider-proxy.js";
import { oidcSettings } from "../helpers/oidc-member.js";
import { makeTestCertificates, opensslAvailable, startTlsServer } from "../helpers/tls-certs.js";

const OIDC = ["oidc-discovery", "oidc-issuer", "oidc-jwks", "oidc-clock", "oidc-tls"] as const;
type OidcProbe = (typeof OIDC)[number];

let provider: RunningOidcProvider;
let settings: OidcSettings;
let proxy: ProviderProxy;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  provider = await startOidcProvider({ accounts: () => undefined });
  settings = oidcSettings(provider);
  proxy = await startProviderProxy({ skewMs: 0 });
});
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
  await proxy.close();
  await provider.close();
});

function penv(
  opts: {
    issuer?: string;
    now?: () => number;
    env?: Record<string, string>;
    lang?: Lang;
    keptToken?: () => Promise<string | undefined>;
    auth?: "oidc" | "portal";
  } = {},
): ProbeEnv {
  const profile = resolveProfile({ file: "none", from: "default", exists: false, data: {} }, { env: {} });
  if (opts.auth !== "portal") profile.auth = { ...settings, issuer: opts.issuer ?? settings.issuer };
  const now = opts.now ?? (() => systemClock.now());
  return {
    profile,
    env: opts.env ?? {},
    now,
    timeoutMs: 5000,
    lang: opts.lang,
    portal: () => Promise.reject(new Error("no portal in this test")) as Promise<PortalClient>,
    guard: new LockoutGuard(mkdtempSync(join(tmpdir(), "rxportal-doctor-oidc-")), { now }),
    storedPassword: async () => undefined,
    codeRefusal: async () => undefined,
    submitPassword: () => Promise.reject(new Error("no sign-in in this test")),
    // No injected fetch: rxportal's own transport, so HTTP_PROXY is honoured as in a real run.
    oidc: { signal: new AbortController().signal, cleanups, keptToken: opts.keptToken },
  };
}

async function findings(env: ProbeEnv): Promise<Record<OidcProbe, ProbeFinding>> {
  const probes = createProbes(env);
  const signal = new AbortController().signal;
  const out = {} as Record<OidcProbe, ProbeFinding>;
  for (const name of OIDC) out[name] = await probes[name].run({ inputs: {}, signal, runSignal: signal });
  return out;
}

const outcomes = (f: Record<OidcProbe, ProbeFinding>) =>
  Object.fromEntries(OIDC.map((n) => [n, f[n].outcome]));

/** Each finding is one line a member can read. */
function expectOneLine(f: Record<OidcProbe, ProbeFinding>): void {
  for (const name of OIDC) {
    expect(f[name].summary, name).not.toMatch(/\n/);
    expect(f[name].summary.length, name).toBeGreaterThan(10);
  }
}

describe("doctor's OIDC checks against a real provider", () => {
  it("(d) healthy: discovery answers, the issuer is the configured one, keys are there, clocks agree", async () => {
    const f = await findings(penv());
    expect(outcomes(f)).toEqual({
      "oidc-discovery": "ok",
      "oidc-issuer": "ok",
      "oidc-jwks": "ok",
      "oidc-clock": "ok",
      // The sandbox provider is plain http on loopback: no certificate to check.
      "oidc-tls": "unknown",
    });
    const host = new URL(provider.issuer).host;
    expect(f["oidc-discovery"].summary).toBe(`The sign-in provider ${host} answers and describes itself.`);
    expect(f["oidc-discovery"].details).toEqual([
      "Sign-in with a code (`rxportal login`): offered; in this computer's browser (`login --web`): offered.",
    ]);
    expect(f["oidc-issuer"].summary).toBe(
      `The provider names itself ${provider.issuer}, as the profile says.`,
    );
    expect(f["oidc-jwks"].summary).toBe("The provider's signing keys can be read (1 key).");
    expect(f["oidc-clock"].summary).toMatch(
      new RegExp(
        `^This computer's clock agrees with the sign-in provider's \\(within \\d+ s; sign-in allows ${ID_TOKEN_TOLERANCE_SECONDS} s\\)\\.$`,
      ),
    );
    expect(f["oidc-tls"].summary).toMatch(
      /^No certificate to check: 127\.0\.0\.1 is reached over plain http/,
    );
    expectOneLine(f);
  });

  it("(a) this computer's clock 10 minutes ahead: the clock check says so, the others pass", async () => {
    const f = await findings(penv({ now: () => Date.now() + 10 * 60_000 }));
    expect(f["oidc-clock"]).toMatchObject({
      outcome: "problem",
      summary: `This computer's clock is 10 minutes ahead of the sign-in provider's; sign-in allows ${ID_TOKEN_TOLERANCE_SECONDS} s.`,
    });
    expect(f["oidc-clock"].evidence?.skewSeconds).toBeGreaterThanOrEqual(599);
    expect(f["oidc-discovery"].outcome).toBe("ok");
    expect(f["oidc-jwks"].outcome).toBe("ok");
  });

  it("(a) the provider's clock 10 minutes ahead (its Date header, through a proxy): this computer is behind", async () => {
    proxy.rules.skewMs = 10 * 60_000;
    try {
      const f = await findings(penv({ env: { HTTP_PROXY: proxy.url } }));
      expect(proxy.seen).toContain("/.well-known/openid-configuration");
      expect(f["oidc-clock"]).toMatchObject({
        outcome: "problem",
        summary: `This computer's clock is 10 minutes behind the sign-in provider's; sign-in allows ${ID_TOKEN_TOLERANCE_SECONDS} s.`,
      });
      expect(f["oidc-issuer"].outcome).toBe("ok");
      // Spanish, one line, usted.
      const es = await findings(penv({ env: { HTTP_PROXY: proxy.url }, lang: "es" }));
      expect(es["oidc-clock"].summary).toBe(
        `El reloj de esta computadora va 10 minutos atrasado respecto al del proveedor de inicio de sesión; el inicio de sesión permite ${ID_TOKEN_TOLERANCE_SECONDS} s.`,
      );
      expectOneLine(es);
    } finally {
      proxy.rules.skewMs = 0;
    }
  });

  it("(a) around the tolerance: a provider skew beyond it is a problem, within it is not (property, real provider)", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Seconds off the tolerance, at least 3 either side (the Date header has whole seconds).
        fc.integer({ min: 3, max: 30 }),
        fc.boolean(),
        fc.constantFrom(-1, 1),
        async (margin, beyond, sign) => {
          const seconds = ID_TOKEN_TOLERANCE_SECONDS + (beyond ? margin : -margin);
          proxy.rules.skewMs = sign * seconds * 1000;
          const f = await findings(penv({ env: { HTTP_PROXY: proxy.url } }));
          expect(f["oidc-clock"].outcome).toBe(beyond ? "problem" : "ok");
          if (beyond) {
            // A provider ahead means this computer is behind, and the other way round.
            expect(f["oidc-clock"].summary).toMatch(sign > 0 ? / behind / : / ahead /);
            // skewSeconds is this computer's clock minus the provider's.
            const skew = Number(f["oidc-clock"].evidence?.skewSeconds);
            expect(Math.sign(skew)).toBe(-sign);
            expect(Math.abs(Math.abs(skew) - seconds)).toBeLessThanOrEqual(2);
          }
        },
      ),
      { numRuns: 12 },
    );
    proxy.rules.skewMs = 0;
  });

  it("(a) a kept token issued in this computer's future is a problem even when the Date header agrees", async () => {
    const { SignJWT } = await import("jose");
    const iat = Math.floor(Date.now() / 1000) + 15 * 60;
    const token = await new SignJWT({ sub: "pat.sample" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(iat)
      .sign(new Uint8Array(32));
    const f = await findings(penv({ keptToken: async () => token }));
    expect(f["oidc-clock"].outcome).toBe("problem");
    expect(f["oidc-clock"].summary).toMatch(
      /^This computer's clock is 1[45] minutes behind the sign-in provider's/,
    );
    expect(f["oidc-clock"].details?.[0]).toMatch(
      /^The kept sign-in was issued 1[45] minutes after this computer's present time\.$/,
    );
  });

  it("(b) an issuer that is another name of the same host (localhost for 127.0.0.1) is a mismatch", async () => {
    const alias = provider.issuer.replace("127.0.0.1", "localhost");
    const f = await findings(penv({ issuer: alias }));
    expect(f["oidc-discovery"].outcome).toBe("ok");
    expect(f["oidc-issuer"]).toMatchObject({
      outcome: "problem",
      summary: `The provider names itself ${provider.issuer}, but the profile says ${alias}: sign-in fails until both are the same.`,
      evidence: { configured: alias, found: provider.issuer },
    });
    // Without a trusted provider the keys are not fetched; the clock still reads the Date header.
    expect(f["oidc-jwks"].outcome).toBe("unknown");
    expect(f["oidc-clock"].outcome).toBe("ok");
    const es = await findings(penv({ issuer: alias, lang: "es" }));
    expect(es["oidc-issuer"].summary).toBe(
      `El proveedor se identifica como ${provider.issuer}, pero el perfil dice ${alias}: no podrá iniciar sesión hasta que sean iguales.`,
    );
  });

  it("(b) the issuer check agrees with login's comparison for each way of writing the address", async () => {
    const port = new URL(provider.issuer).port;
    const cases: [string, "ok" | "problem"][] = [
      [`http://127.0.0.1:${port}`, "ok"],
      // A trailing slash on a bare origin is the same URL to oauth4webapi, so login works.
      [`http://127.0.0.1:${port}/`, "ok"],
      [`http://localhost:${port}`, "problem"],
      [`http://localhost:${port}/`, "problem"],
    ];
    for (const [issuer, expected] of cases) {
      const f = await findings(penv({ issuer }));
      expect(f["oidc-issuer"].outcome, issuer).toBe(expected);
      // What login would do with the same profile: discovery throws exit 78 exactly on a mismatch.
      const { OidcProvider } = await import("../../src/auth/oidc/provider.js");
      const login = await OidcProvider.discover(
        { clock: systemClock, signal: new AbortController().signal, env: {}, cleanups },
        { ...settings, issuer },
      ).then(
        () => "ok",
        (e: { exitCode?: number }) => (e.exitCode === 78 ? "problem" : `other ${String(e)}`),
      );
      expect(login, issuer).toBe(expected);
    }
  });

  it("(c) JWKS answering 500: the keys check says the provider answers with an error", async () => {
    proxy.rules.jwks = "500";
    try {
      const f = await findings(penv({ env: { HTTP_PROXY: proxy.url } }));
      expect(proxy.seen).toContain("/jwks");
      const host = new URL(provider.issuer).host;
      expect(f["oidc-discovery"].outcome).toBe("ok");
      expect(f["oidc-issuer"].outcome).toBe("ok");
      expect(f["oidc-jwks"]).toMatchObject({
        outcome: "problem",
        summary: `The provider's signing keys (JWKS) cannot be read: ${host} answers with an error (HTTP 500).`,
        evidence: { status: 500 },
      });
      const es = await findings(penv({ env: { HTTP_PROXY: proxy.url }, lang: "es" }));
      expect(es["oidc-jwks"].summary).toBe(
        `No se pueden leer las claves de firma del proveedor (JWKS): ${host} responde con un error (HTTP 500).`,
      );
    } finally {
      proxy.rules.jwks = undefined;
    }
  });

  it("(c) JWKS whose connection is cut: a problem naming the connection", async () => {
    proxy.rules.jwks = "cut";
    try {
      const f = await findings(penv({ env: { HTTP_PROXY: proxy.url } }));
      expect(f["oidc-jwks"].outcome).toBe("problem");
      expect(f["oidc-jwks"].summary).toMatch(/^The provider's signing keys \(JWKS\) cannot be read: /);
      expectOneLine(f);
    } finally {
      proxy.rules.jwks = undefined;
    }
  });

  it("(c) JWKS with no keys: a problem, nothing could be checked with them", async () => {
    proxy.rules.jwks = "empty";
    try {
      const f = await findings(penv({ env: { HTTP_PROXY: proxy.url } }));
      expect(f["oidc-jwks"]).toMatchObject({
        outcome: "problem",
        summary: "The provider's list of signing keys (JWKS) is empty: no sign-in can be checked.",
        evidence: { keys: 0 },
      });
    } finally {
      proxy.rules.jwks = undefined;
    }
  });

  it("a discovery answer that is a web page, or a description without endpoints or keys: problems", async () => {
    let asJson = false;
    const server = createServer((req, res) => {
      // Either a sign-in page, or a description with the right issuer and nothing else.
      res.writeHead(200, { "content-type": asJson ? "text/plain" : "text/html" });
      res.end(asJson ? JSON.stringify({ issuer: `http://${req.headers.host}` }) : "<html>Sign in</html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      const f = await findings(penv({ issuer: `http://127.0.0.1:${port}` }));
      expect(f["oidc-discovery"]).toMatchObject({
        outcome: "problem",
        summary: `The sign-in provider 127.0.0.1:${port} cannot be reached: 127.0.0.1:${port} answers with something that is not a provider description.`,
      });
      expect(f["oidc-issuer"].outcome).toBe("unknown");
      asJson = true;
      const g = await findings(penv({ issuer: `http://127.0.0.1:${port}` }));
      expect(g["oidc-discovery"]).toMatchObject({
        outcome: "problem",
        summary: `The sign-in provider 127.0.0.1:${port} offers neither sign-in with a code nor sign-in in a browser: rxportal cannot sign in there.`,
      });
      expect(g["oidc-issuer"].outcome).toBe("ok");
      expect(g["oidc-jwks"]).toMatchObject({
        outcome: "problem",
        summary: "The provider's description names no signing keys (jwks_uri): no sign-in can be checked.",
      });
    } finally {
      server.close();
    }
  });

  it("an unreachable provider: discovery is a problem naming the refused connection", async () => {
    const closed = await startOidcProvider({ accounts: () => undefined });
    await closed.close();
    const f = await findings(penv({ issuer: closed.issuer }));
    const host = new URL(closed.issuer).host;
    expect(f["oidc-discovery"]).toMatchObject({ outcome: "problem", evidence: { code: "ECONNREFUSED" } });
    expect(f["oidc-discovery"].summary).toMatch(
      new RegExp(`^The sign-in provider ${host.replace(/\./g, "\\.")} cannot be reached: .*refused`),
    );
    expect(f["oidc-issuer"].outcome).toBe("unknown");
    expect(f["oidc-clock"].outcome).toBe("unknown");
  });

  it.skipIf(!opensslAvailable())(
    "a provider with a self-signed certificate: the doctor's certificate check names it, and discovery fails on it",
    async () => {
      const certs = makeTestCertificates();
      const tls = await startTlsServer(certs.selfSigned);
      try {
        const f = await findings(penv({ issuer: tls.origin }));
        expect(f["oidc-tls"]).toMatchObject({
          outcome: "problem",
          evidence: { selfSigned: true, authorized: false },
        });
        expect(f["oidc-tls"].summary).toMatch(/self-signed certificate/);
        expect(f["oidc-discovery"].outcome).toBe("problem");
        expect(f["oidc-discovery"].summary).toMatch(
          /^The sign-in provider 127\.0\.0\.1:\d+ cannot be reached: .*self-signed certificate/,
        );
      } finally {
        await tls.close();
      }
    },
  );

  it("a portal profile, and the web-only express-scripts one: the OIDC checks do not apply", () => {
    const probes = createProbes(penv({ auth: "portal" }));
    for (const name of OIDC) expect(probes[name].applies, name).toBe(false);
    const web = resolveProfile(
      { file: "none", from: "default", exists: false, data: {} },
      { env: {}, flag: "express-scripts" },
    );
    expect(web.webOnly).toBe(true);
    const webProbes = createProbes({ ...penv({ auth: "portal" }), profile: web });
    for (const name of OIDC) expect(webProbes[name].applies, name).toBe(false);
    const oidc = createProbes(penv());
    for (const name of OIDC) expect(oidc[name].applies, name).toBe(true);
  });
});
