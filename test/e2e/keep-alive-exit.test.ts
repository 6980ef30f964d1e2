// End to end: a command ends when its work is done, even when the portal keeps its connections
// open. The built binary leaves its idle keep-alive sockets to close with the process (node:http
// unreferences them), so nothing may hold it: here a relay in front of the sandbox never closes a
// connection on its own, and each command must still exit at once, with its answer.
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { runCli, tempHome } from "../helpers/spawn.js";

let sb: RunningSandbox;
let relay: net.Server;
let home: string;
/** Client connections the relay holds right now. */
let open = 0;
/** The most it held while a command ran. */
let mostOpen = 0;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  // Bytes go both ways; an end from the sandbox (its own keep-alive timeout) is not passed on,
  // so the client's side stays open until the client closes it.
  relay = net.createServer((client) => {
    open++;
    mostOpen = Math.max(mostOpen, open);
    client.on("close", () => open--);
    const upstream = net.connect(sb.port, "127.0.0.1");
    client.pipe(upstream, { end: false });
    upstream.pipe(client, { end: false });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => undefined);
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const port = (relay.address() as net.AddressInfo).port;
  home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: http://127.0.0.1:${port}/api/v1\n    username: pat.sample\n`,
  );
}, 30_000);

afterAll(async () => {
  await new Promise<void>((resolve) => relay?.close(() => resolve()));
  await sb?.close();
});

describe("a command exits when its work is done, whatever the portal does with the connection", () => {
  it.each([
    { argv: ["status", "--json"], want: /"status"/ },
    { argv: ["refill", "list", "--json"], want: /"members"/ },
    { argv: ["orders", "--json"], want: /ORD-200101/ },
    { argv: ["health", "--login", "--json"], want: /"ok": true/ },
  ])("$argv.0 $argv.1", async ({ argv, want }) => {
    sb.reset();
    mostOpen = 0;
    // The runner's own limit (10 s) is far below what a held socket would take: forever.
    const r = await runCli(argv, { home, env: { RXPORTAL_PASSWORD: SANDBOX_PASSWORD }, timeoutMs: 10_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(want);
    expect(mostOpen, "the command did talk through the relay").toBeGreaterThan(0);
    // Every connection ended with the process.
    await expect.poll(() => open, { timeout: 2000 }).toBe(0);
  });
});
