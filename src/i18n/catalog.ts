// Typed message catalogs. Each area keeps its own catalog file (src/i18n/messages/<area>.ts)
// defined with `catalog(en, es)`: English is the reference, and the Spanish side must have exactly
// the same keys, each with the same parameters, or the typecheck fails. A message is a string or a
// function of its parameters (for numbers, names, plurals). Look-ups never fail at run time: a key
// the type system accepts exists in both languages.
import { type Lang, LOCALE } from "./lang.js";

export type Message = string | ((...args: never[]) => string);
type Shape<E> = { [K in keyof E]: E[K] extends string ? string : E[K] };

export interface Catalog<E extends Record<string, Message>> {
  readonly en: E;
  readonly es: Shape<E>;
  /** The messages in `lang`. */
  in(lang: Lang): Shape<E>;
}

export function catalog<const E extends Record<string, Message>>(en: E, es: Shape<E>): Catalog<E> {
  return { en, es, in: (lang) => (lang === "es" ? es : (en as Shape<E>)) };
}

const pluralRules = new Map<Lang, Intl.PluralRules>();

/** `plural("es", 1, { one: "1 intento", other: `${n} intentos` })`, by Intl.PluralRules. */
export function plural(lang: Lang, n: number, forms: { one: string; other: string }): string {
  let rules = pluralRules.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(LOCALE[lang]);
    pluralRules.set(lang, rules);
  }
  return rules.select(n) === "one" ? forms.one : forms.other;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** One cached Intl.DateTimeFormat per language and options (a formatter is costly to build). */
export function dateFormat(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang} ${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE[lang], options);
    dateFormats.set(key, format);
  }
  return format;
}
