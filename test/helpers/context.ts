// A context for in-process tests: string buffers instead of a terminal, a temp HOME-like folder,
// an in-memory credential store and, optionally, scripted answers and a portal to talk to.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Clock } from "../../src/clock.js";
import { createContext } from "../../src/compose.js";
import type { AppContext, CredentialAccess, GlobalOptions } from "../../src/context.js";
import { MemoryCredentialStore } from "../../src/credentials/memory.js";
import type { Prompter } from "../../src/ui/prompts.js";
import { noTerminal } from "./prompter.js";

export class Buffer {
  text = "";
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface TestContext {
  ctx: AppContext;
  stdout: Buffer;
  stderr: Buffer;
  /** Write lines here to answer --password-stdin and friends; end() it when done. */
  stdin: PassThrough;
  dir: string;
  credentials: CredentialAccess;
}

/** A lasting in-memory store, so session code paths run as with a real keychain. */
export function memoryCredentials(persistent = true): CredentialAccess {
  return {
    store: new MemoryCredentialStore(),
    persistent,
    backend: {
      backend: persistent ? "secret-service" : "none",
      persistent,
      detail: "test store",
    } as CredentialAccess["backend"],
  };
}

export function testContext(
  opts: {
    env?: Record<string, string>;
    fetch?: typeof globalThis.fetch;
    clock?: Clock;
    signal?: AbortSignal;
    prompter?: Prompter;
    credentials?: CredentialAccess;
    /** Writes a config whose default profile "test" points at this portal (e.g. a sandbox's baseUrl). */
    baseUrl?: string;
    /** Reuse a folder (its config, state files) from an earlier context: a second "run". */
    dir?: string;
    globals?: GlobalOptions;
  } = {},
): TestContext {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "rxportal-test-"));
  const configDir = join(dir, "config");
  if (opts.baseUrl) {
    mkdirSync(configDir, { recursive: true });
    writeFileSync(
      join(configDir, "config.yaml"),
      `defaultProfile: test\nprofiles:\n  test:\n    baseUrl: ${opts.baseUrl}\n    timeoutMs: 5000\n`,
    );
  }
  const stdout = new Buffer();
  const stderr = new Buffer();
  const stdin = new PassThrough();
  const credentials = opts.credentials ?? memoryCredentials();
  const ctx = createContext({
    io: { stdout, stderr, stdin },
    env: { ...opts.env },
    cwd: dir,
    paths: { configDir, dataDir: join(dir, "data") },
    clock: opts.clock,
    signal: opts.signal,
    fetchOverride: opts.fetch ?? globalThis.fetch,
    prompter: opts.prompter ?? noTerminal,
    credentials,
  });
  ctx.setGlobals(opts.globals ?? {});
  return { ctx, stdout, stderr, stdin, dir, credentials };
}

/** Runs the context's cleanups, as main.ts does at the end of a run. */
export async function closeContext(ctx: AppContext): Promise<void> {
  for (const cleanup of ctx.cleanups.splice(0).reverse()) await cleanup();
}
