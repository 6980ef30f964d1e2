// The direct reader (direct.ts) against commander, on generated command lines: whenever it takes a
// line, commander's parse of the same line (through the program main.ts would build) must run the
// same command with the same arguments, options and global options; the lines it leaves are
// commander's. The commands are the table's, with handlers that only record what they are given.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { testContext } from "../../test/helpers/context.js";
import type { AppContext, GlobalOptions } from "../context.js";
import { CliError } from "../errors.js";
import { readDirect, takeGlobals } from "./direct.js";
import { loadSchemas } from "./flag-schemas.js";
import { type CommandSpec, type HandlerInput, longName, type OptionSpec, takesValue } from "./kit.js";
import { buildProgram } from "./program.js";
import { commands, program } from "./table.js";

interface Ran {
  path: string[];
  input: HandlerInput;
  globals: GlobalOptions;
}

/** The table, each handler replaced by one that records its run in `ran`. */
function recording(specs: readonly CommandSpec[], ran: { last?: Ran }, above: string[] = []): CommandSpec[] {
  return specs.map((spec) => {
    const path = [...above, spec.name];
    const copy: CommandSpec = { ...spec, commands: spec.commands && recording(spec.commands, ran, path) };
    if (spec.handler) {
      copy.handler = async () => async (ctx, input) => {
        ran.last = { path, input, globals: ctx.globals };
        return 0;
      };
    }
    return copy;
  });
}

type Outcome =
  | { kind: "ran"; ran: Ran }
  | { kind: "refused" }
  | { kind: "hook"; globals: GlobalOptions; error: unknown };

/** What commander makes of `argv`: the command it runs, or that it refuses (or helps). */
async function commanderReads(
  argv: string[],
  specs: readonly CommandSpec[],
  ran: { last?: Ran },
): Promise<Outcome> {
  ran.last = undefined;
  let globals: GlobalOptions | undefined;
  const ctx: AppContext = { ...shared };
  ctx.setGlobals = (given) => {
    globals = given;
    ctx.globals = given;
  };
  const schemas = await loadSchemas(argv, program, specs);
  try {
    await buildProgram(ctx, () => {}, argv, schemas, specs).parseAsync(argv, { from: "user" });
  } catch (error) {
    // The preAction hook's own check (takeGlobals) refused the globals it was given.
    if (error instanceof CliError && globals) return { kind: "hook", globals, error };
    return { kind: "refused" };
  }
  if (!ran.last) throw new Error(`commander ran nothing for ${JSON.stringify(argv)}`);
  return { kind: "ran", ran: ran.last };
}

/** What the direct reader makes of it, as a Ran (or undefined: it leaves the line to commander). */
async function directReads(argv: string[], specs: readonly CommandSpec[]) {
  const run = readDirect(argv, program, specs, await loadSchemas(argv, program, specs));
  if (!run) return undefined;
  return {
    path: run.path.map((c) => c.name),
    args: run.args,
    opts: run.opts,
    globals: run.globals as GlobalOptions,
  };
}

const ran: { last?: Ran } = {};
// One context for every parse: nothing here runs a command (the handlers only record).
const shared = testContext().ctx;
const specs = recording(commands, ran);

/** Every command that runs, with its path from the top. */
function leaves(
  list: readonly CommandSpec[],
  above: string[] = [],
): { path: string[]; chain: CommandSpec[] }[] {
  return list.flatMap((spec) => {
    const path = [...above, spec.name];
    const here = spec.commands?.length
      ? leaves(spec.commands, path).map((l) => ({ path: l.path, chain: [spec, ...l.chain] }))
      : [];
    return spec.handler && !spec.commands?.length ? [{ path, chain: [spec] }, ...here] : here;
  });
}
const runnable = leaves(specs);

// Words that are values somewhere, that look like options or commands, or that schemas refuse.
const WORDS = [
  "acme",
  "",
  "-",
  "-x",
  "--json",
  "--profile",
  "status",
  "help",
  "list",
  "x=y",
  "0",
  "1000",
  "-5",
  "abc",
  "en",
  "es",
  "fr",
  "medicare",
  "tricare",
  "sign-in",
  "maintenance:120",
  "latency:300@/status",
  "RX-100101",
  "ORD-1",
  "on",
  "off",
  "trees/default.yaml",
  "https://example.com/x",
  "30",
  "8787",
];
const NOISE = [
  "-h",
  "--help",
  "-V",
  "--version",
  "--",
  "--nope",
  "--json=1",
  "--no-color=x",
  "--color",
  "-j",
  "help",
];

const word = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...WORDS) }, fc.string({ maxLength: 6 }));

/** Tokens for one option: a switch, `--name value`, or `--name=value`. */
function optionTokens(option: OptionSpec): fc.Arbitrary<string[]> {
  const long = longName(option.flags);
  if (!takesValue(option)) return fc.constant([long]);
  // Mostly values a schema may take (a choice, a name, a number), the odd word otherwise.
  const likely = fc.constantFrom(...(option.choices ?? ["acme", "1000", "30", "0", "RX-100101"]));
  const value = fc.oneof(
    { weight: 3, arbitrary: likely },
    { weight: 1, arbitrary: word },
    // A value that looks like an option: commander may take it as the value, or as the option.
    { weight: 1, arbitrary: fc.constantFrom("--json", "--profile", "--plain", "-x", "-5", "--help") },
  );
  return fc.tuple(value, fc.boolean()).map(([v, joined]) => (joined ? [`${long}=${v}`] : [long, v]));
}

