// Accessible mode at a real terminal (tmux): the doctor, sign-in with an emailed code, a password
// reset, a refill order and registration, each answered by typing lines. Every screen is read with
// its escape sequences kept and must hold printable ASCII only: no colour, no cursor movement, no
// glyph. Choices are all on screen, numbered. Secrets never appear. Switched on by --plain (the
// doctor, login, reset, refill order and register), by TERM=dumb and by RXPORTAL_ACCESSIBLE=1.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binPath, firstLine, startCli, tempHome } from "../helpers/spawn.js";
import { quote, tmuxAvailable, tmuxServer } from "../helpers/tmux.js";

const PASSWORD = "Sandbox-Pass-2026";
const t = tmuxServer(`a11y-test-${process.pid}`);
const sessions: string[] = [];

/** Printable ASCII and line ends only: no ESC, no other control character, nothing beyond 0x7e. */
function expectPlainAscii(screen: string): void {
  const bad = [...screen].filter((ch) => ch !== "\n" && (ch < " " || ch > "~"));
  expect(bad.map((ch) => `U+${ch.codePointAt(0)?.toString(16).padStart(4, "0")}`)).toEqual([]);
}

describe.skipIf(!tmuxAvailable())("accessible mode at a real terminal (tmux)", () => {
  let sandbox: ReturnType<typeof startCli>;
  let origin: string;
  let home: string;

  const outboxCode = async (to: string, kind: string, not?: string): Promise<string> => {
    const until = Date.now() + 10_000;
    for (;;) {
      const box = (await (await fetch(`${origin}/_sandbox/outbox?to=${to}`)).json()) as {
        messages: { kind: string; code?: string }[];
      };
      const code = box.messages.filter((m) => m.kind === kind && m.code).at(-1)?.code;
      if (code && code !== not) return code;
      if (Date.now() > until) throw new Error(`no ${kind} code for ${to}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  /** Runs rxportal in a new session; no NO_COLOR: accessible mode alone must keep colour out. */
  const run = (name: string, args: string, env: string[] = ["TERM=xterm-256color"]) => {
    sessions.push(name);
    const vars = [
      `HOME=${home}`,
      `XDG_CONFIG_HOME=${home}/.config`,
      `XDG_DATA_HOME=${home}/.local/share`,
      "TZ=UTC",
      "LANG=C.UTF-8",
      ...env,
    ];
    t.start(
      name,
      `env -u CI -u NO_COLOR -u FORCE_COLOR ${vars.map(quote).join(" ")} ${quote(process.execPath)} ${quote(binPath)} ${args}; echo "EXIT=$?"; sleep 60`,
    );
  };

  beforeAll(async () => {
    sandbox = startCli(["sandbox", "--port", "0"]);
    const baseUrl = await firstLine(sandbox);
    origin = new URL(baseUrl).origin;
    home = tempHome();
    mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
    writeFileSync(
      join(home, ".config", "rxportal", "config.yaml"),
      `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${baseUrl}\n`,
    );
  });
  afterAll(() => {
    sandbox.kill("SIGKILL");
    // Only this file's own sessions, on its private socket; tmux exits with its last session.
    for (const name of sessions) t.kill(name);
  });

  it("--plain doctor: all 10 first answers numbered, answered by word and number, ASCII only", async () => {
    const s = "a11y-doctor";
    run(s, "doctor --sandbox --plain");
    const first = await t.waitFor(
      s,
      /What happens when you try to sign in\?[\s\S]*Type a number from 1 to 10: $/m,
    );
    const labels = [
      "The site says my username or password is wrong",
      "The sign-in code does not arrive or is not accepted",
      "Resetting my password does not work",
      "The site says my account is locked",
      "The page stays blank, keeps loading or shows an error",
      "The mobile app fails",
      "The site does not load at all",
      "I see activity I did not do, or I think someone else uses my account",
      "I never registered, or registering fails",
      "Something else, or I have tried everything",
    ];
    for (const [i, label] of labels.entries()) expect(first).toContain(`\n${i + 1}. ${label}\n`);
    // A wrong answer: one line saying what to type, then the question again.
    t.type(s, "12");
    t.key(s, "Enter");
    await t.waitFor(
      s,
      /"12" is not one of the answers\. Type a number from 1 to 10, or one of the words: rejected, code,/,
    );
    t.type(s, "LOCKED");
    t.key(s, "Enter");
    const members = await t.waitFor(
      s,
      /Which sandbox member are you playing\?[\s\S]*10\. Someone else \(type the username\)/,
    );
    expect(members).toContain("5. lee.locked: is locked out after too many tries");
    t.type(s, "5");
    t.key(s, "Enter");
    await t.waitFor(s, /Do you see signs that someone else tried your account[\s\S]*1\. Yes\n2\. No\n/);
    t.type(s, "no");
    t.key(s, "Enter");
    await t.waitFor(s, /Would you rather wait for the lock to end[\s\S]*Type a number/);
    t.type(s, "1");
    t.key(s, "Enter");
    const done = await t.waitFor(s, /EXIT=\d+/);
    expect(done).toContain("Diagnosis: Wait until the lock ends");
    expect(done).toContain("EXIT=0");
    expect(done).toMatch(/^Is the account locked right now.*\.\.\.$/m);
    expectPlainAscii(done);
  });

  it("--plain login: hidden password, then the emailed code typed as a line", async () => {
    const s = "a11y-login";
    run(s, "login --plain --username erin.emailcode");
    const asked = await t.waitFor(
      s,
      /Password for erin\.emailcode:\nType it and press Enter \(typing is hidden\): $/m,
    );
    expectPlainAscii(asked);
    t.type(s, PASSWORD);
    t.key(s, "Enter");
    await t.waitFor(s, /Sign-in code \(r for a new one\):\nType the answer, then press Enter: $/m);
    const code = await outboxCode("erin.emailcode", "mfa");
    t.type(s, code);
    t.key(s, "Enter");
    const done = await t.waitFor(s, /EXIT=\d+/);
    expect(done).toContain("EXIT=0");
    expect(done).not.toContain(PASSWORD);
    expectPlainAscii(done);
  });

  it("Ctrl-C at a hidden prompt (the echo is off, so no SIGINT) ends the run with exit 130", async () => {
    const s = "a11y-ctrlc";
    run(s, "login --plain --username pat.sample");
    await t.waitFor(s, /Type it and press Enter \(typing is hidden\): $/m);
    t.type(s, "Sand");
    t.key(s, "C-c");
    const done = await t.waitFor(s, /EXIT=\d+/);
    expect(done).toContain("rxportal: interrupted.");
    expect(done).toContain("EXIT=130");
    expect(done).not.toContain("Sand\n");
    expectPlainAscii(done);
  });

  it("--plain refill order: 'Place this order?' asked as yes or no", async () => {
    const s = "a11y-refill";
    run(s, "refill order RX-100101 --plain --username pat.sample");
    await t.waitFor(s, /Type it and press Enter \(typing is hidden\): $/m);
    t.type(s, PASSWORD);
    t.key(s, "Enter");
    const confirm = await t.waitFor(
      s,
      /Place this order\?\nType yes or no, or press Enter alone for yes: $/m,
    );
    expect(confirm).toMatch(/RX-100101/);
    t.type(s, "maybe");
    t.key(s, "Enter");
    await t.waitFor(s, /"maybe" is not yes or no\. Type yes or no\.\nPlace this order\?/);
    t.type(s, "y");
    t.key(s, "Enter");
    const done = await t.waitFor(s, /EXIT=\d+/);
    expect(done).toContain("EXIT=0");
    expect(done).not.toContain(PASSWORD);
    expectPlainAscii(done);
  });

  it("--plain reset: the code and the new password typed hidden", async () => {
    const s = "a11y-reset";
    const fresh = "Quiet-Harbor-Lantern-58";
    run(s, "reset --plain --username sam.textcode");
    await t.waitFor(s, /Reset code from the message:\nType it and press Enter \(typing is hidden\): $/m);
    const code = await outboxCode("sam.textcode", "reset");
    t.type(s, code);
    t.key(s, "Enter");
    await t.waitFor(
      s,
      /New password \(at least \d+ characters\):\nType it and press Enter \(typing is hidden\): $/m,
    );
    t.type(s, fresh);
    t.key(s, "Enter");
    await t.waitFor(s, /The new password again:\nType it and press Enter \(typing is hidden\): $/m);
    t.type(s, fresh);
    t.key(s, "Enter");
    const done = await t.waitFor(s, /EXIT=\d+/);
    expect(done).toContain("EXIT=0");
    expect(done).not.toContain(fresh);
    expect(done).not.toContain(code);
    expectPlainAscii(done);
  });

  it("--plain register: the SSN chosen by number and typed hidden", async () => {
    const s = "a11y-register";
    const good = "Velvet-Canyon-Otter-71";
    run(s, "register --plain");
    const answer = async (pattern: RegExp, text: string) => {
      await t.waitFor(s, pattern);
      t.type(s, text);
      t.key(s, "Enter");
    };
    await answer(/First name.*:\nType the answer, then press Enter: $/m, "Morgan");
    await answer(/Last name:\nType the answer, then press Enter: $/m, "Elder");
    await answer(/Date of birth.*\nType the answer, then press Enter: $/m, "1952-02-03");
    const by = await t.waitFor(s, /Identify the member by:\n1\. .*\n2\. .*\nType a number from 1 to 2/);
    expect(by).toMatch(/\n2\. .*Social Security number/);
    t.type(s, "2");
    t.key(s, "Enter");
    await answer(
      /Social Security number \(9 digits, typed hidden\):\nType it and press Enter \(typing is hidden\): $/m,
      "987-65-4322",
    );
    await answer(/Username to create:\nType the answer, then press Enter: $/m, "morgan.elder");
    await answer(/Email address.*\nType the answer, then press Enter: $/m, "morgan@example.com");
    await answer(
      /Password \(at least 12 characters\):\nType it and press Enter \(typing is hidden\): $/m,
      good,
    );
    await answer(/The password again:\nType it and press Enter \(typing is hidden\): $/m, good);
    await t.waitFor(s, /Code from the email:\nType it and press Enter \(typing is hidden\): $/m);
    const code = await outboxCode("morgan.elder", "register");
    t.type(s, code);
    t.key(s, "Enter");
    const done = await t.waitFor(s, /EXIT=\d+/);
    expect(done).toContain("The account morgan.elder is ready for Morgan Elder");
    expect(done).toContain("EXIT=0");
    for (const secret of ["987654322", "987-65-4322", good]) expect(done).not.toContain(secret);
    expectPlainAscii(done);
  });

  // The other switches, without --plain: the same line prompter (and, in Spanish, its own words).
  it.each([
    ["TERM=dumb", ["TERM=dumb"], "What happens when you try to sign in?", "Type a number from 1 to 10: "],
    [
      "RXPORTAL_ACCESSIBLE=1",
      ["TERM=xterm-256color", "RXPORTAL_ACCESSIBLE=1"],
      "What happens when you try to sign in?",
      "Type a number from 1 to 10: ",
    ],
    [
      "RXPORTAL_ACCESSIBLE=1 in Spanish",
      ["TERM=xterm-256color", "RXPORTAL_ACCESSIBLE=1", "LANG=es_US.UTF-8"],
      "¿Qué pasa cuando intenta iniciar sesión?",
      "Escriba un número del 1 al 10",
    ],
  ])(
    "%s without --plain: the doctor's first question, every choice numbered",
    async (label, env, question, hint) => {
      const s = `a11y-switch-${label.replace(/\W+/g, "-")}`;
      run(s, "doctor --sandbox", env);
      const first = await t.waitFor(s, new RegExp(`${question.replace(/[?¿]/g, "\\$&")}[\\s\\S]*${hint}`));
      for (let i = 1; i <= 10; i++) expect(first).toMatch(new RegExp(`\\n${i}\\. \\S`));
      // No escape sequence, no glyph: Spanish keeps its letters (é, ñ, ¿), nothing else outside ASCII.
      expect(first.replace(/[áéíóúüñÁÉÍÓÚÑ¿¡]/g, "")).toMatch(/^[\x20-\x7e\n]*$/);
      t.type(s, "1");
      t.key(s, "Enter");
      await t.waitFor(s, /\n2\. /);
    },
  );
});
