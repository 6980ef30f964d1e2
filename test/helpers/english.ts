// Finds English left in a transcript that should be Spanish. A line counts as English when, after
// commands (`...`), URLs, e-mail addresses, flags, `id = value` pairs, short quoted names (the
// labels of an English-only portal's buttons, “Forgot username”) and the proper names below are
// taken out, it still holds a word that is common in English and is not a Spanish word. Numbers,
// phone numbers, ids and dates pass. Used by the Spanish end-to-end tests of the doctor and contacts.

/** Frequent English words that are not Spanish words (so "a", "no", "me", "son" are not here). */
const ENGLISH = new Set(
  (
    "the and you your yours is are was were be been to of with for this that these those it its " +
    "on at by from not have has had will would can could should please sign password account " +
    "check when what which who if then than there their they them we our us she his her " +
    "do does did done try again call phone open close page site code email card member help " +
    "after before until while into out about over more most only also just any every some " +
    "yes how why where here now new old first next last wait make sure right wrong"
  ).split(" "),
);

/** Names and terms that read the same in both languages. */
const NAMES = [
  "rxportal",
  "Express Scripts",
  "TRICARE",
  "Medicare",
  "Medicaid",
  "Chrome",
  "Google Chrome",
  "Microsoft Edge",
  "Edge",
  "Firefox",
  "Safari",
  "iPhone",
  "Android",
  "App Store",
  "Google Play",
  "Wi-Fi",
  "VPN",
  "DNS",
  "TLS",
  "TTY",
  "MX",
  "HTTP",
  "HTTPS",
  "UTC",
  "ID",
  "OK",
];

function strip(line: string): string {
  let s = line
    .replace(/`[^`]*`/g, " ")
    .replace(/[“"][^“”"\s]+(?: [^“”"\s]+){0,2}[”"]/g, " ") // a quoted name of up to three words
    .replace(/[\w.-]+ = \S*/g, " ")
    .replace(/[\w-]*\d[\w-]*/g, " ") // ids, request ids, versions, numbers
    .replace(/\bhttps?:\/\/\S+/g, " ")
    .replace(/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, " ")
    .replace(/(^|\s)--?[a-z][\w-]*(=\S*)?/g, " ")
    .replace(/\b[a-z]+(\.[a-z]+)+\b/g, " "); // usernames like lee.locked, host names
  for (const name of NAMES) s = s.split(name).join(" ");
  return s;
}

/** The English words found in one line (lower case), after the exceptions are taken out. */
export function englishWords(line: string): string[] {
  const words =
    strip(line)
      .toLowerCase()
      .match(/\p{L}+(?:'\p{L}+)?/gu) ?? [];
  return words.filter((w) => ENGLISH.has(w));
}

/** The lines of `text` that still read as English: each with the words that gave it away. */
export function englishLines(text: string): { line: string; words: string[] }[] {
  return text
    .split("\n")
    .map((line) => ({ line, words: englishWords(line) }))
    .filter((l) => l.words.length > 0);
}
