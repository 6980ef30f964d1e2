// Questions to the person at the keyboard, on stderr (stdout stays data). Without a terminal a
// prompt never waits: it fails at once naming the flag or input that answers it (exit 64).
import type { AppContext } from "../context.js";
import { UsageError } from "../errors.js";

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

interface Common {
  message: string;
  /** What to pass instead when there is no terminal, e.g. "--yes" or "--password-stdin". */
  noTty: string;
}

export interface Prompter {
  readonly interactive: boolean;
  input(opts: Common & { default?: string; validate?: (value: string) => true | string }): Promise<string>;
  /** Masked input: the characters never appear on screen. */
  password(opts: Common & { validate?: (value: string) => true | string }): Promise<string>;
  confirm(opts: Common & { default?: boolean }): Promise<boolean>;
  select<T>(opts: Common & { choices: Choice<T>[]; default?: T }): Promise<T>;
}

export function isInteractive(ctx: Pick<AppContext, "io" | "env">): boolean {
  return Boolean(ctx.io.stdin.isTTY && ctx.io.stderr.isTTY) && ctx.env.CI !== "true";
}

/** The real prompter, on @inquirer/prompts (loaded only when a question is actually asked). */
export function createPrompter(ctx: AppContext): Prompter {
  const interactive = isInteractive(ctx);
  const context = { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream, signal: ctx.signal };
  const need = (opts: Common) => {
    if (!interactive) {
      throw new UsageError(
        `${opts.message.replace(/[?:]\s*$/, "")}: no terminal to ask on; pass ${opts.noTty}.`,
      );
    }
    return import("@inquirer/prompts");
  };
  return {
    interactive,
    async input(opts) {
      const p = await need(opts);
      return p.input({ message: opts.message, default: opts.default, validate: opts.validate }, context);
    },
    async password(opts) {
      const p = await need(opts);
      return p.password({ message: opts.message, mask: "*", validate: opts.validate }, context);
    },
    async confirm(opts) {
      const p = await need(opts);
      return p.confirm({ message: opts.message, default: opts.default }, context);
    },
    async select<T>(opts: Common & { choices: Choice<T>[]; default?: T }): Promise<T> {
      const p = await need(opts);
      return p.select<T>({ message: opts.message, choices: opts.choices, default: opts.default }, context);
    },
  };
}
