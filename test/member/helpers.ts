// Member commands against the real sandbox portal: each run is a fresh in-process `rxportal`, signing
// in unattended with RXPORTAL_PASSWORD, sharing one data folder so --save and --offline meet.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/main.js";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import type { RunningSandbox } from "../../src/sandbox/server.js";
import { closeContext, testContext } from "../helpers/context.js";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function newHome(): string {
  return mkdtempSync(join(tmpdir(), "rxportal-member-"));
}

/**
 * `rxportal <argv> --username pat.sample` against the sandbox. A fresh keychain each run: the
 * sandbox's clock may have jumped a day past any kept token, so every run signs in anew.
 */
export async function rx(
  sb: RunningSandbox,
  dir: string,
  argv: string[],
  opts: { username?: string; password?: string } = {},
): Promise<Ran> {
  const env: Record<string, string> = { TZ: "UTC" };
  if (opts.password !== "") env.RXPORTAL_PASSWORD = opts.password ?? SANDBOX_PASSWORD;
  const t = testContext({ baseUrl: sb.baseUrl, dir, env });
  const code = await run([...argv, "--username", opts.username ?? "pat.sample"], t.ctx);
  await closeContext(t.ctx);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text };
}

export const json = (r: Ran) => JSON.parse(r.stdout);
