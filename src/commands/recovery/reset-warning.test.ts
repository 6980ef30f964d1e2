// The public computer / public Wi-Fi warning of `rxportal reset` and `reset request` (issue 12):
// said on stderr before the new password is typed, never on stdout, and not in --json's stderr of
// `reset request` (a help desk's script reads one document and nothing else).
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeContext, testContext } from "../../../test/helpers/context.js";
import { ScriptedPrompter } from "../../../test/helpers/prompter.js";
import { run } from "../../main.js";
import { PUBLIC_COMPUTER } from "../../recovery/advice.js";

const BASE = "https://portal.test/api/v1";
const POLICY = {
  lockout: { maxAttempts: 5, lockMinutes: 15 },
  password: { minLength: 12, maxLength: 64, requireClasses: [], minClasses: 3, disallowUsername: true },
  resetCode: { length: 6, ttlMinutes: 15 },
  mfa: { channels: ["email"] },
};
const CODE = "482913";
const GOOD = "Lantern-Orbit-Maple-42";

const server = setupServer(
  http.get(`${BASE}/auth/policy`, () => HttpResponse.json(POLICY)),
  http.post(`${BASE}/auth/password-reset`, () =>
    HttpResponse.json({ message: "Sent if known.", channel: "email" }, { status: 202 }),
  ),
  http.post(`${BASE}/auth/password-reset/confirm`, () => new HttpResponse(null, { status: 204 })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function rx(argv: string[], answers?: (string | boolean)[]) {
  const prompter = answers ? new ScriptedPrompter(answers) : undefined;
  const t = testContext({ baseUrl: BASE, prompter });
  t.stdin.end("");
  const code = await run(argv, t.ctx);
  await closeContext(t.ctx);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text, asked: prompter?.asked ?? [] };
}

describe("the public computer warning", () => {
  it("is one plain sentence naming public computers and public Wi-Fi", () => {
    expect(PUBLIC_COMPUTER).not.toContain("\n");
    expect(PUBLIC_COMPUTER).toMatch(/public computer/);
    expect(PUBLIC_COMPUTER).toMatch(/public Wi-Fi/);
  });

  it("`reset` says it on stderr before the code and the new password are asked for", async () => {
    const r = await rx(["reset", "--username", "pat"], [CODE, GOOD, GOOD]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(PUBLIC_COMPUTER);
    expect(r.stdout).not.toContain(PUBLIC_COMPUTER);
    expect(r.asked.length).toBeGreaterThan(0);
    expect(r.stderr.indexOf(PUBLIC_COMPUTER)).toBeLessThan(r.stderr.indexOf("on its way"));
  });

  it("`reset request` says it on stderr, and --json keeps stderr empty", async () => {
    const human = await rx(["reset", "request", "--username", "pat"]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain(PUBLIC_COMPUTER);
    expect(human.stdout).not.toContain(PUBLIC_COMPUTER);
    const json = await rx(["reset", "request", "--username", "pat", "--json"]);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe("");
  });
});
