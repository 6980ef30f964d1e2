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

const semver = /^\d+(\.\d+){0,2}$/;

export const doctorInputs: Readonly<Record<string, InputSpec>> = {
  username: {
    id: "username",
    text: "Which username do you sign in with? (leave empty to skip this check)",
    example: "pat.sample",
    validate: (v) => (v === "" || /^\S{1,128}$/.test(v) ? undefined : "a username has no spaces."),
  },
  email: {
    id: "email",
    text: "Which email address should the reset messages reach? (leave empty to skip this check)",
    example: "pat@example.com",
    validate: (v) =>
      v === "" || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)
        ? undefined
        : "expected an email address such as pat@example.com.",
  },
  "app-platform": {
    id: "app-platform",
    text: "Which kind of phone is the app on?",
    example: "ios",
    choices: [
      { value: "ios", label: "iPhone or iPad (iOS)" },
      { value: "android", label: "Android" },
    ],
    validate: (v) => (v === "" || v === "ios" || v === "android" ? undefined : "expected ios or android."),
  },
  "app-version": {
    id: "app-version",
    text: "Which app version is installed? (in the app's settings or the app store; empty to skip)",
    example: "5.2.0",
    validate: (v) => (v === "" || semver.test(v) ? undefined : "expected a version such as 5.2.0."),
  },
  link: {
    id: "link",
    text: "Paste the link from the message (do not open it):",
    example: "https://www.express-scripts.com/reset",
    validate: (v) => (v === "" || /^\S+$/.test(v) ? undefined : "a link has no spaces; paste it whole."),
    redact: redactLink,
  },
};
