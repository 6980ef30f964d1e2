// Option values checked and coerced by zod, per command: the pieces the schemas in
// <noun>/flags.ts are built from. Each value goes through its key of the command's schema (as
// commander reads it, src/commands/build.ts, or src/commands/direct.ts, which leaves a refused one
// to commander), and a refused value is one line in commander's own words:
//   option '--port <n>' argument '70000' is invalid. --port must be a number from 0 to 65535.
// This module loads zod: nothing imports it at start-up (the table's entries import their schemas
// lazily, and src/commands/flag-schemas.ts loads them only for a command line that gives them
// values).
import * as z from "zod/mini";
import "../zod-messages.js";

/** The longest --timeout: a day (timers past 2^31 ms fire at once in Node, with a warning). */
export const MAX_TIMEOUT_MS = 86_400_000;

export const text = z.optional(z.string());
export const flag = z.optional(z.boolean());
export const texts = z.optional(z.array(z.string()));

/**
 * Digits only (no sign, point or exponent), then `ok` on the number. A default from the table
 * arrives as a number and is taken as it is.
 */
export function digits(message: string, ok: (n: number) => boolean) {
  return z.pipe(
    z.union([z.number(), z.string()]),
    z.transform((value: number | string, check) => {
      if (typeof value === "number") return value;
      const n = Number(value);
      if (/^\d+$/.test(value) && Number.isSafeInteger(n) && ok(n)) return n;
      check.issues.push({ code: "custom", message, input: value });
      return z.NEVER;
    }),
  );
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
  oidc: flag,
  json: flag,
  plain: flag,
  color: flag,
  lang: z.optional(choice(["en", "es"])),
  verbose: flag,
  timeout: z.optional(
    digits(
      `--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`,
      (n) => n >= 1 && n <= MAX_TIMEOUT_MS,
    ),
  ),
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
  oidc: flag,
});
