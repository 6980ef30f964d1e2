// Facts a probe or action needs from the member that no question's fixed answers can hold: a
// username, an email address, an app version, a link. They share the answers' namespace, so an
// unattended run passes them the same way: `--answer email=pat@example.com`.
// None of them is a secret; passwords and codes are never asked for here.

export interface InputSpec {
  id: string;
  /** The question as the member reads it. */
  text: string;
  /** A sample value for help text and the exit-64 hint. */
  example: string;
  /** A fixed set of values, for a select prompt; otherwise free text. */
  choices?: { value: string; label: string }[];
  /** A problem with the value in one sentence, or undefined when it is fine ("" always is: skipped). */
  validate?(value: string): string | undefined;
  /** What the transcript and reports keep of the value (default: all of it). */
  redact?(value: string): string;
}

/**
 * A link as it may be kept: scheme, host and path. Reset links carry single-use tokens in the query
 * or fragment, and a user:password part is a secret too.
 */
export function redactLink(value: string): string {
  try {
    const url = new URL(value);
    const hidden = url.search || url.hash || url.username || url.password;
    return `${url.protocol}//${url.host}${url.pathname}${hidden ? " [query and credentials removed]" : ""}`;
  } catch {
    return "[a link that could not be read]";
  }
}

import type { Lang } from "../i18n/lang.js";
import { type InputWords, inputWords } from "../i18n/messages/inputs.js";

const semver = /^\d+(\.\d+){0,2}$/;

/** The doctor's inputs, asked and checked in the words of one language (src/i18n/messages/inputs.ts). */
export function inputsIn(w: InputWords): Readonly<Record<string, InputSpec>> {
  return {
    username: {
      id: "username",
      text: w.username,
      example: "pat.sample",
      validate: (v) => (v === "" || /^\S{1,128}$/.test(v) ? undefined : w.usernameBad),
    },
    email: {
      id: "email",
      text: w.email,
      example: "pat@example.com",
      validate: (v) => (v === "" || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : w.emailBad),
    },
    "app-platform": {
      id: "app-platform",
      text: w.appPlatform,
      example: "ios",
      choices: [
        { value: "ios", label: w.ios },
        { value: "android", label: w.android },
      ],
      validate: (v) => (v === "" || v === "ios" || v === "android" ? undefined : w.appPlatformBad),
    },
    "app-version": {
      id: "app-version",
      text: w.appVersion,
      example: "5.2.0",
      validate: (v) => (v === "" || semver.test(v) ? undefined : w.appVersionBad),
    },
    link: {
      id: "link",
      text: w.link,
      example: "https://www.express-scripts.com/reset",
      validate: (v) => (v === "" || /^\S+$/.test(v) ? undefined : w.linkBad),
      redact: redactLink,
    },
  };
}

/** The inputs in English (tree lint, answers files, tests). */
export const doctorInputs: Readonly<Record<string, InputSpec>> = inputsIn(inputWords.en);

/** The inputs in `lang`. */
export function doctorInputsIn(lang: Lang): Readonly<Record<string, InputSpec>> {
  return lang === "en" ? doctorInputs : inputsIn(inputWords.in(lang));
}
