// Which language rxportal speaks to this person: --lang, else RXPORTAL_LANG, else the locale
// (LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them). English is the default and the
// fallback; any Spanish locale (es, es_US.UTF-8, es-MX, es_ES@euro ...) means Spanish. A leaf:
// imports nothing of ours, so every layer may ask.

export const LANGS = ["en", "es"] as const;
export type Lang = (typeof LANGS)[number];

/** The BCP 47 tag given to Intl for a language (dates, numbers, plural rules). */
export const LOCALE: Record<Lang, string> = { en: "en-US", es: "es-US" };

/** "es", "es_US.UTF-8", "es-MX", "ES" -> "es"; "en_GB", "C", "POSIX", "" -> "en"; nonsense -> undefined. */
export function langOfTag(tag: string | undefined): Lang | undefined {
  if (tag === undefined) return undefined;
  const base =
    tag
      .trim()
      .split(/[_.@-]/)[0]
      ?.toLowerCase() ?? "";
  if (base === "es") return "es";
  if (base === "en" || base === "c" || base === "posix") return "en";
  return undefined;
}

export interface LangSources {
  /** --lang's value, already checked to be one of LANGS. */
  flag?: string;
  env: Record<string, string | undefined>;
}

/**
 * The language for this run. An unknown RXPORTAL_LANG or locale (fr_FR, de_DE ...) falls back to
 * English rather than failing: a locale describes the whole computer, not a request to rxportal.
 */
export function resolveLang({ flag, env }: LangSources): Lang {
  const fromFlag = langOfTag(flag);
  if (fromFlag) return fromFlag;
  const fromOwn = langOfTag(env.RXPORTAL_LANG || undefined);
  if (fromOwn) return fromOwn;
  // The first locale variable that is set decides, as in setlocale(3): LC_ALL=fr_FR with
  // LANG=es_US means French, which we do not speak, so English.
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"] as const) {
    const value = env[name];
    if (value) return langOfTag(value) ?? "en";
  }
  return "en";
}
