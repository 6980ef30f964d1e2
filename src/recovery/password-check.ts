// Checks a new password before a reset sends it: first the portal's published rules
// (GET /auth/policy), then how easy it would be to guess (zxcvbn). The portal checks its rules
// again; checking here first tells the member every problem at once, and a refused password costs
// no round trip. The client reads the policy on its own rather than sharing the sandbox's checker:
// it must judge whatever a real portal publishes, and a test against the sandbox would prove
// nothing if both sides ran the same code.
import { CliError, ExitCode } from "../errors.js";
import type { AuthPolicy, PasswordClass } from "../portal/schemas.js";

type PasswordRules = AuthPolicy["password"];

export type PasswordRule =
  | "minLength"
  | "maxLength"
  | "requireClasses"
  | "minClasses"
  | "disallowUsername"
  | "personal"
  | "strength";

export interface PasswordProblem {
  rule: PasswordRule;
  message: string;
}

/** zxcvbn scores 0 to 4; below this the password is refused even when it meets the policy. */
export const MIN_STRENGTH_SCORE = 3;

// ASCII classes, with everything else a symbol: the reading the sandbox portal also uses.
const CLASSES: Record<PasswordClass, { test: RegExp; name: string }> = {
  lower: { test: /[a-z]/, name: "a lower-case letter" },
  upper: { test: /[A-Z]/, name: "a capital letter" },
  digit: { test: /[0-9]/, name: "a digit" },
  symbol: { test: /[^A-Za-z0-9]/, name: "a symbol such as - ! or #" },
};

/** Every policy rule the password breaks, each with a plain sentence; empty when it meets them all. */
export function policyProblems(password: string, username: string, rules: PasswordRules): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  // Characters as the member counts them: an emoji is one, not two UTF-16 units.
  const length = [...password].length;
  if (length < rules.minLength) {
    problems.push({
      rule: "minLength",
      message: `It has ${length} characters; the portal needs at least ${rules.minLength}.`,
    });
  }
  if (length > rules.maxLength) {
    problems.push({
      rule: "maxLength",
      message: `It has ${length} characters; the portal takes at most ${rules.maxLength}.`,
    });
  }
  for (const required of rules.requireClasses) {
    // A class rxportal does not know (a newer portal's) is left for the portal to judge.
    const known = Object.hasOwn(CLASSES, required) ? CLASSES[required as PasswordClass] : undefined;
    if (known && !known.test.test(password)) {
      problems.push({ rule: "requireClasses", message: `It needs ${known.name}.` });
    }
  }
  const kinds = (Object.keys(CLASSES) as PasswordClass[]).filter((c) => CLASSES[c].test.test(password));
  if (kinds.length < rules.minClasses) {
    problems.push({
      rule: "minClasses",
      message: `It uses ${kinds.length} ${kinds.length === 1 ? "kind" : "kinds"} of character; mix at least ${rules.minClasses} of lower-case letters, capitals, digits and symbols.`,
    });
  }
  if (rules.disallowUsername && username !== "" && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push({ rule: "disallowUsername", message: "It contains your username; leave that out." });
  }
  return problems;
}

/**
 * What a registration knows about the member: a password built on these is among the first
 * things anyone who knows them would try.
 */
export interface PersonalDetails {
  firstName: string;
  lastName: string;
  /** yyyy-mm-dd */
  dateOfBirth: string;
}

/** The forms a date of birth is written in, e.g. 1981, 19810412, 04121981, 0412, 1204, 810412. */
export function birthDateForms(dateOfBirth: string): { full: string[]; year: string; dayMonth: string[] } {
  const [year = "", month = "", day = ""] = dateOfBirth.split("-");
  const yy = year.slice(2);
  return {
    full: [
      `${year}${month}${day}`,
      `${month}${day}${year}`,
      `${day}${month}${year}`,
      `${month}${day}${yy}`,
      `${day}${month}${yy}`,
      `${yy}${month}${day}`,
    ],
    year,
    dayMonth: [`${month}${day}`, `${day}${month}`],
  };
}

