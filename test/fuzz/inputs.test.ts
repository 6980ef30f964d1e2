// Fuzz suite, in-process (issue 10, parts 2 and 7): generated config files, tree files, answers
// files, --answer values, --timeout values, check-link URLs and whole command lines, including
// binary garbage, NUL bytes, deep nesting, alias bombs and prototype names. Every case must end
// with a documented exit code and one line on stderr: no internal error, no stack, no hang.
// Seeded and bounded: the same cases every run, a few thousand in all, in a few seconds.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import YAML from "yaml";
import { cases } from "../helpers/cases.js";
import { count, expectCleanEnd, fuzzHome, runInProcess, tried } from "./harness.js";

// Seeded so CI tries the same cases every run; RXPORTAL_FUZZ_SEED=<n> explores others locally.
const SEED = Number(process.env.RXPORTAL_FUZZ_SEED ?? 20261201);
const runs = (n: number) => ({ numRuns: cases(n), seed: SEED, endOnFailure: true });

const home = fuzzHome();

afterAll(() => {
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  const parts = [...tried].map(([suite, n]) => `${suite} ${n}`).join(", ");
  console.log(`fuzz (in-process): ${total} cases tried (${parts}); every one ended cleanly.`);
});

// ---- building blocks -------------------------------------------------------------------------

/** Text that breaks parsers: control characters, tabs, quotes, brackets, NUL, lone surrogates. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    "\t",
    "\0",
    "\uFEFF",
    "\uD800",
    "'",
    '"',
    "[",
    "{",
    "*a",
    "&a",
    "!!js/function",
    "<<",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "prototype",
    "%YAML 1.1",
    "---",
    "...",
    "~",
    "null",
    "1e999",
    "-0",
    "0x10",
    "https://",
    "http://",
    "portal.acme.example/api/v1",
    "https://u:p@x.example/api",
    "https://x.example/api?x=1#y",
    "http://127.0.0.1:9/api/v1",
    "http://[::1]:9/api",
    "ftp://x.example",
    "javascript:alert(1)",
    "https://xn--80ak6aa92e.com/",
    "https://exa mple.com/",
    "//x.example/",
    "/v2/signin",
    "v2/signin",
    "/orders/{orderId}",
    "/orders/{id}",
    "/a/../b",
  ),
);

/** Any JSON-ish value, small. */
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(nasty, tie("v"), { maxKeys: 4 }),
  ),
})).v;

const profileKeys = [
  "baseUrl",
  "baseURL",
  "baseurl",
  "base_url",
  "officialHosts",
  "username",
  "timeoutMs",
  "timeout",
  "paths",
  "contacts",
  "__proto__",
  "constructor",
];
const pathIds = ["login", "getOrder", "setAutoRefill", "getMe", "nope", "__proto__", "constructor"];

const profile = fc.dictionary(
  fc.constantFrom(...profileKeys),
  fc.oneof(
    value,
    fc.dictionary(fc.constantFrom(...pathIds), fc.oneof(nasty, value), { maxKeys: 3 }),
    fc.array(nasty, { maxLength: 3 }),
    fc.integer({ min: -1, max: 700_000 }),
    fc.constantFrom("builtin", "https://portal.acme.example/api/v1", "http://localhost:9/api"),
  ),
  { maxKeys: 6 },
);

const configObject = fc.record(
  {
    defaultProfile: fc.oneof(nasty, fc.constantFrom("acme", "sandbox", "express-scripts", "constructor")),
    profiles: fc.oneof(
      fc.dictionary(fc.oneof(nasty, fc.constantFrom("acme", "constructor", "toString")), profile, {
        maxKeys: 3,
      }),
      value,
    ),
    extra: value,
  },
  { requiredKeys: [] },
);

