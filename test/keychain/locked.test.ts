// A locked keychain, for real: a private D-Bus session with GNOME Keyring, an item stored, the
// collection locked over D-Bus. rxportal must answer exit 77 on time, not hang. With no display
// the unlock prompt is dismissed at once ("locked"); on a desktop it would wait for the user, and
// the 3 s deadline answers instead ("timeout"). Needs dbus, gnome-keyring and libsecret-tools;
// starts a session of its own through scripts/with-keyring.sh (it locks that session's keyring).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleRunner } from "./bundle.js";

const withKeyring = new URL("../../scripts/with-keyring.sh", import.meta.url).pathname;

const tools = ["dbus-run-session", "gnome-keyring-daemon", "secret-tool", "dbus-send"];
const missing = tools.filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0);
const skipReason = missing.length
  ? `missing ${missing.join(", ")} (apt-get install gnome-keyring dbus libsecret-tools)`
  : "";
if (skipReason) process.stderr.write(`test/keychain/locked.test.ts: SKIPPED: ${skipReason}\n`);

let runner = "";
let dir = "";
beforeAll(async () => {
  if (skipReason) return;
  runner = await bundleRunner();
  dir = mkdtempSync(join(tmpdir(), "rxportal-locked-"));
});
afterAll(() => {
  if (runner) rmSync(runner, { force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Runs inside scripts/with-keyring.sh: an unlocked keyring of its own, ready on the bus.
const SCRIPT = `
set -eu
printf 'stored-secret' | secret-tool store --label test service rxportal/locked username alice
node "$RUNNER" get locked alice > "$OUT_DIR/before.json"
dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \\
  org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login > /dev/null
start=$(date +%s%N)
node "$RUNNER" get locked alice > "$OUT_DIR/after.json"
echo $(( ($(date +%s%N) - start) / 1000000 )) > "$OUT_DIR/wall-ms"
`;

it.skipIf(skipReason !== "")(
  `a locked keychain ends in exit 77 within the budget${skipReason ? ` [skipped: ${skipReason}]` : ""}`,
  async () => {
    const script = join(dir, "session.sh");
    writeFileSync(script, SCRIPT);
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.GNOME_KEYRING_CONTROL;
    Object.assign(env, { RUNNER: runner, OUT_DIR: dir, PATH: `${process.env.PATH}` });
    const session = spawnSync("bash", [withKeyring, "bash", script], {
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(session.status, session.stderr).toBe(0);

    const read = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));
    // Unlocked, the item is there: the lock below is what makes the difference.
    expect(read("before.json")).toMatchObject({ value: "stored-secret" });
    const after = read("after.json");
    expect(after.exitCode).toBe(77);
    expect(["locked", "timeout"]).toContain(after.failure);
    expect(after.message).not.toContain("\n");
    expect(after.elapsedMs).toBeLessThan(3500);
    expect(Number(read("wall-ms"))).toBeLessThan(6000);
  },
);
