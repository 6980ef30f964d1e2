import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../../test/helpers/cases.js";
import { renderContacts } from "../../commands/contacts.js";
import { commanderSaid } from "../../commands/program.js";
import { builtinContacts } from "../../contacts/builtin.js";
import { PortalRefusedError, PortalUnavailableError, TryLaterError, UsageError } from "../../errors.js";
import { langOfArgv } from "../../main.js";
import { errorFromAnswer } from "../../portal/errors.js";
import type { Style } from "../../ui/style.js";
import type { Catalog, Message } from "../catalog.js";
import { resolveLang } from "../lang.js";
import { render, sayError } from "../say-error.js";
import { formatSpan, formatTime } from "./common.js";
import { builtinWords, contactsText, directoryWords } from "./contacts.js";
import { doctorText } from "./doctor.js";
import { errorText } from "./errors.js";
import { inputWords } from "./inputs.js";
import { promptWords } from "./prompts.js";

const catalogs: Record<string, Catalog<Record<string, Message>>> = {
  errors: errorText as unknown as Catalog<Record<string, Message>>,
  contacts: contactsText as unknown as Catalog<Record<string, Message>>,
  builtinWords: builtinWords as unknown as Catalog<Record<string, Message>>,
  doctor: doctorText as unknown as Catalog<Record<string, Message>>,
  inputs: inputWords as unknown as Catalog<Record<string, Message>>,
  prompts: promptWords as unknown as Catalog<Record<string, Message>>,
};

/**
 * Entries whose Spanish may equal the English: a word that is the same in both (a name or an
 * abbreviation), or a message that only puts its arguments together (a name and a state).
 */
const SAME_IN_BOTH = new Set([
  "contacts.tty", // "TTY": the word on US phone directories in both languages
  "doctor.component", // `${name}: ${state}`: both parts are translated before they get here
  "doctor.state", // called with an unknown state below: the neutral wording keeps the value as sent
  "doctor.componentName", // the same, for an unknown component
  "inputs.android", // a product name
  "prompts.no", // "no" is the word in both languages
]);

/** Calls a message with made-up arguments: strings, then dates, then numbers, until one works. */
function sample(message: Message): string {
  if (typeof message === "string") return message;
  const fn = message as (...args: unknown[]) => string;
  const n = Math.max(fn.length, 4);
  const d = new Date("2026-01-02T03:04:00Z");
  const tries: unknown[][] = [
    Array.from({ length: n }, () => d),
    ["ARG0", d, 3, true],
    ["ARG0", d, d],
    ["ARG0", ["a", "b", "c"]],
    [["a", "b", "c"]],
    Array.from({ length: n }, (_, i) => (i === 1 ? 3 : `ARG${i}`)),
    Array.from({ length: n }, (_, i) => (i === 0 ? "ARG0" : new Date("2026-01-02T03:04:00Z"))),
    Array.from({ length: n }, () => 3),
    Array.from({ length: n }, (_, i) => (i === 0 ? new Date("2026-01-02T03:04:00Z") : 3)),
  ];
  for (const args of tries) {
    try {
      const out = fn(...args);
      if (typeof out === "string" && !out.includes("NaN") && !out.includes("Invalid")) return out;
    } catch {
      // the next kind of arguments
    }
  }
  throw new Error(`no sample arguments fit ${fn.toString().slice(0, 60)}`);
}

describe("every catalog", () => {
  for (const [area, cat] of Object.entries(catalogs)) {
    it(`${area}: every Spanish message is non-empty and not the English one`, () => {
      const keys = Object.keys(cat.en);
      expect(Object.keys(cat.es).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        const en = sample(cat.en[key] as Message);
        const es = sample(cat.es[key] as Message);
        expect(es.trim(), `${area}.${key}`).not.toBe("");
        if (!SAME_IN_BOTH.has(`${area}.${key}`)) expect(es, `${area}.${key}`).not.toBe(en);
        else expect(es, `${area}.${key} is listed as the same in both`).toBe(en);
      }
    });
  }
});

