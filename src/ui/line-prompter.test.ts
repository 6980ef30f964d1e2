import { PassThrough } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import {
  createLinePrompter,
  PromptAbortError,
  PromptExitError,
  pickChoice,
  selectLines,
} from "./line-prompter.js";

type FakeStdin = PassThrough & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (raw: boolean) => unknown };

function harness(opts: { tty?: boolean; env?: Record<string, string>; lang?: string } = {}) {
  const input: FakeStdin = new PassThrough();
  const raw: boolean[] = [];
  if (opts.tty) {
    input.isTTY = true;
    input.isRaw = false;
    input.setRawMode = (on: boolean) => {
      raw.push(on);
      input.isRaw = on;
      return input;
    };
  }
  let out = "";
  const controller = new AbortController();
  const ctx = {
    io: {
      stdout: { write: () => true },
      stderr: {
        write: (s: string) => {
          out += s;
          return true;
        },
        isTTY: true,
      },
      stdin: input,
    },
    env: opts.env ?? {},
    globals: { plain: true, lang: opts.lang },
    signal: controller.signal,
  };
  return {
    prompter: createLinePrompter(ctx),
    type: (text: string) => input.write(text),
    end: () => input.end(),
    out: () => out,
    input,
    raw,
    controller,
  };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const stop = Date.now() + ms;
  while (!check()) {
    if (Date.now() > stop) throw new Error("condition never held");
    await new Promise((r) => setTimeout(r, 2));
  }
}

const ASCII_LINES = /^[\x20-\x7e\n]*$/;

const tenChoices = Array.from({ length: 10 }, (_, i) => ({
  name: `Answer number ${i + 1}`,
  value: `w${i + 1}`,
}));

