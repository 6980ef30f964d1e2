// KeychainCredentialStore against a real Secret Service (GNOME Keyring), checked from the outside
// with secret-tool. Run inside a keyring session:
//   bash scripts/with-keyring.sh npx vitest run test/keychain
// Elsewhere these tests are skipped, with the reason in their names and on stderr. Inside that
// script (RXPORTAL_KEYRING_SESSION=1) a missing Secret Service fails instead of skipping.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { describeBackend } from "../../src/credentials/backend.js";
import { KeychainCredentialStore } from "../../src/credentials/keychain.js";
import type { StoredSession } from "../../src/credentials/store.js";

const info = await describeBackend(process.env);
const reachable = info.backend === "secret-service";
const requiredHere = process.env.RXPORTAL_KEYRING_SESSION === "1";
const hasSecretTool = spawnSync("secret-tool", ["--version"]).error === undefined;
const skipReason = !reachable
  ? `no Secret Service here: ${info.detail} Run: bash scripts/with-keyring.sh npx vitest run test/keychain`
  : !hasSecretTool
    ? "secret-tool is missing (apt-get install libsecret-tools)"
    : "";
const skip = skipReason !== "";
if (skip) process.stderr.write(`test/keychain/secret-service.test.ts: SKIPPED: ${skipReason}\n`);
const title = (name: string) => (skip ? `${name} [skipped: ${skipReason}]` : name);

// A fresh profile per run, so a failed run leaves nothing that a later run would trip over.
const profile = `test-${process.pid}-${randomBytes(3).toString("hex")}`;
const service = `rxportal/${profile}`;

function lookup(username: string): { found: boolean; secret: string } {
  const result = spawnSync("secret-tool", ["lookup", "service", service, "username", username], {
    encoding: "utf8",
    timeout: 10_000,
  });
  // secret-tool exits 1 and prints nothing when no item matches.
  return { found: result.status === 0, secret: result.stdout.replace(/\n$/, "") };
}

function storeWithSecretTool(username: string, secret: string): void {
  const result = spawnSync(
    "secret-tool",
    ["store", "--label", "rxportal test", "service", service, "username", username],
    {
      input: secret,
      encoding: "utf8",
      timeout: 10_000,
    },
  );
  expect(result.status, result.stderr).toBe(0);
}

afterAll(() => {
  if (!skip) spawnSync("secret-tool", ["clear", "service", service]);
});

describe("inside a keyring session", () => {
  it.runIf(requiredHere)("a Secret Service is reachable (scripts/with-keyring.sh promised one)", () => {
    expect(info).toEqual({ backend: "secret-service", persistent: true, detail: expect.any(String) });
    expect(hasSecretTool).toBe(true);
  });
});

describe(title("a real Secret Service"), () => {
  const store = skip ? undefined : new KeychainCredentialStore({ env: process.env });
  afterAll(() => store?.close());
  const use = () => store as KeychainCredentialStore;

  it.skipIf(skip)(title("describeBackend reports a persistent secret-service"), async () => {
    expect(await describeBackend(process.env)).toEqual({
      backend: "secret-service",
      persistent: true,
      detail: "A Secret Service answered on the D-Bus session bus; secrets are kept across reboots.",
    });
    // The probe cleans up after itself.
    const probe = spawnSync("secret-tool", ["search", "--all", "service", "rxportal/probe"], {
      encoding: "utf8",
    });
    expect(probe.stdout).toBe("");
  });

  it.skipIf(skip)(
    title("a remembered password is what secret-tool finds, and gone after delete"),
    async () => {
      const password = `pw-${randomBytes(6).toString("hex")} with spaces & ünïcode`;
      expect(lookup("alice").found).toBe(false);
      await use().setPassword(profile, "alice", password);
      expect(lookup("alice")).toEqual({ found: true, secret: password });
      expect(await use().getPassword(profile, "alice")).toBe(password);

      await use().setPassword(profile, "alice", "replaced");
      expect(lookup("alice").secret).toBe("replaced");

      expect(await use().deletePassword(profile, "alice")).toBe(true);
      expect(lookup("alice")).toEqual({ found: false, secret: "" });
      expect(await use().getPassword(profile, "alice")).toBeUndefined();
      expect(await use().deletePassword(profile, "alice")).toBe(false);
    },
  );

  it.skipIf(skip)(
    title("the session is one JSON secret under <username>#session, apart from the password"),
    async () => {
      const session: StoredSession = {
        accessToken: `at-${randomBytes(8).toString("hex")}`,
        refreshToken: `rt-${randomBytes(8).toString("hex")}`,
        expiresAt: "2030-01-01T00:00:00.000Z",
        memberId: "M100",
        name: "Bob Example",
      };
      await use().setPassword(profile, "bob", "bob-password");
      await use().setSession(profile, "bob", session);
      expect(JSON.parse(lookup("bob#session").secret)).toEqual(session);
      expect(lookup("bob").secret).toBe("bob-password");
      expect(await use().getSession(profile, "bob")).toEqual(session);

      expect(await use().deleteSession(profile, "bob")).toBe(true);
      expect(lookup("bob#session").found).toBe(false);
      expect(await use().getSession(profile, "bob")).toBeUndefined();
      expect(lookup("bob").secret).toBe("bob-password");
      expect(await use().deletePassword(profile, "bob")).toBe(true);
      expect(lookup("bob").found).toBe(false);
    },
  );

  it.skipIf(skip)(
    title("reads what another Secret Service client stored under the same layout"),
    async () => {
      storeWithSecretTool("carol", "from-secret-tool");
      expect(await use().getPassword(profile, "carol")).toBe("from-secret-tool");
      storeWithSecretTool("carol#session", '{"accessToken":"a","expiresAt":"2030-01-01T00:00:00Z"}');
      expect(await use().getSession(profile, "carol")).toEqual({
        accessToken: "a",
        expiresAt: "2030-01-01T00:00:00Z",
      });
      expect(await use().deletePassword(profile, "carol")).toBe(true);
      expect(await use().deleteSession(profile, "carol")).toBe(true);
      expect(lookup("carol").found).toBe(false);
    },
  );

  it.skipIf(skip)(title("profiles are separate services"), async () => {
    await use().setPassword(profile, "dave", "one");
    await use().setPassword(`${profile}-other`, "dave", "two");
    try {
      expect(lookup("dave").secret).toBe("one");
      expect(await use().getPassword(`${profile}-other`, "dave")).toBe("two");
    } finally {
      await use().deletePassword(profile, "dave");
      await use().deletePassword(`${profile}-other`, "dave");
    }
    expect(await use().getPassword(`${profile}-other`, "dave")).toBeUndefined();
  });
});