/** A text made from parts: structured documents, garbage, and pathological shapes. */
function pathological(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 1, max: 5000 }).map((n) => "[".repeat(n)),
    fc.integer({ min: 1, max: 3000 }).map((n) => `${"- ".repeat(n)}x\n`),
    fc.integer({ min: 1, max: 300 }).map((n) => {
      let text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
      for (let i = 1; i <= Math.min(n, 12); i++)
        text += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(", ")}]\n`;
      return text;
    }),
    fc
      .integer({ min: 1, max: 200 })
      .map((n) => Array.from({ length: n }, (_, i) => `k${i % 7}: ${i}`).join("\n")),
    fc.constantFrom(
      "a: *missing\n",
      "a:\n\tb: 1\n",
      "? [a, b]\n: c\n",
      "!!binary AAAA: x\n",
      "a: !!js/undefined\n",
      "%TAG ! tag:x,2000:\n--- !x\n",
      "a: b: c\n",
      '"unterminated\n',
      "--- \n--- \n",
      "{",
      "\uFEFF\uFEFF",
    ),
  );
}

/** File contents: text or raw bytes. */
function fileContents(structured: fc.Arbitrary<string>): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    { weight: 5, arbitrary: structured },
    { weight: 2, arbitrary: structured.chain((text) => mutate(text)) },
    { weight: 1, arbitrary: pathological() },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  );
}

/** A valid-looking text with one edit: a tab, a NUL, a deleted or doubled character. */
function mutate(text: string): fc.Arbitrary<string> {
  return fc
    .record({
      at: fc.nat({ max: Math.max(0, text.length) }),
      insert: fc.constantFrom("\t", "\0", ":", "-", "'", "\n  ", "\uD800", "&a ", "*a "),
      remove: fc.nat({ max: 3 }),
    })
    .map(({ at, insert, remove }) => text.slice(0, at) + insert + text.slice(at + remove));
}

const yamlOrJson = (obj: unknown, json: boolean) => {
  try {
    return json ? JSON.stringify(obj, null, 1) : YAML.stringify(obj);
  } catch {
    return String(obj);
  }
};

let fileCounter = 0;
function writeCase(name: string, contents: string | Uint8Array): string {
  const file = join(home.dir, `${fileCounter++}-${name}`);
  writeFileSync(file, contents);
  return file;
}

// ---- the properties --------------------------------------------------------------------------

describe("fuzz: every generated input ends with a documented exit code and one line", () => {
  it("config files (YAML and JSON): config validate, config show, profiles", async () => {
    const json = fc.boolean();
    const contents = json.chain((j) =>
      fileContents(configObject.map((o) => yamlOrJson(o, j))).map((c) => ({ c, j })),
    );
    const commands = fc.constantFrom(
      ["config", "validate"],
      ["config", "validate", "--json"],
      ["config", "show"],
      ["profiles", "--json"],
      ["--profile", "constructor", "config", "show"],
      ["--profile", "__proto__", "config", "validate"],
      ["--profile", "toString", "profiles"],
    );
    await fc.assert(
      fc.asyncProperty(contents, commands, async ({ c, j }, argv) => {
        const file = writeCase(j ? "config.json" : "config.yaml", c);
        const r = await runInProcess(["--config", file, ...argv], { dir: home.dir });
        count("config");
        expectCleanEnd(r, `config ${JSON.stringify(c).slice(0, 300)} ${argv.join(" ")}`, {
          json: (argv as readonly string[]).includes("--json"),
        });
      }),
      runs(300),
    );
  });

  it("tree files: tree lint, tree export", async () => {
    const nodeId = fc.oneof(
      fc.constantFrom("start", "a", "b", "end", "constructor", "__proto__", "toString"),
      nasty,
    );
    // A text: a string, or texts by language (known or not).
    const text = fc.oneof(nasty, fc.dictionary(fc.constantFrom("en", "es", "fr"), nasty, { maxKeys: 3 }));
    const node = fc.oneof(
      fc.record({
        kind: fc.constant("question"),
        text,
        answers: fc.array(fc.record({ value: nodeId, label: text, next: nodeId }, { requiredKeys: [] }), {
          maxLength: 3,
        }),
      }),
      fc.record({
        kind: fc.constant("probe"),
        probe: fc.constantFrom("dns", "tls", "clock", "nope"),
        next: fc.dictionary(fc.constantFrom("ok", "problem", "unknown", "maybe"), nodeId, { maxKeys: 3 }),
      }),
      fc.record({ kind: fc.constant("action"), text, next: nodeId }, { requiredKeys: ["kind"] }),
      fc.record({ kind: fc.constant("end"), title: text, remedy: fc.array(text, { maxLength: 2 }) }),
      value,
    );
    const tree = fc.record(
      {
        version: fc.oneof(fc.constant(1), value),
        languages: fc.oneof(fc.constantFrom(["en"], ["en", "es"], ["es"], ["en", "fr"]), value),
        start: nodeId,
        branches: fc.dictionary(nodeId, nodeId, { maxKeys: 2 }),
        nodes: fc.dictionary(nodeId, node, { maxKeys: 6 }),
      },
      { requiredKeys: [] },
    );
    const commands = fc.constantFrom(
      ["tree", "lint"],
      ["tree", "lint", "--json"],
      ["tree", "export", "--format", "dot"],
      ["tree", "export", "--lang", "es"],
    );
    await fc.assert(
      fc.asyncProperty(fileContents(tree.map((t) => yamlOrJson(t, false))), commands, async (c, argv) => {
        const file = writeCase("tree.yaml", c);
        const r = await runInProcess([...argv, file], { dir: home.dir, env: home.env });
        count("tree");
        expectCleanEnd(r, `tree ${JSON.stringify(c).slice(0, 300)} ${argv.join(" ")}`, {
          json: (argv as readonly string[]).includes("--json"),
        });
      }),
      runs(250),
    );
  });

  it("answers files and --answer values: doctor on a tree without probes", async () => {
    const treeFile = writeCase(
      "tiny-tree.yaml",
      "version: 1\nstart: q1\nbranches: {}\nnodes:\n  q1:\n    kind: question\n    text: What goes wrong?\n    answers:\n      - { value: locked, label: Locked out, next: e1 }\n  e1:\n    kind: end\n    title: Locked\n    remedy: [Wait]\n",
    );
    const answers = fc.dictionary(
      fc.oneof(
        fc.constantFrom("q1", "e1", "consent", "username", "constructor", "__proto__", "answers"),
        nasty,
      ),
      fc.oneof(fc.constantFrom("locked", "yes", "no"), value),
      { maxKeys: 4 },
    );
    const flagValue = fc.oneof(
      fc.constantFrom(
        "q1=locked",
        "q1=",
        "=locked",
        "q1",
        "constructor=x",
        "__proto__=x",
        "q1=locked=x",
        "toString=locked",
      ),
      fc.tuple(nasty, nasty).map(([a, b]) => `${a}=${b}`),
      nasty,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.option(fileContents(answers.map((a) => yamlOrJson(a, false))), { nil: undefined }),
        fc.array(flagValue, { maxLength: 3 }),
        fc.boolean(),
        async (contents, flags, json) => {
          const argv = ["doctor", "--tree", treeFile, "--plain"];
          if (contents !== undefined) argv.push("--answers", writeCase("answers.yaml", contents));
          for (const flag of flags) argv.push("--answer", flag);
          if (json) argv.push("--json");
          const r = await runInProcess(argv, { dir: home.dir, env: home.env });
          count("answers");
          expectCleanEnd(
            r,
            `answers ${JSON.stringify(contents ?? "").slice(0, 300)} ${JSON.stringify(flags)}`,
            {
              json,
            },
          );
        },
      ),
      runs(250),
    );
  });

  it("--timeout values", async () => {
    const timeout = fc.oneof(
      fc.integer({ min: -10, max: 100_000_000_000 }).map(String),
      fc.double().map(String),
      nasty,
      fc.constantFrom(
        "0",
        "1",
        "86400000",
        "86400001",
        "9007199254740993",
        "1e3",
        "10s",
        " 5",
        "5 ",
        "0x10",
        "+5",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        timeout,
        fc.constantFrom(["config", "show"], ["profiles", "--json"]),
        async (t, argv) => {
          const r = await runInProcess(["--timeout", t, ...argv], { dir: home.dir, env: home.env });
          count("timeout");
          expectCleanEnd(r, `--timeout ${JSON.stringify(t)}`, {
            json: (argv as readonly string[]).includes("--json"),
          });
        },
      ),
      runs(200),
    );
  });

  it("check-link URLs", async () => {
    const url = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.webUrl().chain((u) => mutate(u)),
      nasty,
      fc.string({ unit: "grapheme", maxLength: 60 }),
      fc.constantFrom(
        "https://www.express-scripts.com.evil.example/reset",
        "https://xn--xpress-scripts-7kb.com/",
        "https://www.express-scripts.com@evil.example/",
        "http://www.express-scripts.com/",
        "https://[::1]/",
        "https://999.999.999.999/",
        `https://${"a".repeat(300)}.com/`,
        `https://x.com/${"%".repeat(50)}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(url, fc.boolean(), async (u, json) => {
        const argv = ["--profile", "express-scripts", "check-link", u];
        if (json) argv.push("--json");
        const r = await runInProcess(argv, { dir: home.dir, env: home.env });
        count("check-link");
        expectCleanEnd(r, `check-link ${JSON.stringify(u)}`, { json, verdicts: [1] });
      }),
      runs(300),
    );
  });

  it("whole command lines: unknown flags and commands, missing arguments, --json anywhere", async () => {
    const word = fc.oneof(
      fc.constantFrom(
        "config",
        "tree",
        "refill",
        "username",
        "keychain",
        "contacts",
        "profiles",
        "check-link",
        "help",
        "lint",
        "export",
        "validate",
        "show",
        "path",
        "--json",
        "--plain",
        "--bogus",
        "--timeout",
        "--profile",
        "--config",
        "--enrollee",
        "--topic",
        "--tty",
        "--format",
        "--help",
        "-h",
        "--",
        "-",
        "medicare",
        "tricare",
        "mermaid",
      ),
      nasty,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { minLength: 1, maxLength: 5 }), async (argv) => {
        // --help output is not an error; help after a missing subcommand is (stderr: help, then one line).
        const r = await runInProcess(argv, { dir: home.dir, env: home.env });
        count("argv");
        const helpShown = /^Usage: /m.test(r.stderr) || /^Usage: /m.test(r.stdout);
        if (helpShown && r.code === 64) {
          // A group without its subcommand: the help on stderr, then the one-line error last.
          const last = r.stderr.trimEnd().split("\n").at(-1) ?? "";
          if (!/^rxportal: (.*needs a command|unknown command)/.test(last))
            throw new Error(`no error line after help: ${argv.join(" ")}`);
          return;
        }
        if (helpShown) return;
        const json = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : undefined).includes("--json");
        expectCleanEnd(r, `argv ${JSON.stringify(argv)}`, {
          json,
          verdicts: argv.includes("check-link") ? [1] : [],
        });
      }),
      runs(400),
    );
  });
});