describe("the line prompter: select", () => {
  it("shows the question and every choice numbered on its own line, then takes a number", async () => {
    const h = harness();
    const answer = h.prompter.select({ message: "What happens?", noTty: "--answer", choices: tenChoices });
    h.type("8\n");
    expect(await answer).toBe("w8");
    const lines = h.out().split("\n");
    expect(lines[0]).toBe("What happens?");
    for (let i = 1; i <= 10; i++) expect(lines[i]).toBe(`${i}. Answer number ${i}`);
    expect(lines[11]).toBe("Type a number from 1 to 10: ");
    expect(h.out()).toMatch(ASCII_LINES);
  });

  it("takes the choice's word in any case, and its whole text", async () => {
    const h = harness();
    const first = h.prompter.select({ message: "Pick", noTty: "x", choices: tenChoices });
    h.type("  W3 \r\n");
    expect(await first).toBe("w3");
    const second = h.prompter.select({ message: "Pick", noTty: "x", choices: tenChoices });
    h.type("answer NUMBER 5\n");
    expect(await second).toBe("w5");
  });

  it("answers a wrong answer with one line naming what to type, then asks again", async () => {
    const h = harness();
    const answer = h.prompter.select({ message: "Pick one", noTty: "x", choices: tenChoices.slice(0, 3) });
    h.type("11\n");
    await until(() => h.out().split("Pick one").length === 3);
    h.type("2\n");
    expect(await answer).toBe("w2");
    const lines = h.out().split("\n");
    // The hint and the typed answer share a line (a terminal echoes the answer and its Enter).
    expect(lines[4]).toBe(
      'Type a number from 1 to 3: "11" is not one of the answers. Type a number from 1 to 3, or one of the words: w1, w2, w3.',
    );
    expect(lines.slice(5, 9)).toEqual([
      "Pick one",
      "1. Answer number 1",
      "2. Answer number 2",
      "3. Answer number 3",
    ]);
  });

  it("Enter alone takes the default, and the hint says which", async () => {
    const h = harness();
    const answer = h.prompter.select({ message: "Pick", noTty: "x", choices: tenChoices, default: "w4" });
    h.type("\n");
    expect(await answer).toBe("w4");
    expect(h.out()).toContain("Type a number from 1 to 10, or press Enter alone for 4: ");
  });

  it("an empty answer without a default asks again", async () => {
    const h = harness();
    const answer = h.prompter.select({ message: "Pick", noTty: "x", choices: tenChoices });
    h.type("\n   \n1\n");
    expect(await answer).toBe("w1");
    expect(h.out().match(/Nothing was typed\. Type a number from 1 to 10\./g)).toHaveLength(2);
  });

  it("speaks Spanish when asked to, in usted", async () => {
    const h = harness({ lang: "es" });
    const answer = h.prompter.select({ message: "Elija", noTty: "x", choices: tenChoices.slice(0, 8) });
    h.type("nueve\n8\n");
    expect(await answer).toBe("w8");
    expect(h.out()).toContain("Escriba un número del 1 al 8: ");
    expect(h.out()).toContain(
      '"nueve" no es una de las respuestas. Escriba un número del 1 al 8, o una de las palabras:',
    );
  });

  it("spells the callers' symbols in ASCII and drops escape sequences from their text", async () => {
    const h = harness();
    const answer = h.prompter.select({
      message: "Settings › Privacy — what next…?",
      noTty: "x",
      choices: [{ name: "Go → \u001b[31mred\u001b[0m “now”", value: "go" }],
    });
    h.type("1\n");
    await answer;
    expect(h.out()).toContain('Settings > Privacy - what next...?\n1. Go -> red "now"\n');
    expect(h.out()).not.toContain("\u001b");
  });

  it("any list of 1 to 30 choices shows every choice numbered, and its number or word picks it", () => {
    const choices = fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[A-Z][a-z]{0,10}( [a-z]{1,8}){0,3}$/),
        value: fc.stringMatching(/^[a-z][a-z-]{0,10}$/),
      }),
      { minLength: 1, maxLength: 30, selector: (c) => c.value },
    );
    fc.assert(
      fc.property(choices, fc.nat(), fc.boolean(), (list, seed, upper) => {
        const lines = selectLines("Q?", list);
        expect(lines).toHaveLength(list.length + 1);
        for (const [i, c] of list.entries()) expect(lines[i + 1]).toBe(`${i + 1}. ${c.name}`);
        const i = seed % list.length;
        const chosen = list[i] as (typeof list)[number];
        expect(pickChoice(list, ` ${i + 1} `)?.value).toBe(chosen.value);
        // A word is the first choice with that word (a name may equal another's word; words come first).
        const word = upper ? chosen.value.toUpperCase() : chosen.value;
        expect(pickChoice(list, word)?.value).toBe(chosen.value);
      }),
      { numRuns: cases(300), seed: 13 },
    );
  });

  it("any answer that is no number in range, word or choice text is refused and the question asked again", async () => {
    const list = tenChoices.slice(0, 5);
    const taken = new Set(list.flatMap((c) => [c.value, c.name.toLowerCase()]));
    const wrong = fc.oneof(
      fc.integer({ min: 6, max: 10_000 }).map(String),
      fc.constant("0"),
      fc.integer({ min: -50, max: -1 }).map(String),
      fc.stringMatching(/^[a-z][a-z ]{0,12}$/).filter((s) => !taken.has(s.trim())),
      fc.constantFrom("1.5", "2 3", "one", "w", "w11", "#1"),
    );
    await fc.assert(
      fc.asyncProperty(wrong, async (bad) => {
        const h = harness();
        const answer = h.prompter.select({ message: "Pick one", noTty: "x", choices: list });
        h.type(`${bad}\n`);
        await until(() => h.out().split("Pick one").length === 3);
        const refusal = h.out().split("\n")[6];
        expect(refusal).toMatch(
          /is not one of the answers\. Type a number from 1 to 5, or one of the words: w1, w2/,
        );
        h.type("5\n");
        expect(await answer).toBe("w5");
      }),
      { numRuns: cases(100), seed: 14 },
    );
  });
});

