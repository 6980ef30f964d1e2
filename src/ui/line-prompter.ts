// The accessible prompter: every question is plain lines on stderr, answered by typing a line.
// A choice is a numbered list, all of it (no paging), answered with the number or the choice's
// word (the value `--answer` takes); yes/no is typed out; a wrong answer gets one line saying what
// to type, then the question again. Nothing is redrawn: no colour, no glyph, no escape sequence.
//
// Lines are read by hand from stdin rather than with node:readline. readline on a terminal
// (terminal: true) does its own echo and line editing with cursor-movement sequences, which is
// what this mode must not write; without it (terminal: false) the terminal's own line discipline
// echoes and edits, which is what we want, but an interface closed after each question can lose
// the lines typed ahead in the same chunk. A small reader keeps what was typed ahead for the next
// question, and pauses stdin between questions so the process can exit.
//
// Hidden input: the terminal's echo is switched off (raw mode) for exactly the time the answer is
// read, and the keys are interpreted here: Enter ends, Backspace and Ctrl-U edit, Ctrl-C and
// Ctrl-D on an empty answer stop the prompt, other control keys and escape sequences (arrows) are
// dropped. Nothing of the answer is ever written, not even a mask.
import { type Lang, resolveLang } from "../i18n/lang.js";
import { NO_WORDS, promptWords, YES_WORDS } from "../i18n/messages/prompts.js";
import type { UiContext } from "./io.js";
import { plainText } from "./plain-text.js";
import type { Choice, Common, Prompter } from "./prompt-types.js";

type Input = NodeJS.ReadableStream & {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (raw: boolean) => unknown;
};

/** Ctrl-C or the end of input at a prompt. Named as inquirer's, so main.ts and the doctor treat both alike (exit 130). */
export class PromptExitError extends Error {
  override name = "ExitPromptError";
  constructor() {
    super("The prompt was closed.");
  }
}

/** ctx.signal aborted while a question was open (main.ts reports the interruption itself). */
export class PromptAbortError extends Error {
  override name = "AbortPromptError";
  constructor() {
    super("The prompt was aborted.");
  }
}

export type LineContext = Pick<UiContext, "io" | "env" | "globals" | "signal">;

/** Reads one line at a time from `input`, keeping what was typed ahead. */
export class LineReader {
  private pending = "";
  private ended = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly input: () => Input) {}

  /** The next line (without its line ending). `hidden`: read with the terminal's echo off. */
  read(signal: AbortSignal, hidden = false): Promise<string> {
    if (signal.aborted) return Promise.reject(new PromptAbortError());
    const input = this.input();
    const raw = hidden && Boolean(input.isTTY);
    if (raw && typeof input.setRawMode !== "function") {
      // Node's terminal streams always have it; without it the typing could not be hidden.
      return Promise.reject(new Error("cannot hide typing on this terminal"));
    }
    if (!raw) {
      const line = this.takeLine();
      if (line !== undefined) return Promise.resolve(line);
    }
    if (this.ended) return Promise.reject(new PromptExitError());

    return new Promise<string>((resolve, reject) => {
      const wasRaw = Boolean(input.isRaw);
      let typed = "";
      let inEscape: 0 | 1 | 2 = 0;
      const finish = (error: Error | undefined, line?: string) => {
        input.off("data", onData);
        input.off("end", onEnd);
        input.off("error", onError);
        signal.removeEventListener("abort", onAbort);
        if (raw && !wasRaw) input.setRawMode?.(false);
        input.pause();
        if (error) reject(error);
        else resolve(line ?? "");
      };
      // Raw mode: each key by hand; returns true when the answer is complete or the prompt ended.
      const keys = (text: string): boolean => {
        const chars = Array.from(text);
        for (let i = 0; i < chars.length; i++) {
          const ch = chars[i] ?? "";
          const code = ch.codePointAt(0) ?? 0;
          if (inEscape === 1) {
            inEscape = ch === "[" || ch === "O" ? 2 : 0;
            continue;
          }
          if (inEscape === 2) {
            if (code >= 0x40 && code <= 0x7e) inEscape = 0;
            continue;
          }
          if (ch === "\r" || ch === "\n") {
            let rest = chars.slice(i + 1).join("");
            if (ch === "\r" && rest.startsWith("\n")) rest = rest.slice(1);
            this.pending = rest + this.pending;
            finish(undefined, typed);
            return true;
          }
          if (ch === "\u0003" || (ch === "\u0004" && typed === "")) {
            finish(new PromptExitError());
            return true;
          }
          if (ch === "\u007f" || ch === "\b") typed = Array.from(typed).slice(0, -1).join("");
          else if (ch === "\u0015") typed = "";
          else if (ch === "\u001b") inEscape = 1;
          else if (code >= 0x20 && !(code >= 0x7f && code <= 0x9f)) typed += ch;
        }
        return false;
      };
      const onData = (chunk: Buffer | string) => {
        const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
        if (raw) {
          keys(text);
          return;
        }
        this.pending += text;
        const line = this.takeLine();
        if (line !== undefined) finish(undefined, line);
      };
      const onEnd = () => {
        this.ended = true;
        // A last line without its line ending is still an answer.
        const last = raw ? typed : this.pending;
        this.pending = "";
        if (last !== "") finish(undefined, last.replace(/\r$/, ""));
        else finish(new PromptExitError());
      };
      const onError = (error: Error) => finish(error);
      const onAbort = () => finish(new PromptAbortError());
      signal.addEventListener("abort", onAbort, { once: true });
      input.on("end", onEnd);
      input.on("error", onError);
      if (raw && !wasRaw) input.setRawMode?.(true);
      if (raw && this.pending !== "") {
        // Typed ahead before the echo went off: it was shown already, but it is still the answer.
        const ahead = this.pending;
        this.pending = "";
        if (keys(ahead)) return;
      }
      input.on("data", onData);
      input.resume();
    });
  }

  private takeLine(): string | undefined {
    const at = this.pending.indexOf("\n");
    if (at < 0) return undefined;
    const line = this.pending.slice(0, at).replace(/\r$/, "");
    this.pending = this.pending.slice(at + 1);
    return line;
  }
}

