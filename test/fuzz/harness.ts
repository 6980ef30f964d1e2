// The fuzz suite's harness: run one generated case (in-process through run(), or the built
// binary) and check what every case must end with, whatever the input: a documented exit code,
// one line on stderr starting "rxportal: " when it failed, no "internal error", no stack trace,
// and an end within a time bound.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { run } from "../../src/main.js";
import { testContext } from "../helpers/context.js";

/** cli.md's table; `health` has its own 0-3. */
export const DOCUMENTED_EXIT_CODES = new Set([0, 1, 64, 69, 75, 77, 78, 130]);
export const HEALTH_EXIT_CODES = new Set([0, 1, 2, 3]);

/** How long one in-process case may take before it counts as a hang. */
export const CASE_BOUND_MS = 5_000;

export interface CaseResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Cases tried, by suite, printed at the end (the issue asks for the count). */
export const tried = new Map<string, number>();
export function count(suite: string, n = 1): void {
  tried.set(suite, (tried.get(suite) ?? 0) + n);
}

/** A folder with a config whose default profile points at a closed loopback port: no network. */
export function fuzzHome(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "rxportal-fuzz-"));
  mkdirSync(join(dir, "config"), { recursive: true });
  const config = join(dir, "safe-config.yaml");
  // Port 9 (discard) on loopback: nothing listens there in CI; a refused connect is exit 69.
  writeFileSync(
    config,
    "defaultProfile: closed\nprofiles:\n  closed:\n    baseUrl: http://127.0.0.1:9/api/v1\n    timeoutMs: 1000\n",
  );
  return { dir, env: { RXPORTAL_CONFIG: config } };
}

/** Runs argv in-process with a fresh context (its own buffers), bounded in time. */
export async function runInProcess(
  argv: string[],
  opts: { dir: string; env?: Record<string, string> },
): Promise<CaseResult> {
  const t = testContext({ dir: opts.dir, env: opts.env });
  // A process warning would be a line on the binary's stderr: count it as output of the case.
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on("warning", onWarning);
  t.stdin.end();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    run(argv, t.ctx),
    new Promise<number>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`hang: ${JSON.stringify(argv)} ran past ${CASE_BOUND_MS} ms`)),
        CASE_BOUND_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  process.off("warning", onWarning);
  const stderr = t.stderr.text + warnings.map((w) => `(node) ${w}\n`).join("");
  return { code, stdout: t.stdout.text, stderr, ms: Date.now() - started };
}

/** What every case must end with. `what` names the case in a failure. */
export function expectCleanEnd(
  r: CaseResult,
  what: string,
  opts: { codes?: Set<number>; json?: boolean; verdicts?: number[] } = {},
): void {
  const codes = opts.codes ?? DOCUMENTED_EXIT_CODES;
  const context = `${what}\nexit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`;
  expect(codes.has(r.code), context).toBe(true);
  expect(r.stderr, context).not.toMatch(/internal error/i);
  expect(r.stderr, context).not.toMatch(/^\(node\)/m);
  expect(r.stderr, context).not.toMatch(/\n\s+at |^\s+at /m);
  expect(r.stderr, context).not.toMatch(/TypeError|RangeError|ReferenceError|SyntaxError:/);
  // A verdict (check-link's 1, "suspicious") is the command's answer on stdout, not an error.
  const verdict = opts.verdicts?.includes(r.code) && r.stderr === "" && r.stdout !== "";
  if (r.code !== 0 && !verdict) {
    // One line, whatever went wrong; commands that list problems (tree lint) list them on stdout.
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines, context).toHaveLength(1);
    expect(lines[0], context).toMatch(/^rxportal: \S/);
  }
  if (opts.json) {
    // --json: exactly one JSON document on stdout; a failure's is {error} (tree lint's is {ok: false}).
    let doc: Record<string, unknown> = {};
    expect(() => {
      doc = JSON.parse(r.stdout);
    }, context).not.toThrow();
    if (r.code !== 0 && !verdict) expect("error" in doc || doc.ok === false, context).toBe(true);
  }
}
