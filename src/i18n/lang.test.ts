import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { catalog, plural } from "./catalog.js";
import { langOfTag, resolveLang } from "./lang.js";

describe("resolveLang", () => {
  it("takes --lang, then RXPORTAL_LANG, then LC_ALL, LC_MESSAGES, LANG", () => {
    expect(resolveLang({ flag: "es", env: { LANG: "en_US.UTF-8" } })).toBe("es");
    expect(resolveLang({ flag: "en", env: { RXPORTAL_LANG: "es" } })).toBe("en");
    expect(resolveLang({ env: { RXPORTAL_LANG: "es", LANG: "en_US" } })).toBe("es");
    expect(resolveLang({ env: { LC_ALL: "es_MX.UTF-8", LANG: "en_US" } })).toBe("es");
    expect(resolveLang({ env: { LC_MESSAGES: "es_ES@euro" } })).toBe("es");
    expect(resolveLang({ env: { LANG: "es_US.UTF-8" } })).toBe("es");
    expect(resolveLang({ env: {} })).toBe("en");
  });
  it("lets the first locale variable that is set decide, and falls back to English", () => {
    expect(resolveLang({ env: { LC_ALL: "fr_FR.UTF-8", LANG: "es_US.UTF-8" } })).toBe("en");
    expect(resolveLang({ env: { LC_ALL: "", LANG: "es_US.UTF-8" } })).toBe("es");
    expect(resolveLang({ env: { LANG: "C.UTF-8" } })).toBe("en");
  });
  it("reads any Spanish tag as es and any other as not es (generated tags)", () => {
    const sep = fc.constantFrom("_", "-", ".", "@");
    const tail = fc.stringMatching(/^[A-Za-z0-9]{0,8}$/);
    fc.assert(
      fc.property(fc.constantFrom("es", "ES", "Es"), sep, tail, (base, s, t) => {
        expect(langOfTag(`${base}${t ? s + t : ""}`)).toBe("es");
      }),
      { numRuns: cases(200) },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{2,3}$/), sep, tail, (base, s, t) => {
        fc.pre(base !== "es");
        expect(langOfTag(`${base}${s}${t}`)).not.toBe("es");
      }),
      { numRuns: cases(200) },
    );
  });
});

describe("catalog and plural", () => {
  const messages = catalog(
    { hello: "Hello", tries: (n: number) => `${n} tries` },
    { hello: "Hola", tries: (n: number) => `${n} intentos` },
  );
  it("gives each language its messages", () => {
    expect(messages.in("es").hello).toBe("Hola");
    expect(messages.in("en").tries(2)).toBe("2 tries");
  });
  it("chooses plural forms by the language's rules", () => {
    expect(plural("es", 1, { one: "intento", other: "intentos" })).toBe("intento");
    expect(plural("es", 0, { one: "intento", other: "intentos" })).toBe("intentos");
    expect(plural("en", 2, { one: "try", other: "tries" })).toBe("tries");
  });
});
