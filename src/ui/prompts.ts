// Questions to the person at the keyboard, on stderr (stdout stays data). Without a terminal a
// prompt never waits: it fails at once naming the flag or input that answers it (exit 64).
import type { ChalkInstance } from "chalk";
import { UsageError } from "../errors.js";
import { isAccessible } from "./accessible.js";
import type { UiContext } from "./io.js";
import type { Choice, Common, Prompter } from "./prompt-types.js";

export type { Choice, Common, Prompter } from "./prompt-types.js";

export function isInteractive(ctx: Pick<UiContext, "io" | "env">): boolean {
  // stderr first: a script's stderr is rarely a terminal, and then stdin's stream (which Node
  // builds when it is first touched) is never made.
  return ctx.env.CI !== "true" && Boolean(ctx.io.stderr.isTTY && ctx.io.stdin.isTTY);
}

/**
 * The real prompter: on @inquirer/prompts, or in accessible mode (src/ui/accessible.ts) the line
 * prompter; either is loaded only when a question is actually asked.
 */
export function createPrompter(ctx: UiContext): Prompter {
  const interactive = isInteractive(ctx);
  // Decided at each question: the global flags are set after the context (and this) is made.
  let lines: Prompter | undefined;
  const accessible = async (opts: Common): Promise<Prompter | undefined> => {
    if (!isAccessible(ctx)) return undefined;
    refuseWithoutTerminal(opts);
    if (!lines) {
      const { createLinePrompter } = await import("./line-prompter.js");
      lines ??= createLinePrompter(ctx, interactive);
    }
    return lines;
  };
  // A getter: stdin's stream is made only when a question is asked.
  const context = {
    get input() {
      return ctx.io.stdin;
    },
    output: ctx.io.stderr as NodeJS.WritableStream,
    signal: ctx.signal,
  };
  // inquirer colours with node:util's styleText, which looks at stdout and ignores --no-color
  // and --plain; the prompts are on stderr, so their colours are decided here, from stderr.
  // Both load only when a question is actually asked (chalk and inquirer cost start-up time).
  let theme: PromptTheme | undefined;
  const refuseWithoutTerminal = (opts: Common) => {
    if (!interactive) {
      throw new UsageError(
        `${opts.message.replace(/[?:]\s*$/, "")}: no terminal to ask on; pass ${opts.noTty}.`,
      );
    }
  };
  const need = (opts: Common) => {
    refuseWithoutTerminal(opts);
    return Promise.all([import("@inquirer/prompts"), import("./style.js")]).then(([p, { styleFor }]) => {
      theme ??= promptTheme(styleFor(ctx, "stderr").color);
      return { p, theme };
    });
  };
  return {
    interactive,
    async input(opts) {
      const plain = await accessible(opts);
      if (plain) return plain.input(opts);
      const { p, theme } = await need(opts);
      return p.input(
        { message: opts.message, default: opts.default, validate: opts.validate, theme },
        context,
      );
    },
    async password(opts) {
      const plain = await accessible(opts);
      if (plain) return plain.password(opts);
      const { p, theme } = await need(opts);
      return p.password({ message: opts.message, mask: "*", validate: opts.validate, theme }, context);
    },
    async confirm(opts) {
      const plain = await accessible(opts);
      if (plain) return plain.confirm(opts);
      const { p, theme } = await need(opts);
      return p.confirm({ message: opts.message, default: opts.default, theme }, context);
    },
    async select<T>(opts: Common & { choices: Choice<T>[]; default?: T }): Promise<T> {
      const plain = await accessible(opts);
      if (plain) return plain.select(opts);
      const { p, theme } = await need(opts);
      return p.select<T>(
        { message: opts.message, choices: opts.choices, default: opts.default, theme },
        context,
      );
    },
  };
}

type PromptTheme = ReturnType<typeof promptTheme>;

/**
 * Every colour inquirer's prompts use (the core theme and the input, password, confirm and select
 * prompts' own), painted with `c`: at colour level 0 the prompts carry no colour codes at all.
 */
export function promptTheme(c: ChalkInstance) {
  const keysHelpTip = (keys: [string, string][]) =>
    keys.map(([key, action]) => `${c.bold(key)} ${c.dim(action)}`).join(c.dim(" • "));
  return {
    prefix: { idle: c.blue("?"), done: c.green("✔") },
    spinner: {
      interval: 80,
      frames: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"].map((frame) => c.yellow(frame)),
    },
    style: {
      answer: (text: string) => c.cyan(text),
      message: (text: string) => c.bold(text),
      error: (text: string) => c.red(`> ${text}`),
      defaultAnswer: (text: string) => c.dim(`(${text})`),
      help: (text: string) => c.dim(text),
      highlight: (text: string) => c.cyan(text),
      key: (text: string) => c.cyan.bold(`<${text}>`),
      // select
      disabled: (text: string) => c.dim(text),
      description: (text: string) => c.cyan(text),
      // select and password
      keysHelpTip,
      // confirm: the default answer, as inquirer writes it ("Y/n"), coloured only when it is a symbol.
      confirmDefault: (text: string) => {
        const first = text[0] ?? "";
        if (first.toLowerCase() === first.toUpperCase()) return c.cyan(text);
        return first.toUpperCase() + text.slice(1);
      },
    },
  };
}
