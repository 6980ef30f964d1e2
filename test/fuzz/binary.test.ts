// Fuzz suite, the built binary: hostile files (a FIFO nobody writes to, /dev/zero, a symlink loop,
// a folder, a 1 GB sparse file, NUL bytes, invalid UTF-8, deep nesting, an alias bomb, a file
// nobody may read) handed to every option that reads a file, plus generated garbage. Each run must
// end at once with its documented exit code and one line on stderr, nothing on stdout (or one
// JSON document with --json), and no stack trace.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunResult, runCli, tempHome } from "../helpers/spawn.js";

/** A hostile file can take no longer than this to be refused (start-up included). */
// Generous because CI machines are shared (a start takes 1-2 s under load); a FIFO or /dev/zero
// that is waited on or read would never end at all.
const BOUND_MS = 15_000;
const TEST_MS = 180_000;

let home: string;
const hostile: Record<string, string> = {};
let spawned = 0;

beforeAll(() => {
  home = tempHome();
  const dir = join(home, "hostile");
  mkdirSync(dir);
  const at = (name: string) => join(dir, name);
  execFileSync("mkfifo", [at("fifo")]);
  hostile.fifo = at("fifo");
  hostile.device = "/dev/zero";
  symlinkSync(at("loop-b"), at("loop-a"));
  symlinkSync(at("loop-a"), at("loop-b"));
  hostile["symlink loop"] = at("loop-a");
  hostile.folder = dir;
  writeFileSync(at("huge.yaml"), "");
  truncateSync(at("huge.yaml"), 1024 ** 3);
  hostile["1 GB sparse file"] = at("huge.yaml");
  writeFileSync(at("nul.yaml"), "profiles:\n  a\0: 1\n");
  hostile["NUL bytes"] = at("nul.yaml");
  writeFileSync(at("latin1.yaml"), Buffer.from("name: Jos\xe9\n", "latin1"));
  hostile["invalid UTF-8"] = at("latin1.yaml");
  writeFileSync(at("deep.yaml"), `${"[".repeat(50_000)}\n`);
  hostile["deep nesting"] = at("deep.yaml");
  let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (let i = 1; i <= 9; i++) {
    const name = String.fromCharCode(97 + i);
    bomb += `${name}: &${name} [${Array(10)
      .fill(`*${String.fromCharCode(96 + i)}`)
      .join(", ")}]\n`;
  }
  writeFileSync(at("bomb.yaml"), bomb);
  hostile["alias bomb"] = at("bomb.yaml");
  writeFileSync(at("proto.yaml"), "__proto__:\n  polluted: true\n");
  hostile["__proto__ key"] = at("proto.yaml");
  hostile.missing = at("does-not-exist.yaml");
  writeFileSync(at("secret.yaml"), "a: 1\n", { mode: 0o600 });
  chmodSync(at("secret.yaml"), 0o000);
  // root reads a mode-000 file anyway, so the case only means something for other users.
  if (process.getuid?.() !== 0) hostile["unreadable (mode 000)"] = at("secret.yaml");
});

afterAll(() => {
  console.log(`fuzz (binary): ${spawned} runs of bin/rxportal.js; every one ended cleanly.`);
});

function expectOneLine(r: RunResult, what: string, codes: number[], opts: { json?: boolean } = {}): void {
  spawned++;
  const context = `${what}\nexit ${r.code} signal ${r.signal} in ${r.ms} ms\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 300)}`;
  expect(r.signal, context).toBeNull();
  expect(codes, context).toContain(r.code);
  expect(r.ms, context).toBeLessThan(BOUND_MS);
  const lines = r.stderr.split("\n").filter(Boolean);
  expect(lines, context).toHaveLength(1);
  expect(lines[0], context).toMatch(/^rxportal: \S/);
  expect(r.stderr, context).not.toMatch(/internal error|\n\s+at |TypeError|RangeError/);
  if (opts.json) {
    const doc = JSON.parse(r.stdout) as { error?: { exitCode: number; message: string } };
    expect(doc.error?.exitCode, context).toBe(r.code);
  } else {
    expect(r.stdout, context).toBe("");
  }
}

