// Option values checked and coerced by zod, per command. commander only splits the command line
// into options; the command's schema (named in the table, loaded only when that command runs)
// says what each value may be, and a refused value is one line in commander's own words:
//   option '--port <n>' argument '70000' is invalid. --port must be a number from 0 to 65535.
// This module loads zod: nothing imports it at start-up (src/commands/build.ts imports it lazily).
import type { Command } from "commander";
import { type ZodType, z } from "zod";
import { FlagError } from "./kit.js";

/** The longest --timeout: a day (timers past 2^31 ms fire at once in Node, with a warning). */
export const MAX_TIMEOUT_MS = 86_400_000;

export const text = z.string().optional();
export const flag = z.boolean().optional();
export const texts = z.array(z.string()).optional();

/**
 * Digits only (no sign, point or exponent), then `ok` on the number. A default from the table
 * arrives as a number and is taken as it is.
 */
export function digits(message: string, ok: (n: number) => boolean) {
  return z.union([z.number(), z.string()]).transform((value, check) => {
    if (typeof value === "number") return value;
    const n = Number(value);
    if (/^\d+$/.test(value) && Number.isSafeInteger(n) && ok(n)) return n;
    check.addIssue({ code: "custom", message });
    return z.NEVER;
  });
}

/** `name must be a whole number from min to max.` (health's thresholds and its port). */
export function wholeNumber(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return digits(`${name} must be a whole number from ${min} to ${max}.`, (n) => n >= min && n <= max);
}

/** One of a fixed list, with commander's words for the others. */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Allowed choices are ${values.join(", ")}.` });
}

/** The program's options. */
export const globalFlags = z.strictObject({
  profile: text,
  config: text,
  sandbox: flag,
  sandboxFault: texts,
  json: flag,
  plain: flag,
  color: flag,
  verbose: flag,
  timeout: digits(
    `--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`,
    (n) => n >= 1 && n <= MAX_TIMEOUT_MS,
  ).optional(),
});

/** --username, --password-stdin, --password-file: the sign-in flags of the portal commands. */
export const sessionFlags = {
  username: text,
  passwordStdin: flag,
  passwordFile: text,
};

export const sandboxFlags = z.strictObject({
  host: text,
  port: digits("--port must be a number from 0 to 65535.", (n) => n <= 65535),
  fault: texts,
  seed: text,
});

/**
 * Checks the options `command` was given against `schema` and puts the coerced values back, so
 * `command.opts()` returns them. The first refused value throws a FlagError naming the option
 * as the command line spelled it. Keys the schema does not know are a bug in the table.
 */
export function checkOptions(schema: ZodType, command: Command): void {
  const values = command.opts();
  const result = schema.safeParse(values);
  if (result.success) {
    for (const [key, value] of Object.entries(result.data as Record<string, unknown>)) {
      if (value !== undefined && value !== values[key])
        command.setOptionValueWithSource(key, value, command.getOptionValueSource(key));
    }
    return;
  }
  const issue = result.error.issues[0];
  const key = issue?.path[0];
  const option = command.options.find((o) => o.attributeName() === key);
  if (!issue || !option || issue.code === "unrecognized_keys") {
    throw new Error(
      `the flag schema of \`${command.name()}\` does not match its options: ${issue?.message ?? "no issue"}`,
    );
  }
  const given = values[key as string];
  const raw = Array.isArray(given) && typeof issue.path[1] === "number" ? given[issue.path[1]] : given;
  // On one line, as main.ts folds commander's own messages (a value may hold a line break).
  const message = `option '${option.flags}' argument '${String(raw)}' is invalid. ${issue.message}`;
  throw new FlagError(
    message
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .join(" "),
  );
}