describe("the line prompter: confirm, input, password", () => {
  it("confirm takes y/yes/n/no in any case, and the default on Enter alone", async () => {
    for (const [typed, expected] of [
      ["y", true],
      ["YES", true],
      ["n", false],
      [" No ", false],
    ] as const) {
      const h = harness();
      const answer = h.prompter.confirm({ message: "Place this order?", noTty: "--yes" });
      h.type(`${typed}\n`);
      expect(await answer).toBe(expected);
      expect(h.out()).toBe("Place this order?\nType yes or no: ");
    }
    const h = harness();
    const answer = h.prompter.confirm({ message: "Place this order?", noTty: "--yes", default: true });
    h.type("\n");
    expect(await answer).toBe(true);
    expect(h.out()).toContain("Type yes or no, or press Enter alone for yes: ");
  });

  it("confirm refuses anything else with one line and asks again", async () => {
    const h = harness();
    const answer = h.prompter.confirm({ message: "Sure?", noTty: "--yes" });
    h.type("maybe\n\nno\n");
    expect(await answer).toBe(false);
    expect(h.out()).toBe(
      'Sure?\nType yes or no: "maybe" is not yes or no. Type yes or no.\nSure?\nType yes or no: Nothing was typed. Type yes or no.\nSure?\nType yes or no: ',
    );
  });

  it("input shows its default in words and keeps it on Enter alone; a refused value is asked again", async () => {
    const h = harness();
    const first = h.prompter.input({ message: "Username", noTty: "--username", default: "alice" });
    h.type("\n");
    expect(await first).toBe("alice");
    expect(h.out()).toBe("Username\nType the answer, or press Enter alone to keep: alice ");
    const second = h.prompter.input({
      message: "Date of birth",
      noTty: "--dob",
      validate: (v) => (/^\d{4}-\d\d-\d\d$/.test(v) ? true : "Type the date as YYYY-MM-DD."),
    });
    h.type("3 Feb 1952\n1952-02-03\n");
    expect(await second).toBe("1952-02-03");
    expect(h.out()).toContain("Type the date as YYYY-MM-DD.\nDate of birth\n");
  });

  it("password says the typing is hidden, turns the echo off while reading, and never writes a character of it", async () => {
    const h = harness({ tty: true });
    const answer = h.prompter.password({ message: "Password", noTty: "--password-stdin" });
    await until(() => h.input.isRaw === true);
    expect(h.out()).toBe("Password\nType it and press Enter (typing is hidden): ");
    // Backspace, an arrow key's escape sequence and Ctrl-U are keys, not part of the password.
    h.type("xx\u0015s3cr");
    h.type("et!\u007f\u001b[D?\r");
    expect(await answer).toBe("s3cret?");
    expect(h.raw).toEqual([true, false]);
    expect(h.out()).toBe("Password\nType it and press Enter (typing is hidden): \n");
    expect(h.input.readableFlowing).toBe(false);
  });

  it("the Spanish password hint", async () => {
    const h = harness({ tty: true, env: { LANG: "es_US.UTF-8" } });
    const answer = h.prompter.password({ message: "Contraseña", noTty: "--password-stdin" });
    await until(() => h.input.isRaw === true);
    h.type("clave\r");
    expect(await answer).toBe("clave");
    expect(h.out()).toContain("Escriba y presione Enter (lo que escriba no se verá): ");
  });

  it("a refused password is asked again, hidden again", async () => {
    const h = harness({ tty: true });
    const answer = h.prompter.password({
      message: "New password",
      noTty: "x",
      validate: (v) => (v.length >= 12 ? true : "At least 12 characters."),
    });
    await until(() => h.input.isRaw === true);
    h.type("short\r");
    await until(() => h.raw.length === 3);
    h.type("long-enough-pass\r");
    expect(await answer).toBe("long-enough-pass");
    expect(h.raw).toEqual([true, false, true, false]);
    expect(h.out()).not.toMatch(/short|long-enough/);
    expect(h.out()).toContain("At least 12 characters.\nNew password\n");
  });
});

describe("the line prompter: stopping", () => {
  it("Ctrl-C at a hidden prompt ends it as inquirer's Ctrl-C does (ExitPromptError, exit 130), echo back on", async () => {
    const h = harness({ tty: true });
    const answer = h.prompter.password({ message: "Code", noTty: "--code-stdin" });
    await until(() => h.input.isRaw === true);
    h.type("12\u0003");
    await expect(answer).rejects.toBeInstanceOf(PromptExitError);
    await expect(answer).rejects.toMatchObject({ name: "ExitPromptError" });
    expect(h.input.isRaw).toBe(false);
  });

  it("the run's abort signal (Ctrl-C at a line prompt) ends a question at once", async () => {
    const h = harness();
    const answer = h.prompter.select({ message: "Pick", noTty: "x", choices: tenChoices });
    await until(() => h.out().includes("Type a number"));
    h.controller.abort();
    await expect(answer).rejects.toBeInstanceOf(PromptAbortError);
    await expect(h.prompter.input({ message: "Again", noTty: "x" })).rejects.toBeInstanceOf(PromptAbortError);
  });

  it("the end of input ends the prompt; a last line without a line ending still counts", async () => {
    const h = harness();
    const first = h.prompter.input({ message: "Name", noTty: "x" });
    h.type("Morgan");
    h.end();
    expect(await first).toBe("Morgan");
    await expect(h.prompter.confirm({ message: "Sure?", noTty: "x" })).rejects.toBeInstanceOf(
      PromptExitError,
    );
  });

  it("lines typed ahead are kept for the next questions", async () => {
    const h = harness();
    h.type("Morgan\nElder\ny\n");
    expect(await h.prompter.input({ message: "First", noTty: "x" })).toBe("Morgan");
    expect(await h.prompter.input({ message: "Last", noTty: "x" })).toBe("Elder");
    expect(await h.prompter.confirm({ message: "Sure?", noTty: "x" })).toBe(true);
  });
});