/** The member's details as zxcvbn user inputs: names and the date in its usual forms. */
export function personalWords(personal: PersonalDetails): string[] {
  const dates = birthDateForms(personal.dateOfBirth);
  const names = [personal.firstName, personal.lastName].flatMap((n) => [n, ...n.split(/[^\p{L}\p{N}]+/u)]);
  return [...names, personal.dateOfBirth, ...dates.full, dates.year, ...dates.dayMonth].filter(Boolean);
}

const fold = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

/**
 * Every personal detail the password contains, each named: first name, last name, birth year,
 * birth date. Names count from three letters (a two-letter name turns up inside too many words);
 * separators are ignored, so 1981-04-12, 04/12 and 19810412 are all the date of birth.
 */
export function personalProblems(password: string, personal: PersonalDetails): PasswordProblem[] {
  const letters = fold(password).replace(/[^\p{L}]+/gu, "");
  const digits = password.replace(/\D+/g, "");
  const problems: PasswordProblem[] = [];
  const nameParts = (name: string) =>
    fold(name)
      .split(/[^\p{L}]+/u)
      .filter((part) => part.length >= 3);
  if (nameParts(personal.firstName).some((part) => letters.includes(part))) {
    problems.push({ rule: "personal", message: "It contains your first name." });
  }
  if (nameParts(personal.lastName).some((part) => letters.includes(part))) {
    problems.push({ rule: "personal", message: "It contains your last name." });
  }
  const dates = birthDateForms(personal.dateOfBirth);
  if (dates.full.some((form) => digits.includes(form))) {
    problems.push({ rule: "personal", message: "It contains your date of birth." });
  } else if (dates.year !== "" && digits.includes(dates.year)) {
    problems.push({ rule: "personal", message: "It contains the year you were born." });
  } else if (dates.dayMonth.some((form) => digits.includes(form))) {
    problems.push({ rule: "personal", message: "It contains your birthday (the day and month)." });
  }
  return problems;
}

export interface Strength {
  /** 0 (guessed at once) to 4 (very hard to guess). */
  score: number;
  warning?: string;
  suggestions: string[];
}

// zxcvbn 3 gives its feedback as keys; these are our own words for them.
const WARNINGS: Record<string, string> = {
  straightRow: "A straight row of keys is one of the first things guessed.",
  keyPattern: "A short keyboard pattern is easy to guess.",
  simpleRepeat: 'Repeated characters such as "aaa" are easy to guess.',
  extendedRepeat: 'Repeated groups such as "abcabcabc" are easy to guess.',
  sequences: 'Sequences such as "abc" or "6543" are easy to guess.',
  recentYears: "Recent years are easy to guess.",
  dates: "Dates are easy to guess.",
  topTen: "This is one of the most used passwords there is.",
  topHundred: "This is one of the most used passwords.",
  common: "This is a commonly used password.",
  similarToCommon: "This is close to a commonly used password.",
  wordByItself: "A single word is easy to guess.",
  namesByThemselves: "Names on their own are easy to guess.",
  commonNames: "Common first names and surnames are easy to guess.",
  userInputs: "It is built on your own details (such as your username).",
  pwned: "This password has turned up in a data breach.",
};
const SUGGESTIONS: Record<string, string> = {
  l33t: "Swapping letters for look-alikes (a→@, s→$) hardly helps.",
  reverseWords: "A word spelt backwards is still easy to guess.",
  allUppercase: "Capitalise some letters, not all of them.",
  capitalization: "Capitalise more than the first letter.",
  dates: "Leave out dates that mean something to you.",
  recentYears: "Leave out recent years.",
  associatedYears: "Leave out years that go with you, such as a birth year.",
  sequences: "Leave out runs of letters or digits in order.",
  repeated: "Leave out repeated words and characters.",
  longerKeyboardPattern: "Leave out keyboard patterns, or make them much longer with several turns.",
  anotherWord: "Add more words, and less common ones.",
  useWords: "Several unrelated words together make a strong password that is easy to remember.",
  noNeed: "A strong password needs no special characters, digits or capitals if it is long enough.",
  pwned: "If you use this password anywhere else, change it there too.",
};