/** Some of `options`, each with its tokens and a place (a number: tokens sort by it). */
function placed(options: readonly OptionSpec[], from: number): fc.Arbitrary<[number, string[]][]> {
  if (!options.length) return fc.constant([]);
  return fc
    .subarray([...options], { maxLength: Math.min(4, options.length) })
    .chain((chosen) =>
      fc.tuple(
        ...chosen.map((o) => fc.tuple(fc.double({ min: from, max: 100, noNaN: true }), optionTokens(o))),
      ),
    );
}

/** How many arguments the command at the end of `chain` needs. */
const declared = (chain: readonly CommandSpec[]) =>
  (chain.at(-1)?.arguments ?? []).filter((a) => a.name.startsWith("<")).length;

/** A command line: the names in order, options placed after their command's name, arguments last. */
const line: fc.Arbitrary<string[]> = fc.constantFrom(...runnable).chain(({ path, chain }) =>
  fc
    .tuple(
      placed(program.options, 0),
      fc.tuple(...chain.map((spec, level) => placed(spec.options ?? [], level + 1))),
      // Mostly as many arguments as the command declares; now and then fewer or more.
      fc.oneof(
        { weight: 4, arbitrary: fc.array(word, { minLength: declared(chain), maxLength: declared(chain) }) },
        { weight: 1, arbitrary: fc.array(word, { maxLength: 3 }) },
      ),
      // A word commander alone handles, in one line of six; a swap in one of five.
      fc.oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(...NOISE)),
        },
      ),
      fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 2 }) },
      ),
    )
    .map(([globals, levels, operands, noise, swaps]) => {
      const items: [number, string[]][] = [
        ...path.map((name, level): [number, string[]] => [level + 0.5, [name]]),
        ...globals,
        ...levels.flat(),
        ...operands.map((w, i): [number, string[]] => [path.length + 0.6 + i / 10, [w]]),
        ...(noise ? [[noise[0], [noise[1]]] as [number, string[]]] : []),
      ];
      const tokens = items.sort((a, b) => a[0] - b[0]).flatMap(([, t]) => t);
      // A swap of two neighbours now and then: an option before its command, an argument early.
      for (const at of swaps) {
        const i = at % Math.max(1, tokens.length - 1);
        if (tokens.length > 1) [tokens[i], tokens[i + 1]] = [tokens[i + 1] as string, tokens[i] as string];
      }
      return tokens;
    }),
);

describe("reading a command line without commander", () => {
  it("takes only lines commander reads the same way, and most well-formed ones", async () => {
    let taken = 0;
    let refused = 0;
    const runs = cases(800);
    await fc.assert(
      fc.asyncProperty(line, async (argv) => {
        const direct = await directReads(argv, specs);
        const commander = await commanderReads(argv, specs, ran);
        if (commander.kind === "refused") refused++;
        if (!direct) return;
        taken++;
        if (commander.kind === "refused") throw new Error("commander refuses a line the reader took");
        if (commander.kind === "hook") {
          expect(direct.globals).toEqual(commander.globals);
          expect(() => takeGlobals(testContext().ctx, direct.globals)).toThrow(CliError);
          return;
        }
        expect(direct.path).toEqual(commander.ran.path);
        expect(direct.args).toEqual(commander.ran.input.args.slice(0, direct.args.length));
        expect(direct.args).toHaveLength(commander.ran.input.args.length);
        expect(direct.opts).toEqual(commander.ran.input.opts);
        expect(direct.globals).toEqual(commander.ran.globals);
      }),
      { numRuns: runs, seed: 1301 },
    );
    // Neither side of the comparison is empty: the reader takes many lines, commander refuses many.
    expect(taken).toBeGreaterThan(runs / 5);
    expect(refused).toBeGreaterThan(runs / 10);
  }, 60_000);

  it.each([
    [["contacts", "--enrollee", "medicare", "--json"]],
    [["refill", "list", "--json"]],
    [["orders", "--json"]],
    [["status", "--json"]],
    [["whoami", "--json"]],
    [["--profile", "acme", "status"]],
    [["status", "--lang=es", "--no-color"]],
    [["tree", "lint", "trees/default.yaml"]],
    [["health", "--login", "--json"]],
  ])("takes %j, as commander reads it", async (argv) => {
    const direct = await directReads(argv, specs);
    const commander = await commanderReads(argv, specs, ran);
    expect(direct).toBeDefined();
    expect(commander.kind).toBe("ran");
    if (commander.kind !== "ran") return;
    expect(direct?.path).toEqual(commander.ran.path);
    expect(direct?.opts).toEqual(commander.ran.input.opts);
    expect(direct?.globals).toEqual(commander.ran.globals);
  });

  it.each([
    [["--help"]],
    [["contacts", "--help"]],
    [["-V"]],
    [["help", "status"]],
    [["refill"]],
    [["status", "extra"]],
    [["contacts", "--bogus"]],
    [["--", "status"]],
    [["contacts", "--enrollee", "--json"]],
    [["--timeout", "soon", "status"]],
    [["refill", "--json", "lis"]],
    [[]],
  ])("leaves %j to commander", async (argv) => {
    expect(await directReads(argv, specs)).toBeUndefined();
  });
});