describe("errors", () => {
  it("picks the right plural for the attempts left, in both languages (generated counts)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
        const en = errorText.en.invalidCredentials(n);
        const es = errorText.es.invalidCredentials(n);
        expect(en.endsWith(n === 1 ? " 1 attempt left." : ` ${n} attempts left.`)).toBe(true);
        expect(es.endsWith(n === 1 ? " Le queda 1 intento." : ` Le quedan ${n} intentos.`)).toBe(true);
        const tries = errorText.es.signInRefusedTries(n);
        expect(tries).toContain(n === 1 ? "1 intento más" : `${n} intentos más`);
      }),
      { numRuns: cases(100) },
    );
  });

  it("reads in English as the portal client's own message (generated counts)", () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), (n) => {
        const body = JSON.stringify({
          code: "invalid_credentials",
          title: "no",
          status: 401,
          ...(n === undefined ? {} : { attemptsRemaining: n }),
        });
        const error = errorFromAnswer({ status: 401, contentType: "application/problem+json", body });
        expect(error.message).toBe(errorText.en.invalidCredentials(n));
        expect(sayError(error, "es")?.message).toBe(errorText.es.invalidCredentials(n));
        expect(sayError(error, "en")).toBeUndefined();
      }),
      { numRuns: cases(50) },
    );
  });

  it("says a lock, maintenance and the prompter's no-terminal error in Spanish", () => {
    const until = new Date("2026-11-23T14:05:00Z");
    const locked = new TryLaterError("The account is locked.", {
      code: "account_locked",
      lockedUntil: until,
    });
    expect(sayError(locked, "es")?.message).toBe(
      `Su cuenta está bloqueada por demasiados intentos fallidos de iniciar sesión, hasta: ${formatTime("es", until)}.`,
    );
    const down = new PortalUnavailableError("down", { reason: "maintenance", retryAfterSeconds: 120 });
    expect(sayError(down, "es")).toEqual({
      message:
        "El portal no está disponible por mantenimiento (HTTP 503); pide volver a intentarlo en 2 minutos.",
      hint: errorText.es.unavailableHint,
    });
    const noTty = new UsageError("Username: no terminal to ask on; pass --username <u>.");
    expect(sayError(noTty, "es")?.message).toBe(
      "no hay una terminal donde preguntarle (Username). Use --username <u>.",
    );
    // An error with no Spanish words keeps its English ones.
    expect(sayError(new PortalRefusedError("Nope.", { code: "forbidden" }), "es")).toBeUndefined();
  });

  it("reads commander's complaints as catalog messages", () => {
    const unknown = commanderSaid(
      "commander.unknownCommand",
      "unknown command 'conatcts' (Did you mean contacts?)",
    );
    expect(unknown && render("es", unknown)).toBe(
      "comando desconocido: conatcts (¿Quiso decir contacts?). Use `rxportal --help` para ver los comandos.",
    );
    const bad = commanderSaid(
      "commander.invalidArgument",
      "option '--port <n>' argument '70000' is invalid. --port must be a number from 0 to 65535.",
    );
    expect(bad && render("es", bad)).toBe(
      "el valor '70000' de la opción --port <n> no es válido. --port debe ser un número entero de 0 a 65535.",
    );
    expect(bad && render("en", bad)).toBe(
      "option '--port <n>' argument '70000' is invalid. --port must be a number from 0 to 65535.",
    );
    expect(commanderSaid("commander.somethingNew", "whatever")).toBeUndefined();
  });

  it("finds --lang in the raw arguments, before any --", () => {
    expect(langOfArgv(["--lang", "es", "bogus"])).toBe("es");
    expect(langOfArgv(["--lang=es", "status"])).toBe("es");
    expect(langOfArgv(["status", "--", "--lang", "es"])).toBeUndefined();
    expect(langOfArgv(["--lang", "fr"])).toBeUndefined();
  });

  it("lets any locale rule the language as resolveLang does (generated locales)", () => {
    const locale = fc.tuple(
      fc.constantFrom("es", "en", "fr", "de", "C", "POSIX", "ES", "pt"),
      fc.constantFrom("", "_US", "_MX", "-ES", ".UTF-8", "_US.UTF-8", "@euro"),
    );
    fc.assert(
      fc.property(locale, ([base, tail]) => {
        const lang = resolveLang({ env: { LANG: `${base}${tail}` } });
        expect(lang).toBe(base.toLowerCase() === "es" ? "es" : "en");
        // And the errors come in that language.
        const message = errorText.in(lang).notSignedIn;
        expect(message).toBe(lang === "es" ? "No ha iniciado sesión." : "You are not signed in.");
      }),
      { numRuns: cases(100) },
    );
  });
});

