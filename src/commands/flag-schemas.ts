// Which flag schemas a run needs, loaded before its command line is read (by commander, or
// directly: src/commands/direct.ts). zod loads only when the command line gives a value to an
// option that has one: never for --help, --version or contacts.
import type { ZodMiniType as ZodType } from "zod/mini";
import { requestedCommand } from "./argv.js";
import { type CommandSpec, longName, type OptionSpec, type ProgramSpec, takesValue } from "./kit.js";

/** A loaded flag schema per table entry (a command's, or the program's for the global options). */
export type Schemas = ReadonlyMap<CommandSpec | ProgramSpec, ZodType>;

/** The schema of one option (by attribute name) in its command's flag schema, if it has one. */
export function valueSchema(schema: ZodType | undefined, key: string): ZodType | undefined {
  return (schema as (ZodType & { shape?: Record<string, ZodType> }) | undefined)?.shape?.[key];
}

/**
 * The flag schemas of the program and of the requested command (with its subcommands) whose
 * value options appear on the command line; zod loads only if there is one.
 */
export async function loadSchemas(
  argv: readonly string[],
  program: ProgramSpec,
  specs: readonly CommandSpec[],
): Promise<Schemas> {
  const end = argv.indexOf("--");
  const given = new Set(
    (end === -1 ? argv : argv.slice(0, end)).filter((a) => a.startsWith("--")).map((a) => a.split("=")[0]),
  );
  const wanted = (options: readonly OptionSpec[] | undefined) =>
    (options ?? []).some((o) => takesValue(o) && given.has(longName(o.flags)));
  const entries: (CommandSpec | ProgramSpec)[] = wanted(program.options) ? [program] : [];
  const visit = (spec: CommandSpec) => {
    if (spec.flags && wanted(spec.options)) entries.push(spec);
    for (const sub of spec.commands ?? []) visit(sub);
  };
  const top = specs.find((spec) => spec.name === requestedCommand(argv));
  if (top) visit(top);
  const loaded = await Promise.all(entries.map(async (entry) => [entry, await entry.flags?.()] as const));
  return new Map(
    loaded.filter((pair): pair is [CommandSpec | ProgramSpec, ZodType] => pair[1] !== undefined),
  );
}
