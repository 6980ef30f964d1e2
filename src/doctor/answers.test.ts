import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { checkAnswers, parseAnswerFlag, readAnswersFile } from "./answers.js";
import { builtinTreeText } from "./builtin-tree.js";
import { doctorInputs, redactLink } from "./inputs.js";
import { parseTree } from "./tree-lint.js";

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "rxportal-answers-")), "answers.yaml");
  writeFileSync(path, text);
  return path;
};

describe("answers in advance", () => {
  it("splits --answer at the first '=' only", () => {
    expect(parseAnswerFlag("link=https://x.example/?a=b")).toEqual(["link", "https://x.example/?a=b"]);
    expect(() => parseAnswerFlag("start")).toThrow(UsageError);
    expect(() => parseAnswerFlag("=locked")).toThrow(/<question-id>=<value>/);
  });

  it("reads a flat map, or the answers of a --json transcript, with scalars as text", async () => {
    expect(await readAnswersFile(file("start: locked\nusername: pat.sample\n"))).toEqual({
      start: "locked",
      username: "pat.sample",
    });
    expect(await readAnswersFile(file('{"answers": {"app-version": "5.2.0", "x": 3}}'))).toEqual({
      "app-version": "5.2.0",
      x: "3",
    });
    expect(await readAnswersFile(file(""))).toEqual({});
  });

  it("says which file is wrong and how", async () => {
    await expect(readAnswersFile("/nonexistent/answers.yaml")).rejects.toThrow(/no such file/);
    await expect(readAnswersFile(file("- start\n- locked\n"))).rejects.toThrow(/expected a map/);
    await expect(readAnswersFile(file("start: {a: 1}\n"))).rejects.toThrow(/"start" should be a single word/);
    await expect(readAnswersFile(file("start: [\n"))).rejects.toThrow(
      /not valid YAML or JSON at line \d+, column \d+: /,
    );
  });

  it("checks ids and values against the tree and the inputs", async () => {
    const { tree } = await parseTree("built-in", builtinTreeText);
    if (!tree) throw new Error("built-in tree did not parse");
    expect(
      checkAnswers(tree, doctorInputs, { start: "locked", email: "a@b.example", consent: "yes" }),
    ).toEqual({
      start: { value: "locked", source: "answers" },
      email: { value: "a@b.example", source: "answers" },
      consent: { value: "yes", source: "answers" },
    });
    const wrong = (() => {
      try {
        checkAnswers(tree, doctorInputs, { start: "sad" });
      } catch (error) {
        return error as UsageError;
      }
    })();
    expect(wrong?.message).toBe('"sad" is not an answer to question "start".');
    expect(wrong?.hint).toMatch(/^Choose one of: rejected, code, reset, locked/);
    expect(() => checkAnswers(tree, doctorInputs, { email: "not-an-address" })).toThrow(/expected an email/);
    expect(() => checkAnswers(tree, doctorInputs, { "end-dns": "x" })).toThrow(/not a question in this tree/);
  });
});

describe("redactLink", () => {
  it("keeps scheme, host and path, and drops tokens and credentials", () => {
    expect(redactLink("https://portal.example/reset?token=abc#x")).toBe(
      "https://portal.example/reset [query and credentials removed]",
    );
    expect(redactLink("https://user:pw@portal.example/")).toBe(
      "https://portal.example/ [query and credentials removed]",
    );
    expect(redactLink("https://portal.example/help")).toBe("https://portal.example/help");
    expect(redactLink("not a link")).toBe("[a link that could not be read]");
  });
});
