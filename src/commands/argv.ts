// Start-up cost grows with every option commander builds. A run needs the full definition of one
// top-level command only (the one it runs, or asks help for); the others need just a name and a
// description for the command list. `selectiveProgram` hands register modules a program that
// defines in full only the command this run asked for, and a light stand-in for the rest.
import type { Command } from "commander";

/** Global options that take a value, so their value is not mistaken for a command name. */
export const VALUE_OPTIONS = new Set(["--profile", "--config", "--sandbox-fault", "--timeout"]);

/** The top-level command this run asks for (`help <cmd>` counts), or undefined. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return argv[i + 1];
    if (arg.startsWith("-")) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    return arg === "help" ? (argv[i + 1] ?? "help") : arg;
  }
  return undefined;
}

/**
 * A stand-in for a command that will not run: it keeps the name, arguments and description
 * (what the top-level help lists) and ignores every other call.
 */
function lightCommand(real: Command): Command {
  let described = false;
  let optioned = false;
  const stub: Command = new Proxy(real, {
    get(target, prop) {
      if (prop === "description" || prop === "summary") {
        return (text?: string) => {
          if (text === undefined) return target.description();
          if (!described && prop === "description") target.description(text);
          described = true;
          return stub;
        };
      }
      if (prop === "name") return target.name.bind(target);
      // The command list shows arguments, aliases and "[options]": keep those, and one option.
      if (prop === "argument" || prop === "arguments" || prop === "alias" || prop === "aliases") {
        return (...args: unknown[]) => {
          (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          return stub;
        };
      }
      if ((prop === "option" || prop === "addOption") && !optioned) {
        return (...args: unknown[]) => {
          optioned = true;
          (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          return stub;
        };
      }
      // Subcommands of a light command are never needed; any other call keeps the chain going.
      if (prop === "command") return () => dead;
      return () => stub;
    },
  });
  return stub;
}

/** Absorbs whole chains of calls (subcommands and options of a command that will not run). */
const dead: Command = new Proxy({} as Command, { get: () => () => dead });

export function selectiveProgram(program: Command, wanted: string | undefined): Command {
  return new Proxy(program, {
    get(target, prop, receiver) {
      if (prop !== "command") return Reflect.get(target, prop, receiver);
      return (nameAndArgs: string, ...rest: unknown[]) => {
        const cmd = (target.command as (...args: unknown[]) => Command)(nameAndArgs, ...rest);
        const name = nameAndArgs.split(/\s+/)[0];
        return name === wanted ? cmd : lightCommand(cmd);
      };
    },
  });
}
