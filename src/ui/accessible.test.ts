import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { isAccessible } from "./accessible.js";
import { plainText } from "./plain-text.js";
import { createPrompter } from "./prompts.js";

const on = (env: Record<string, string>, plain = false) => isAccessible({ env, globals: { plain } });

describe("accessible mode", () => {
  it("is on for --plain, TERM=dumb, RXPORTAL_ACCESSIBLE and gh's GH_ACCESSIBLE_PROMPTER", () => {
    expect(on({})).toBe(false);
    expect(on({ TERM: "xterm-256color" })).toBe(false);
    expect(on({}, true)).toBe(true);
    expect(on({ TERM: "dumb" })).toBe(true);
    for (const value of ["1", "true", "yes", "enabled", "on"]) {
      expect(on({ RXPORTAL_ACCESSIBLE: value })).toBe(true);
      expect(on({ GH_ACCESSIBLE_PROMPTER: value })).toBe(true);
    }
    for (const value of ["", "0", "false", "no", "off", "FALSE"]) {
      expect(on({ RXPORTAL_ACCESSIBLE: value })).toBe(false);
      expect(on({ GH_ACCESSIBLE_PROMPTER: value })).toBe(false);
    }
  });

  it("RXPORTAL_ACCESSIBLE=0 overrides gh's variable, but not --plain or TERM=dumb", () => {
    expect(on({ RXPORTAL_ACCESSIBLE: "0", GH_ACCESSIBLE_PROMPTER: "1" })).toBe(false);
    expect(on({ RXPORTAL_ACCESSIBLE: "0" }, true)).toBe(true);
    expect(on({ RXPORTAL_ACCESSIBLE: "0", TERM: "dumb" })).toBe(true);
  });

  it("plainText spells symbols in ASCII and keeps letters", () => {
    expect(plainText("Settings › Privacy → “Clear” … • done ✔ — café, Contraseña")).toBe(
      'Settings > Privacy -> "Clear" ... * done OK - café, Contraseña',
    );
  });
});

function ctxWith(env: Record<string, string>, tty: boolean, plain = false) {
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  let out = "";
  return {
    stdin,
    out: () => out,
    ctx: {
      io: {
        stdout: { write: () => true },
        stderr: {
          write: (s: string) => {
            out += s;
            return true;
          },
          isTTY: tty,
        },
        stdin,
      },
      env,
      globals: { plain },
      signal: new AbortController().signal,
    },
  };
}

describe("createPrompter in accessible mode", () => {
  it("asks with the line prompter: numbered choices, no escape sequence", async () => {
    const h = ctxWith({ RXPORTAL_ACCESSIBLE: "1", TERM: "xterm-256color" }, true);
    const answer = createPrompter(h.ctx).select({
      message: "Which?",
      noTty: "--answer q=<value>",
      choices: [
        { name: "First", value: "a" },
        { name: "Second", value: "b" },
      ],
    });
    h.stdin.write("2\n");
    expect(await answer).toBe("b");
    expect(h.out()).toBe("Which?\n1. First\n2. Second\nType a number from 1 to 2: ");
  });

  it("without a terminal still fails at once naming the flag, and reads nothing", async () => {
    const h = ctxWith({}, false, true);
    const p = createPrompter(h.ctx);
    await expect(p.confirm({ message: "Place this order?", noTty: "--yes" })).rejects.toThrow(
      new UsageError("Place this order: no terminal to ask on; pass --yes."),
    );
    await expect(p.password({ message: "Password:", noTty: "--password-stdin" })).rejects.toThrow(
      /no terminal to ask on; pass --password-stdin/,
    );
    expect(h.out()).toBe("");
  });
});
