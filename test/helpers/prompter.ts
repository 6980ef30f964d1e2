// A prompter that answers from a script, for in-process tests of interactive flows.
import { UsageError } from "../../src/errors.js";
import type { Prompter } from "../../src/ui/prompts.js";

export type Answer = string | boolean | ((message: string) => string | boolean | Promise<string | boolean>);

export class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  /** Every question asked, in order: tests assert on what the person saw. */
  readonly asked: string[] = [];

  constructor(private readonly answers: Answer[]) {}

  private async next(message: string): Promise<string | boolean> {
    this.asked.push(message);
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error(`ScriptedPrompter: no answer left for "${message}"`);
    return typeof answer === "function" ? answer(message) : answer;
  }

  async input(opts: { message: string }) {
    return String(await this.next(opts.message));
  }
  async password(opts: { message: string }) {
    return String(await this.next(opts.message));
  }
  async confirm(opts: { message: string }) {
    return Boolean(await this.next(opts.message));
  }
  async select<T>(opts: { message: string; choices: { value: T }[] }): Promise<T> {
    const answer = await this.next(opts.message);
    const found = opts.choices.find((c) => String(c.value) === String(answer));
    if (!found) throw new Error(`ScriptedPrompter: "${answer}" is not a choice for "${opts.message}"`);
    return found.value;
  }
}

const refuse = (opts: { message: string; noTty: string }) =>
  Promise.reject(new UsageError(`${opts.message}: no terminal to ask on; pass ${opts.noTty}.`));

/** A prompter for runs without a terminal: every question fails as the real one does (exit 64). */
export const noTerminal: Prompter = {
  interactive: false,
  input: refuse,
  password: refuse,
  confirm: refuse,
  select: refuse,
};
