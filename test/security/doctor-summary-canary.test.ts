// Canaries for the emergency kit and the help-desk summary: a unique password, sign-in codes, a
// reset code and session tokens go through `kit --save`, `kit --out` and a verbose
// `doctor --summary` that signs in to check the lock; none may show up in stdout, stderr, the
// summary, the report or the kit files. Built like canary.test.ts (same helpers, same sandbox).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { PortalClient } from "../../src/portal/client.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { type TestContext, testContext } from "../helpers/context.js";
import { ScriptedPrompter } from "../helpers/prompter.js";

let sandbox: RunningSandbox;
const USER = "erin.emailcode";
const secrets = new Set<string>();
const outputs: string[] = [];
let dir = "";
let password = "";

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  const client = new PortalClient({ baseUrl: sandbox.baseUrl, fetch: globalThis.fetch });
  await client.requestPasswordReset({ username: USER });
  const resetCode = sandbox.outbox().find((m) => m.to === USER && m.kind === "reset")?.code ?? "";
  password = `Canary-${Math.random().toString(36).slice(2)}-Kit9!`;
  await client.confirmPasswordReset({ username: USER, code: resetCode, newPassword: password });
  secrets.add(resetCode).add(password);
});
afterAll(() => sandbox.close());

function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const record = (t: TestContext) => outputs.push(t.stdout.text, t.stderr.text);
const newestCode = () =>
  sandbox
    .outbox()
    .filter((m) => m.to === USER && m.kind === "mfa")
    .pop()?.code ?? "";

describe("no secret in the kit or the doctor's summary", () => {
  it("signs in with MFA, then saves and prints the kit verbosely", async () => {
    const prompter = new ScriptedPrompter([
      password,
      () => {
        const code = newestCode();
        secrets.add(code);
        return code;
      },
    ]);
    const t = testContext({ baseUrl: sandbox.baseUrl, prompter });
    dir = t.dir;
    expect(await run(["--verbose", "login", "--username", USER], t.ctx)).toBe(0);
    const session = await t.credentials.store.getSession("test", USER);
    secrets.add(session?.accessToken ?? "missing").add(session?.refreshToken ?? "missing");
    record(t);

    for (const args of [
      ["--verbose", "kit", "--save", "--json"],
      ["--verbose", "kit", "--save", "--out", join(dir, "print", "kit.html")],
      ["kit", "--plain"],
    ]) {
      const next = testContext({ dir, credentials: t.credentials });
      expect(await run(args, next.ctx), next.stderr.text).toBe(0);
      record(next);
    }
    expect(statSync(join(dir, "print", "kit.html")).mode & 0o777).toBe(0o600);
  });

  it("runs a verbose doctor --summary that checks the lock with the password, with a report", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl, dir, env: { RXPORTAL_PASSWORD: password } });
    const args = [
      "--verbose",
      "doctor",
      "--summary",
      "--answer",
      "start=locked",
      "--answer",
      `username=${USER}`,
    ];
    args.push("--answer", "credentials=no", "--answer", "consent=yes", "--report", join(dir, "report"));
    args.push("--agent", "J. Rivera");
    expect(await run(args, t.ctx), t.stderr.text).toBe(0);
    // The lock check signed in with the password; the portal then sent a code nobody typed.
    expect(t.stderr.text).toMatch(/not locked: the portal accepted the password/);
    secrets.add(newestCode());
    const lines = t.stdout.text.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines[0]).toMatch(/^rxportal doctor summary, /);
    expect(t.stdout.text).not.toMatch(/POST |GET /);
    record(t);
  });

  it("finds none of them in any output or file", () => {
    expect(secrets.size).toBeGreaterThanOrEqual(6);
    const written = files(dir).map((f) => readFileSync(f, "utf8"));
    expect(written.some((text) => text.startsWith("<!DOCTYPE html>"))).toBe(true);
    expect(written.some((text) => text.startsWith("rxportal doctor summary, "))).toBe(true);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(6);
      for (const text of [...outputs, ...written]) expect(text).not.toContain(secret);
    }
  });
});
