// The line prompter's own words (src/ui/line-prompter.ts): how to answer, and what went wrong.
// The questions themselves come from the callers, in their own catalogs.
import { catalog } from "../catalog.js";

export const promptWords = catalog(
  {
    selectHint: (n: number) => `Type a number from 1 to ${n}:`,
    selectHintDefault: (n: number, given: number) =>
      `Type a number from 1 to ${n}, or press Enter alone for ${given}:`,
    selectWrong: (answer: string, n: number, words: string) =>
      `"${answer}" is not one of the answers. Type a number from 1 to ${n}${words ? `, or one of the words: ${words}` : ""}.`,
    selectEmpty: (n: number) => `Nothing was typed. Type a number from 1 to ${n}.`,
    confirmHint: "Type yes or no:",
    confirmHintDefault: (given: string) => `Type yes or no, or press Enter alone for ${given}:`,
    confirmWrong: (answer: string) => `"${answer}" is not yes or no. Type yes or no.`,
    confirmEmpty: "Nothing was typed. Type yes or no.",
    yes: "yes",
    no: "no",
    inputHint: "Type the answer, then press Enter:",
    inputHintDefault: (given: string) => `Type the answer, or press Enter alone to keep: ${given}`,
    passwordHint: "Type it and press Enter (typing is hidden):",
  },
  {
    selectHint: (n: number) => `Escriba un número del 1 al ${n}:`,
    selectHintDefault: (n: number, given: number) =>
      `Escriba un número del 1 al ${n}, o solo presione Enter para elegir el ${given}:`,
    selectWrong: (answer: string, n: number, words: string) =>
      `"${answer}" no es una de las respuestas. Escriba un número del 1 al ${n}${words ? `, o una de las palabras: ${words}` : ""}.`,
    selectEmpty: (n: number) => `No escribió nada. Escriba un número del 1 al ${n}.`,
    confirmHint: "Escriba sí o no:",
    confirmHintDefault: (given: string) => `Escriba sí o no, o solo presione Enter para responder ${given}:`,
    confirmWrong: (answer: string) => `"${answer}" no es sí ni no. Escriba sí o no.`,
    confirmEmpty: "No escribió nada. Escriba sí o no.",
    yes: "sí",
    no: "no",
    inputHint: "Escriba la respuesta y presione Enter:",
    inputHintDefault: (given: string) =>
      `Escriba la respuesta, o solo presione Enter para conservar: ${given}`,
    passwordHint: "Escriba y presione Enter (lo que escriba no se verá):",
  },
);

/** Answers that mean yes or no, in either language (a Spanish speaker may still type "y"). */
export const YES_WORDS = ["y", "yes", "s", "si", "sí"] as const;
export const NO_WORDS = ["n", "no"] as const;
