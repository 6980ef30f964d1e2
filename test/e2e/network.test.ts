// End to end: the network's own faults are named as such. A dead or malformed proxy is the proxy,
// not the portal; a base URL that points at the wrong place says so; plain http:// never leaves
// this machine. Loopback only: the "remote" portal is never contacted, the proxy is local.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closedPort } from "../helpers/net.js";
import { runCli, tempHome } from "../helpers/spawn.js";

let sb: RunningSandbox;
const stack = /\n\s+at .+:\d+:\d+/;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());

function homeWith(profiles: Record<string, string>): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  const names = Object.keys(profiles);
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: ${names[0]}\nprofiles:\n${names.map((n) => `  ${n}:\n    baseUrl: ${profiles[n]}\n`).join("")}`,
  );
  return home;
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(stack);
  return lines[0] ?? "";
}

describe("network faults named as such (built binary)", () => {
  it("a dead HTTPS_PROXY is reported as the proxy, with the password redacted", async () => {
    const port = await closedPort();
    const home = homeWith({ acme: "https://portal.acme.example/api/v1" });
    const r = await runCli(["status"], {
      home,
      env: { HTTPS_PROXY: `http://agent:hunter2@127.0.0.1:${port}` },
    });
    expect(r.code).toBe(69);
    expect(r.stdout).toBe("");
    expect(oneLine(r.stderr)).toBe(
      `rxportal: Cannot reach the portal: cannot connect to the proxy http://***@127.0.0.1:${port} (from HTTPS_PROXY) (connection refused). Check the proxy setting (or unset it, or add the portal to NO_PROXY); \`rxportal doctor --start network\` checks the proxy.`,
    );
    expect(r.stderr + r.stdout).not.toContain("hunter2");
  });

  it("a malformed proxy variable is named, and --json carries the proxy", async () => {
    const home = homeWith({ acme: "https://portal.acme.example/api/v1" });
    const r = await runCli(["--json", "status"], { home, env: { https_proxy: "http://[::1" } });
    expect(r.code).toBe(69);
    expect(oneLine(r.stderr)).toMatch(/^rxportal: The proxy setting https_proxy is not a valid URL\./);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "proxy_invalid", exitCode: 69 });
  });

  it("a baseUrl without the API's path says the base URL looks wrong (not 'not found')", async () => {
    const origin = new URL(sb.baseUrl).origin;
    const home = homeWith({ local: `${origin}/portal` });
    const r = await runCli(["status"], { home });
    expect(r.code).toBe(69);
    expect(oneLine(r.stderr)).toMatch(
      new RegExp(
        `^rxportal: The portal \\(${origin.replace(/[.]/g, "\\.")}\\) has nothing at /portal/status \\(HTTP 404\\): the profile's baseUrl looks wrong, or this portal uses another path for getStatus\\. Check baseUrl: it must be the API's root`,
      ),
    );
  });

  it("a real 'not found' for an order id stays the portal's refusal (exit 1)", async () => {
    const home = homeWith({ local: sb.baseUrl });
    const r = await runCli(["orders", "show", "ORD-NOPE", "--username", "pat.sample"], {
      home,
      env: { RXPORTAL_PASSWORD: SANDBOX_PASSWORD },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(stack);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^rxportal: No order ORD-NOPE for this account/);
  });
});