describe("common words", () => {
  it("says lengths of time with the right plural in both languages (generated)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59 }), (s) => {
        expect(formatSpan("es", s)).toBe(s === 1 ? "1 segundo" : `${s} segundos`);
        expect(formatSpan("en", s)).toBe(s === 1 ? "1 second" : `${s} seconds`);
      }),
      { numRuns: cases(60) },
    );
    expect(formatSpan("es", 3900)).toBe("1 hora 5 minutos");
    expect(formatSpan("es", 7200)).toBe("2 horas");
  });

  it("formats a time with Intl in Spanish, 24-hour clock", () => {
    expect(formatTime("es", new Date("2026-11-23T14:05:00Z"), "UTC")).toBe(
      "lun, 23 de nov de 2026, 14:05 UTC",
    );
    expect(formatTime("es", new Date(Number.NaN))).toBe("una hora desconocida");
  });
});

const plainStyle = { color: new Proxy({}, { get: () => (s: string) => s }) } as unknown as Style;

describe("contacts", () => {
  it("has Spanish for every sentence of the built-in directory", () => {
    const texts = [
      builtinContacts.advice,
      ...builtinContacts.contacts.flatMap((c) => [c.name, c.purpose, ...(c.hours ? [c.hours] : [])]),
    ];
    for (const text of texts) expect(directoryWords("es", text), text).not.toBe(text);
    expect(directoryWords("es", "A help desk's own line")).toBe("A help desk's own line");
  });

  it("lists lines in Spanish, with 'Español: no publicado' on every one", () => {
    const out = renderContacts(builtinContacts, builtinContacts.contacts, plainStyle, false, "es");
    expect(out).toContain("Farmacia y servicios para miembros");
    expect(out).toContain("  Teléfono: (800) 282-2881");
    expect(out).toContain("  Horario: las 24 horas, los 7 días de la semana");
    expect(out).toContain("  Horario: no publicado; llame para confirmarlo");
    expect(out.match(/ {2}Español: no publicado/g)?.length).toBe(builtinContacts.contacts.length);
    const en = renderContacts(builtinContacts, builtinContacts.contacts, plainStyle, false, "en");
    expect(en.match(/ {2}Spanish: not published/g)?.length).toBe(builtinContacts.contacts.length);
    expect(en).toContain("Pharmacy and member services");
  });
});

describe("doctor", () => {
  it("renders findings with their parameters and plurals in both languages", () => {
    expect(doctorText.es.certOk("portal.example", 1)).toBe(
      "El certificado es válido, está vigente y es de portal.example. Vence en 1 día.",
    );
    expect(doctorText.es.certOk("portal.example", 5)).toContain("Vence en 5 días.");
    expect(doctorText.en.certOk("portal.example", 5)).toBe(
      "The certificate is valid, current and issued for portal.example. It ends in 5 days.",
    );
    expect(doctorText.es.netProblem("ECONNREFUSED", "h.example", "English")).toContain(
      "h.example rechazó la conexión",
    );
    expect(doctorText.en.netProblem("ECONNREFUSED", "h.example", "English")).toBe("English");
    expect(doctorText.es.nonePassed(1)).toBe("ninguna (1 salió bien)");
    expect(doctorText.es.nonePassed(4)).toBe("ninguna (4 salieron bien)");
    expect(doctorText.es.state("maintenance")).toBe("cerrado por mantenimiento programado");
  });
});