/** The word a choice can be answered with: its value, when that is a non-empty string or a number. */
function wordOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const word = plainText(value);
  return word === "" ? undefined : word;
}

/** The choice an answer names: its number, its word, or its whole text (case-insensitive). */
export function pickChoice<T>(choices: Choice<T>[], answer: string): Choice<T> | undefined {
  const typed = answer.trim().toLowerCase();
  if (typed === "") return undefined;
  if (/^\d+$/.test(typed)) {
    const n = Number(typed);
    if (n >= 1 && n <= choices.length) return choices[n - 1];
  }
  return (
    choices.find((c) => wordOf(c.value)?.toLowerCase() === typed) ??
    choices.find((c) => plainText(c.name).toLowerCase() === typed)
  );
}

/** The lines a select shows: the question, then every choice numbered, one a line. */
export function selectLines<T>(message: string, choices: Choice<T>[]): string[] {
  return [
    plainText(message),
    ...choices.map((c, i) => {
      const description = c.description ? ` (${plainText(c.description)})` : "";
      return `${i + 1}. ${plainText(c.name)}${description}`;
    }),
  ];
}

export function createLinePrompter(ctx: LineContext, interactive = true): Prompter {
  const reader = new LineReader(() => ctx.io.stdin as Input);
  const say = (line: string) => ctx.io.stderr.write(`${line}\n`);
  // The hint ends the last line; the answer is typed after it.
  const ask = (hint: string) => ctx.io.stderr.write(`${hint} `);
  const words = () => promptWords.in(resolveLang({ flag: ctx.globals.lang, env: ctx.env }) as Lang);

  const text = async (
    opts: Common & { default?: string; validate?: (value: string) => true | string },
    hidden: boolean,
  ): Promise<string> => {
    for (;;) {
      const w = words();
      say(plainText(opts.message));
      if (hidden) ask(w.passwordHint);
      else if (opts.default) ask(w.inputHintDefault(plainText(opts.default)));
      else ask(w.inputHint);
      let answer = await reader.read(ctx.signal, hidden);
      // The Enter that ended a hidden answer was not echoed either.
      if (hidden) ctx.io.stderr.write("\n");
      if (answer === "" && opts.default !== undefined && !hidden) answer = opts.default;
      const verdict = opts.validate ? opts.validate(answer) : true;
      if (verdict === true) return answer;
      say(plainText(verdict));
    }
  };

  return {
    interactive,
    input: (opts) => text(opts, false),
    password: (opts) => text(opts, true),
    async confirm(opts) {
      for (;;) {
        const w = words();
        say(plainText(opts.message));
        if (opts.default === undefined) ask(w.confirmHint);
        else ask(w.confirmHintDefault(opts.default ? w.yes : w.no));
        const answer = (await reader.read(ctx.signal)).trim().toLowerCase();
        if (answer === "" && opts.default !== undefined) return opts.default;
        if ((YES_WORDS as readonly string[]).includes(answer)) return true;
        if ((NO_WORDS as readonly string[]).includes(answer)) return false;
        say(answer === "" ? w.confirmEmpty : w.confirmWrong(plainText(answer)));
      }
    },
    async select<T>(opts: Common & { choices: Choice<T>[]; default?: T }): Promise<T> {
      const { choices } = opts;
      if (choices.length === 0) throw new Error(`select "${opts.message}" has no choices`);
      const n = choices.length;
      const given =
        opts.default === undefined ? -1 : choices.findIndex((c) => Object.is(c.value, opts.default));
      const known = choices.map((c) => wordOf(c.value)).filter((word) => word !== undefined);
      for (;;) {
        const w = words();
        for (const line of selectLines(opts.message, choices)) say(line);
        ask(given >= 0 ? w.selectHintDefault(n, given + 1) : w.selectHint(n));
        const answer = await reader.read(ctx.signal);
        if (answer.trim() === "" && given >= 0) return (choices[given] as Choice<T>).value;
        const picked = pickChoice(choices, answer);
        if (picked) return picked.value;
        say(
          answer.trim() === ""
            ? w.selectEmpty(n)
            : w.selectWrong(plainText(answer).slice(0, 80), n, [...new Set(known)].join(", ")),
        );
      }
    },
  };
}
