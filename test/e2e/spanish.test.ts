// The built binary in Spanish: contacts by locale and by --lang, a refused sign-in, maintenance,
// a usage error, and a doctor run whose own headings and findings are Spanish (the tree's texts
// are the tree's). English stays the default: cliEnv sets LANG=C.UTF-8.
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/spawn.js";

describe("en español", () => {
  it("LANG=es_US.UTF-8 contacts: the directory in Spanish, Spanish not published", async () => {
    const r = await runCli(["contacts"], { env: { LANG: "es_US.UTF-8" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("tarjeta de identificación de miembro");
    expect(r.stdout).toContain("Farmacia y servicios para miembros");
    expect(r.stdout).toContain("  Teléfono: (800) 282-2881");
    expect(r.stdout).toContain("  Español: no publicado");
    expect(r.stdout).not.toContain("Phone:");
  });

  it("--lang es contacts --enrollee medicare --tty: TTY first, hours in Spanish", async () => {
    const r = await runCli(["--lang", "es", "contacts", "--enrollee", "medicare", "--tty"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "Miembros de Medicare\n  Ayuda con los beneficios de medicamentos recetados de Medicare",
    );
    expect(r.stdout).toMatch(
      / {2}TTY: \(800\) 899-2114\n {2}Teléfono: \(866\) 529-4917\n {2}Horario: las 24 horas/,
    );
    expect(r.stdout).not.toContain("TRICARE");
  });

  it("contacts --json keeps the data English and says spanish: null", async () => {
    const r = await runCli(["--lang", "es", "contacts", "--json"]);
    const doc = JSON.parse(r.stdout) as { contacts: { name: string; spanish: unknown }[] };
    expect(doc.contacts.every((c) => c.spanish === null)).toBe(true);
    expect(doc.contacts[0]?.name).toBe("Pharmacy and member services");
  });

  it("a wrong password against the sandbox, in Spanish, exit 1", async () => {
    const r = await runCli(
      ["--lang", "es", "--sandbox", "login", "--username", "pat.sample", "--password-stdin"],
      { input: "not-the-password\n" },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^rxportal: El portal no aceptó ese nombre de usuario y esa contraseña\. rxportal permitirá \d+ intentos? más/m,
    );
    expect(r.stderr).toContain("(Número de solicitud: ");
  });

  it("status in maintenance, in Spanish, exit 69; --json keeps code and message English", async () => {
    const args = ["--sandbox", "--sandbox-fault", "maintenance:120", "status"];
    const r = await runCli(args, { env: { RXPORTAL_LANG: "es" } });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain(
      "El portal no está disponible por mantenimiento (HTTP 503); pide volver a intentarlo en 2 minutos.",
    );
    const j = await runCli([...args, "--json"], { env: { RXPORTAL_LANG: "es" } });
    const doc = JSON.parse(j.stdout) as {
      error: { code: string; message: string; localized: { lang: string; message: string } };
    };
    expect(doc.error.code).toBe("maintenance");
    expect(doc.error.message).toMatch(/^The portal is down for maintenance/);
    expect(doc.error.localized.lang).toBe("es");
    expect(doc.error.localized.message).toMatch(/^El portal no está disponible/);
  });

  it("a usage error in Spanish, from --lang=es read before parsing, exit 64", async () => {
    const r = await runCli(["--lang=es", "conatcts"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      "rxportal: comando desconocido: conatcts (¿Quiso decir contacts?). Use `rxportal --help` para ver los comandos.\n",
    );
    const en = await runCli(["conatcts"]);
    expect(en.stderr).toMatch(/^rxportal: unknown command 'conatcts'/);
  });

  it("an unattended doctor run missing an answer, in Spanish: exit 64 naming the id", async () => {
    const r = await runCli(["doctor", "--sandbox", "--answer", "start=locked"], {
      env: { LANG: "es_US.UTF-8" },
    });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("necesita más respuestas para seguir: username.");
    expect(r.stderr).toContain("--answer username=");
    expect(r.stderr).not.toMatch(/needs more answers/);
  });

  it("a doctor run in Spanish: its headings and findings are Spanish", async () => {
    const r = await runCli(
      [
        "--sandbox",
        "--plain",
        "doctor",
        ...["start=locked", "username=lee.locked", "lockout-someone=no", "lockout-choice=wait"].flatMap(
          (a) => ["--answer", a],
        ),
      ],
      { env: { LANG: "es_MX.UTF-8" } },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^PROBLEMA: Bloqueo de la cuenta: La cuenta lee\.locked está bloqueada hasta: /m,
    );
    expect(r.stdout).toMatch(
      /^Paso: El bloqueo termina: .+, dentro de \d+ minutos?\. Intentarlo antes no sirve de nada\.$/m,
    );
    expect(r.stdout).toMatch(/^Diagnóstico: /m);
    expect(r.stdout).toContain("\nA quién llamar:\n");
    expect(r.stdout).toContain("  Soporte técnico del sitio web y de la cuenta en línea: (800) 711-5672");
    expect(r.stdout).toMatch(/^Números de solicitud para el soporte técnico: /m);
    expect(r.stdout).not.toMatch(/Diagnosis:|Whom to call:|PROBLEM:/);
  });
});
