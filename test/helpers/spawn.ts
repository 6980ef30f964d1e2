// Spawning the built binary the way a user or a script would: own HOME, no colour, no stdin.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const binPath = new URL("../../bin/rxportal.js", import.meta.url).pathname;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), "rxportal-home-"));
}

/**
 * A fresh home whose config file has one profile, the default, with these settings (YAML lines
 * below the profile's name): `baseUrl: http://127.0.0.1:PORT/api/v1`, for a sandbox on port 0.
 */
export function homeWithProfile(name: string, settings: string): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  const lines = settings
    .trim()
    .split("\n")
    .map((line) => `    ${line}\n`)
    .join("");
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: ${name}\nprofiles:\n  ${name}:\n${lines}`,
  );
  return home;
}

export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    NO_COLOR: "1",
    LANG: "C.UTF-8",
    TZ: "UTC",
    ...extra,
  };
  return env;
}

export function runCli(
  args: string[],
  opts: { home?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const home = opts.home ?? tempHome();
  const started = Date.now();
  const child = spawn(process.execPath, [binPath, ...args], {
    env: cliEnv(home, opts.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  return collect(child, started, opts.input, opts.timeoutMs ?? 15_000);
}

export function startCli(
  args: string[],
  opts: { home?: string; env?: Record<string, string> } = {},
): ChildProcess {
  return spawn(process.execPath, [binPath, ...args], {
    env: cliEnv(opts.home ?? tempHome(), opts.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function collect(
  child: ChildProcess,
  started: number,
  input: string | undefined,
  timeoutMs: number,
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  child.stdin?.end(input ?? "");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Reads the first line a long-running command prints on stdout (e.g. the sandbox's URL). */
export function firstLine(child: ChildProcess, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no output within ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl));
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code} before printing: ${err}`)));
  });
}
