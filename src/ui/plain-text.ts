// Text for --plain and accessible mode: the symbols that screen readers read out as their Unicode
// names ("single right-pointing angle quotation mark") or skip, and that a log or a braille display
// may show as boxes, become their plain ASCII spelling. Letters stay as they are: "café" and
// "Contraseña" are words, and a screen reader says them right.
import { printable } from "./output.js";

const SYMBOLS: ReadonlyArray<readonly [RegExp, string]> = [
  // Whole escape sequences (colour, cursor movement, window titles), not just their ESC.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  [/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]/g, ""],
  [/[›»]/g, ">"],
  [/[‹«]/g, "<"],
  [/[→⇒➜➔]/g, "->"],
  [/[←⇐]/g, "<-"],
  [/…/g, "..."],
  [/[‘’‚′]/g, "'"],
  [/[“”„″]/g, '"'],
  [/[‐‑‒–—―−]/g, "-"],
  [/[•·●◦▪∙]/g, "*"],
  [/[✔✓]/g, "OK"],
  [/[✖✗✘]/g, "X"],
  [/[⚠]/g, "!"],
  [/[❯▸►▶]/g, ">"],
  [/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, " "],
  [/[\u200b-\u200d\u2060\ufeff]/g, ""],
];

/** `text` with its symbols spelt in ASCII and its escape sequences removed; spacing kept. */
export function asciiSymbols(text: string): string {
  let out = text;
  for (const [pattern, ascii] of SYMBOLS) out = out.replace(pattern, ascii);
  return out;
}

/** asciiSymbols, then control characters taken out and the ends trimmed (see printable). */
export function plainText(text: string): string {
  return printable(asciiSymbols(text));
}