// Words anyone guessing a pharmacy portal's password would try first.
const CONTEXT_WORDS = ["rxportal", "pharmacy", "prescription", "portal", "express", "scripts", "password"];

type Zxcvbn = (
  password: string,
  userInputs?: (string | number)[],
) => {
  score: number;
  feedback: { warning: string | null; suggestions: string[] };
};
let zxcvbnLoading: Promise<Zxcvbn> | undefined;

/**
 * zxcvbn with the common dictionaries, loaded on first use: about half a megabyte of word lists
 * that no command but a reset should pay for at start-up.
 */
function loadZxcvbn(): Promise<Zxcvbn> {
  zxcvbnLoading ??= (async () => {
    const [core, common] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
    ]);
    core.zxcvbnOptions.setOptions({
      dictionary: { ...common.dictionary },
      graphs: common.adjacencyGraphs,
    });
    return core.zxcvbn;
  })();
  return zxcvbnLoading;
}

/** How hard the password is to guess, with zxcvbn's advice in plain words. */
export async function rateStrength(
  password: string,
  username: string,
  personal?: PersonalDetails,
): Promise<Strength> {
  const zxcvbn = await loadZxcvbn();
  const userInputs = [
    username,
    ...username.split(/[^A-Za-z0-9]+/),
    ...(personal ? personalWords(personal) : []),
    ...CONTEXT_WORDS,
  ].filter((w) => w.length >= 3);
  const { score, feedback } = zxcvbn(password, userInputs);
  const warning = feedback.warning ? WARNINGS[feedback.warning] : undefined;
  const suggestions = feedback.suggestions
    .map((key) => SUGGESTIONS[key])
    .filter((s): s is string => s !== undefined);
  return { score, warning, suggestions };
}

/**
 * Everything wrong with a new password: the policy's broken rules if any; otherwise a "strength"
 * problem when zxcvbn scores it below MIN_STRENGTH_SCORE. Empty means it may be sent.
 */
export async function newPasswordProblems(
  password: string,
  username: string,
  rules: PasswordRules,
  personal?: PersonalDetails,
): Promise<PasswordProblem[]> {
  const broken = policyProblems(password, username, rules);
  // A password that breaks the rules must change anyway; rating it would only add noise.
  if (broken.length > 0) return personal ? [...broken, ...personalProblems(password, personal)] : broken;
  const own = personal ? personalProblems(password, personal) : [];
  const strength = await rateStrength(password, username, personal);
  if (strength.score >= MIN_STRENGTH_SCORE && own.length === 0) return [];
  if (strength.score >= MIN_STRENGTH_SCORE) return own;
  const advice = [strength.warning, ...strength.suggestions].filter(Boolean).join(" ");
  return [
    ...own,
    {
      rule: "strength",
      message: `It would be easy to guess (strength ${strength.score} of 4; rxportal asks for at least ${MIN_STRENGTH_SCORE}).${advice ? ` ${advice}` : ""}`,
    },
  ];
}

/** Advice shown with a refused password, in our own words. */
export const STRONG_PASSWORD_TIP =
  "Tip: three or four unrelated words with a digit and a symbol between them are long, hard to guess and easy to remember; leave out names, birthdays and anything else about you. A password manager can make and keep one for you.";

/** Exit 1: the new password was refused here, before it was sent. */
export class NewPasswordRefusedError extends CliError {
  readonly code: string;
  readonly problems: PasswordProblem[];
  constructor(
    problems: PasswordProblem[],
    wording: { lead: string; hint: string } = {
      lead: "The new password was not sent.",
      hint: "Choose another; the reset code still works until it expires.",
    },
  ) {
    const weakOnly = problems.every((p) => p.rule === "strength");
    super(`${wording.lead} ${problems.map((p) => p.message).join(" ")}`, ExitCode.refused, {
      hint: wording.hint,
    });
    this.code = weakOnly ? "password_too_weak" : "password_policy";
    this.problems = problems;
  }
}