/** Runs a few at a time: each is a separate process, and the machine is shared. */
async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe("fuzz (binary): hostile files are refused at once with one line", () => {
  it(
    "--config, for config validate and status (exit 78; health: 3)",
    async () => {
      const cases = Object.entries(hostile).flatMap(([what, path], i) => [
        { what, argv: ["--config", path, "config", "validate"], codes: [78] },
        // Every command reads the config the same way: a sample of them, with and without --json.
        i % 2 === 0
          ? { what, argv: ["--config", path, "status", "--json"], codes: [78], json: true }
          : { what, argv: ["--config", path, "health"], codes: [3] },
      ]);
      await inBatches(cases, 3, async (c) => {
        const r = await runCli(c.argv, { home, timeoutMs: BOUND_MS + 2_000 });
        expectOneLine(r, `${c.what}: ${c.argv.join(" ")}`, c.codes, { json: c.json });
      });
    },
    TEST_MS,
  );

  it(
    "tree files (tree lint, tree export, doctor --tree) and answers files (doctor --answers)",
    async () => {
      const cases = Object.entries(hostile).flatMap(([what, path], i) => [
        { what, argv: ["tree", "lint", path], codes: [78] },
        i % 2 === 0
          ? { what, argv: ["tree", "export", "--format", "json", path], codes: [78] }
          : { what, argv: ["doctor", "--tree", path, "--plain"], codes: [78] },
        // Unreadable answers files are 78 like other files; what is in a readable one is a usage matter (64).
        { what, argv: ["doctor", "--answers", path, "--plain"], codes: [78, 64] },
      ]);
      await inBatches(cases, 3, async (c) => {
        const r = await runCli(c.argv, { home, timeoutMs: BOUND_MS + 2_000 });
        expectOneLine(r, `${c.what}: ${c.argv.join(" ")}`, c.codes);
      });
    },
    TEST_MS,
  );

  it(
    "--password-file (health --login: UNKNOWN, exit 3)",
    async () => {
      const cases = Object.entries(hostile).filter(([what]) =>
        ["fifo", "device", "symlink loop", "folder", "1 GB sparse file", "NUL bytes", "missing"].includes(
          what,
        ),
      );
      await inBatches(cases, 3, async ([what, path]) => {
        // Credentials are read before any probe: nothing is sent (nothing listens on the default profile).
        const argv = ["health", "--login", "--username", "pat.sample", "--password-file", path];
        const r = await runCli(argv, { home, timeoutMs: BOUND_MS + 2_000 });
        expectOneLine(r, `${what}: ${argv.join(" ")}`, [3]);
      });
    },
    TEST_MS,
  );

  it(
    "generated garbage as a config file, a tree file and argv values",
    async () => {
      const samples = fc.sample(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
          fc.string({ unit: "binary", minLength: 1, maxLength: 200 }).map((s) => Buffer.from(s, "utf8")),
        ),
        { numRuns: 8, seed: 99 },
      );
      await inBatches(
        samples.map((bytes, i) => ({ bytes, i })),
        3,
        async ({ bytes, i }) => {
          const file = join(home, `garbage-${i}.yaml`);
          writeFileSync(file, bytes);
          const config = await runCli(["--config", file, "config", "validate"], { home });
          if (config.code !== 0) expectOneLine(config, `garbage config ${bytes.toString("hex")}`, [78]);
          const tree = await runCli(["tree", "lint", file], { home });
          if (tree.code !== 0) {
            spawned++;
            expect(tree.code).toBe(78);
            expect(tree.stderr.split("\n").filter(Boolean)).toHaveLength(1);
            expect(tree.stderr).not.toMatch(/internal error|\n\s+at /);
          }
        },
      );
    },
    TEST_MS,
  );
});
