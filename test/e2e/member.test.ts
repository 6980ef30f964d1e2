// End to end: the built binary against a standalone sandbox, the way a member would keep an
// offline ID card: look at it, save it, and read it back while the portal is down.
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { homeWithProfile, runCli } from "../helpers/spawn.js";

let sb: RunningSandbox;
let home: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  home = homeWithProfile("local", `baseUrl: ${sb.baseUrl}`);
});
afterAll(() => sb.close());

const signIn = { RXPORTAL_PASSWORD: SANDBOX_PASSWORD };
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe("rxportal id-card (built binary)", () => {
  it("--json, then --save, then --offline with the portal down", async () => {
    const shown = await runCli(["id-card", "--json", "--username", "pat.sample"], { home, env: signIn });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      source: "portal",
      card: { memberId: "SBX100001", bin: "999901", pcn: "SBXPCN" },
    });

    const saved = await runCli(["id-card", "--save", "--username", "pat.sample"], { home, env: signIn });
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/^Prescription ID card\nMember: Pat Sample\n/);
    const file = join(home, ".local", "share", "rxportal", "id-cards", "local.SBX100001.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(saved.stderr).toMatch(/Saved an offline copy in .*id-cards/);
    expect(saved.stderr).not.toMatch(/999901|SBXGRP01|Pat Sample/);

    sb.addFault({ kind: "maintenance", value: 120 });
    const down = await runCli(["id-card", "--username", "pat.sample"], { home, env: signIn });
    expect(down.code).toBe(69);
    expect(down.stdout).toBe("");
    expect(down.stderr.trim().split("\n").at(-1)).toMatch(
      /^rxportal: The portal is down for maintenance.*`rxportal id-card --offline` shows it\. \(Request id: .+\)$/,
    );
    noStack(down.stderr);

    const offline = await runCli(["id-card", "--offline"], { home });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/^Saved copy from .+; may be out of date\.\nPrescription ID card\n/);
    expect(offline.stdout).toContain("BIN: 999901");
    expect(offline.stderr).not.toMatch(/999901|SBXGRP01|Pat Sample/);
  });
});
