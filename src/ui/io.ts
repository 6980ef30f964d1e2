// What everything that draws needs from the outside world: the three streams, the environment
// (NO_COLOR, TERM, CI), the output flags and the Ctrl-C signal. A leaf: ui/ depends on nothing of
// the composition (src/compose.ts builds an AppContext, which satisfies UiContext).

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The width help is written for on `stream`: a terminal's, or 80 (commander's, and a pipe's). */
export function helpWidth(stream: OutStream): number {
  return (stream.isTTY ? stream.columns : undefined) ?? 80;
}

export interface IO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** The global flags that change how output looks. */
export interface OutputFlags {
  json?: boolean;
  plain?: boolean;
  /** false for --no-color. */
  color?: boolean;
  /** --lang (src/i18n/lang.ts: resolveLang with the environment). */
  lang?: string;
}

export interface UiContext {
  io: IO;
  env: Record<string, string | undefined>;
  globals: OutputFlags;
  /** Aborted on Ctrl-C: a prompt then stops. */
  signal: AbortSignal;
}
