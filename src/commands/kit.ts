// Small pieces shared by main.ts and the register modules that add command groups to the program.
import type { Command } from "commander";
import type { AppContext } from "../context.js";

/** What a command action hands back: an exit code, or nothing for success. */
export type CommandResult = number | undefined;

/** Wraps a command's action so that its exit code reaches run(). */
export type Act = <A extends unknown[]>(
  fn: (...args: A) => Promise<CommandResult>,
) => (...args: A) => Promise<void>;

/** A module that adds a group of commands. It must import its implementation lazily, in the action. */
export type Register = (program: Command, ctx: AppContext, act: Act) => void;

/** Help text with examples; every command has at least one. */
export const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;

/** For repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
