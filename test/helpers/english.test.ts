import { describe, expect, it } from "vitest";
import builtin from "../../trees/default.yaml";
import { englishLines, englishWords } from "./english.js";

describe("englishLines", () => {
  it("finds English in every question and title of the built-in tree's English side", () => {
    const texts: string[] = [];
    for (const node of Object.values(builtin.nodes) as Record<string, unknown>[]) {
      for (const key of ["text", "title"]) {
        const value = node[key];
        const en = typeof value === "string" ? value : (value as { en?: string } | undefined)?.en;
        if (en) texts.push(en);
      }
    }
    expect(texts.length).toBeGreaterThan(40);
    const missed = texts.filter((t) => englishWords(t).length === 0);
    // A short title can be all names and numbers; no more than a few may pass unnoticed.
    expect(missed.length, missed.join("\n")).toBeLessThanOrEqual(texts.length / 10);
  });

  it("passes Spanish with commands, names, numbers and addresses in it", () => {
    const spanish = [
      "¿Qué pasa cuando intenta iniciar sesión?",
      "Ejecute `rxportal id-card --offline` para ver su tarjeta de identificación.",
      "Llame a TRICARE al (877) 363-1303, TTY (877) 540-6261, las 24 horas.",
      "Use Google Chrome o Firefox; desactive la VPN y vuelva a intentarlo.",
      "Usuario: lee.locked. Códigos de solicitud: fc8510e2-b6ef-42e6-a5f1-c85b1e18b766",
      "Visite https://www.express-scripts.com/login o escriba a soporte@example.com.",
      "El bloqueo termina el 2 dic 2026, 10:45 UTC, dentro de 15 minutos.",
      "Opción --answer start=locked",
      "Dato: email = pat@example.com",
      "Use “Forgot username” (olvidé mi usuario) en la página de inicio de sesión.",
      "No he probado otro dispositivo ni otra red",
    ];
    expect(englishLines(spanish.join("\n"))).toEqual([]);
  });

  it("still finds a long English sentence in quotes", () => {
    expect(englishLines('Diga: "Please check your password and try again"')).not.toEqual([]);
  });

  it("names the words that give a line away", () => {
    expect(englishLines("Diagnóstico: Wait until the lock ends")[0]?.words).toEqual(["wait", "until", "the"]);
  });
});
