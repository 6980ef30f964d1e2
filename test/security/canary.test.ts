// Canaries: a unique password, sign-in code, reset code, session tokens and an SSN go through the
// commands (with --verbose, and on error paths); none may show up in stdout, stderr or any file
// that rxportal wrote. Secrets belong in the keychain only.
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

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  // A password nobody else uses, set through the portal's own reset flow.
  const client = new PortalClient({ baseUrl: sandbox.baseUrl, fetch: globalThis.fetch });
  await client.requestPasswordReset({ username: USER });
  const resetCode = sandbox.outbox().find((m) => m.to === USER && m.kind === "reset")?.code ?? "";
  const password = `Canary-${Math.random().toString(36).slice(2)}-Pw9!`;
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

function record(t: TestContext): void {
  outputs.push(t.stdout.text, t.stderr.text);
}

const newestCode = () =>
  sandbox
    .outbox()
    .filter((m) => m.to === USER && m.kind === "mfa")
    .pop()?.code ?? "";

describe("no secret leaks", () => {
  it("through a verbose sign-in with MFA, a wrong code first", async () => {
    const [resetCode, password] = [...secrets];
    expect(resetCode && password).toBeTruthy();
    const prompter = new ScriptedPrompter([
      password as string,
      () => {
        const wrong = String((Number(newestCode()) + 1) % 1_000_000).padStart(6, "0");
        secrets.add(wrong);
        return wrong;
      },
      () => {
        const code = newestCode();
        secrets.add(code);
        return code;
      },
    ]);
    const t = testContext({ baseUrl: sandbox.baseUrl, prompter });
    dir = t.dir;
    expect(await run(["--verbose", "login", "--username", USER], t.ctx)).toBe(0);
    expect(t.stderr.text).toMatch(/POST .*\/auth\/mfa\/verify/);
    const session = await t.credentials.store.getSession("test", USER);
    secrets.add(session?.accessToken ?? "missing").add(session?.refreshToken ?? "missing");
    record(t);

    for (const args of [
      ["--verbose", "whoami", "--json"],
      ["--verbose", "refill", "list", "--json"],
      ["--verbose", "orders", "--json"],
      ["--verbose", "id-card", "--save", "--json"],
      ["--verbose", "logout"],
    ]) {
      const next = testContext({ dir, credentials: t.credentials });
      expect(await run(args, next.ctx)).toBe(0);
      record(next);
    }
  });

  it("through a verbose wrong-password error", async () => {
    const wrong = `Wrong-${Math.random().toString(36).slice(2)}`;
    secrets.add(wrong);
    const t = testContext({ baseUrl: sandbox.baseUrl, dir, env: { RXPORTAL_PASSWORD: wrong } });
    expect(await run(["--verbose", "login", "--username", USER], t.ctx)).toBe(1);
    record(t);
  });

  it("through the same error in Spanish, as one line and as --json with its localized message", async () => {
    const wrong = `Mal-${Math.random().toString(36).slice(2)}`;
    secrets.add(wrong);
    for (const extra of [[], ["--json"]]) {
      const t = testContext({ baseUrl: sandbox.baseUrl, dir, env: { RXPORTAL_PASSWORD: wrong } });
      expect(await run(["--lang", "es", "--verbose", ...extra, "login", "--username", USER], t.ctx)).toBe(1);
      // Spanish words came out, so this path was the translated one.
      expect(t.stdout.text + t.stderr.text).toMatch(/contraseña/i);
      record(t);
    }
  });

  it("through a verbose doctor run that checks the lock with the saved password and writes a report", async () => {
    const [, password] = [...secrets];
    const t = testContext({ baseUrl: sandbox.baseUrl, dir, env: { RXPORTAL_PASSWORD: password as string } });
    const args = ["--verbose", "doctor", "--answer", "start=locked", "--answer", `username=${USER}`];
    args.push("--answer", "credentials=no", "--report", join(dir, "report"), "--json");
    expect(await run(args, t.ctx)).toBe(0);
    // The lock check signed in with the password; the portal then sent a code nobody typed.
    expect(t.stdout.text).toMatch(/not locked: the portal accepted the password/);
    secrets.add(newestCode());
    record(t);
  });

  it("through a verbose registration by SSN (the SSN canary)", async () => {
    // A fictional SSN in the advertising block (987-65-4320 to 4329), as the sandbox seeds it.
    const ssn = "987654323";
    const password = `Canary-${Math.random().toString(36).slice(2)}-Rg7!`;
    secrets.add(ssn).add("987-65-4323").add(password);
    const t = testContext({ baseUrl: sandbox.baseUrl, dir });
    t.stdin.write(`987-65-4323\n${password}\n`);
    const args = ["--verbose", "register", "--first-name", "Jordan", "--last-name", "Service"];
    args.push(
      "--dob",
      "1985-11-09",
      "--ssn-stdin",
      "--username",
      "jordan.canary",
      "--email",
      "j@example.com",
    );
    args.push("--password-stdin", "--code-stdin", "--json");
    const running = run(args, t.ctx);
    let code: string | undefined;
    for (let i = 0; i < 300 && !code; i++) {
      code = sandbox.outbox().find((m) => m.to === "jordan.canary" && m.kind === "register")?.code;
      await new Promise((r) => setTimeout(r, 10));
    }
    secrets.add(code ?? "missing");
    t.stdin.end(`${code}\n`);
    expect(await running).toBe(0);
    expect(t.stderr.text).toMatch(/POST .*\/auth\/register .*"ssn":"\[redacted\]"/);
    expect(t.stderr.text).toContain("ending in 4323");
    record(t);
  });

  it("finds none of them in any output or file", () => {
    expect(secrets.size).toBeGreaterThanOrEqual(7);
    const written = files(dir).map((f) => readFileSync(f, "utf8"));
    expect(written.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(6);
      for (const text of [...outputs, ...written]) expect(text).not.toContain(secret);
    }
  });
});
