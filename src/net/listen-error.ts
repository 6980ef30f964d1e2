// A server that cannot listen (`sandbox`, `health serve`) is the user's or the machine's situation,
// not a bug: one line naming the address and what to do, with a documented exit code.
import { CliError, ExitCode, UsageError } from "../errors.js";

/** host:port as a person types it ([::1]:8787 for IPv6). */
export function formatAddress(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * The CliError for a listen() failure, or undefined when `error` is not one we can explain.
 * Port in use or not allowed: exit 69 (the address is unavailable); a --host that is not an
 * address of this machine: exit 64 (a bad value).
 */
export function listenError(error: unknown, host: string, port: number): CliError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = formatAddress(host, port);
  switch (code) {
    case "EADDRINUSE":
      return new CliError(`Cannot listen on ${where}: the port is already in use.`, ExitCode.unavailable, {
        hint: "Stop what uses it, or pick another with --port (--port 0 picks a free one).",
        cause: error,
      });
    case "EACCES":
    case "EPERM":
      return new CliError(
        `Cannot listen on ${where}: permission denied${port > 0 && port < 1024 ? " (ports below 1024 need privileges)" : ""}.`,
        ExitCode.unavailable,
        { hint: "Pick another port with --port (--port 0 picks a free one).", cause: error },
      );
    case "EADDRNOTAVAIL":
      return new UsageError(`Cannot listen on ${where}: --host ${host} is not an address of this machine.`, {
        hint: "Use 127.0.0.1 (this machine only) or an address this machine has.",
        cause: error,
      });
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
    case "EAI_FAIL":
      return new UsageError(
        `Cannot listen on ${where}: --host ${host} is not a known address or host name.`,
        {
          hint: "Use an IP address such as 127.0.0.1.",
          cause: error,
        },
      );
    case "EAFNOSUPPORT":
    case "EINVAL":
      return new UsageError(`Cannot listen on ${where}: this machine cannot listen on that address.`, {
        hint: "Use 127.0.0.1.",
        cause: error,
      });
    default:
      return undefined;
  }
}

/** Checks a --host value before listening: empty would mean every interface. */
export function checkHost(host: string): string {
  const trimmed = host.trim();
  if (trimmed === "" || /[\s/\\]/.test(trimmed) || trimmed.length > 253) {
    throw new UsageError(`--host "${host}" is not an address; use e.g. 127.0.0.1 or ::1.`);
  }
  return trimmed;
}
