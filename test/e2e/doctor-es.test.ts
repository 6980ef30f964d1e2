// End to end in Spanish: with LANG=es_US.UTF-8 the built binary walks the built-in tree in Spanish.
// For a sample path of every branch, each question, chosen answer and probe text on the path and
// the end's title and steps are the es side of trees/default.yaml (read from the tree, never
// copied here). Only the tree's own texts are checked: headings, probe findings and whom to call
// are the message catalogs' part.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinTree } from "../../src/doctor/builtin-tree.js";
import { localizeTree } from "../../src/doctor/tree-localize.js";
import type { Tree } from "../../src/doctor/tree-schema.js";
import { asciiSymbols } from "../../src/ui/plain-text.js";
import { englishLines } from "../helpers/english.js";
import { runCli, tempHome } from "../helpers/spawn.js";

const es: Tree = localizeTree(builtinTree, "es");
const en: Tree = localizeTree(builtinTree, "en");
const SPANISH = { LANG: "es_US.UTF-8" };

interface Step {
  kind: string;
  id: string;
  text?: string;
  answer?: string;
  label?: string;
}
interface Doc {
  path: string[];
  steps: Step[];
  recommendation: { node: string; title: string; remedy: string[] };
}

/** A sample path per branch: the answers, and the end it must reach. */
const paths: Record<string, { answers: string[]; end: string }> = {
  credentials: {
    answers: ["start=rejected", "credentials=yes", "cred-caps=no", "cred-password=yes"],
    end: "end-retype",
  },
  "two-step": { answers: ["start=code", "two-step=every-time"], end: "end-mfa-trusted-device" },
  reset: { answers: ["start=reset", "reset=still-refused"], end: "end-reset-refused" },
  "reset (no code)": {
    answers: ["start=reset", "reset=no-code", "email=pat@example.com", "reset-spam=no"],
    end: "end-reset-wait",
  },
  browser: {
    answers: ["start=page", "web-elsewhere=untried", "web-blockers=no", "browser=chrome"],
    end: "end-browser-chrome",
  },
  app: {
    answers: [
      "start=app",
      "app-platform=ios",
      "app-version=99.0.0",
      "app-elsewhere=yes",
      "app-storage=no",
      "app-system-error=yes",
    ],
    end: "end-app-try-website",
  },
  lockout: {
    answers: ["start=locked", "username=lee.locked", "lockout-someone=no", "lockout-choice=wait"],
    end: "end-lockout-wait",
  },
  outage: { answers: ["start=page", "web-elsewhere=no"], end: "end-fails-everywhere" },
  network: { answers: ["start=no-connection", "net-wifi=yes"], end: "end-public-wifi" },
  support: { answers: ["start=other", "support=medicare"], end: "support-medicare" },
  fraud: { answers: ["start=fraud", "fraud-plan=tricare"], end: "end-fraud" },
  register: { answers: ["start=register", "register-plan=unsure"], end: "end-register" },
};

const answer = (pairs: string[]) => pairs.flatMap((pair) => ["--answer", pair]);
const node = (tree: Tree, id: string) => {
  const n = tree.nodes[id];
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

describe("doctor in Spanish (LANG=es_US.UTF-8, built binary)", () => {
  it.concurrent.each(Object.entries(paths))(
    "%s: the tree's texts on the path are the Spanish ones",
    async (_, p) => {
      const args = ["doctor", "--sandbox", ...answer(p.answers)];
      const [plain, json] = await Promise.all([
        runCli([...args, "--plain"], { env: SPANISH, timeoutMs: 30_000 }),
        runCli([...args, "--json"], { env: SPANISH, timeoutMs: 30_000 }),
      ]);
      expect(plain.code, plain.stderr).toBe(0);
      expect(json.code, json.stderr).toBe(0);
      const doc = JSON.parse(json.stdout) as Doc;
      expect(doc.path.at(-1)).toBe(p.end);

      const questions = doc.steps.filter((s) => s.kind === "question");
      expect(questions.length).toBeGreaterThan(0);
      for (const step of doc.steps) {
        // Inputs (username, email, app version) are the engine's questions, not the tree's.
        const n = es.nodes[step.id];
        if (!n) continue;
        if (n.kind === "question") {
          const label = n.answers.find((a) => a.value === step.answer)?.label;
          expect(label, `${step.id}=${step.answer}`).toBeDefined();
          expect(step).toMatchObject({ text: n.text, label });
          // What the member reads: the question and the answer picked, in Spanish.
          // (--plain spells symbols such as curly quotes in ASCII.)
          expect(plain.stdout).toContain(asciiSymbols(`${n.text} ${label}`));
        } else if (n.kind === "probe" || n.kind === "action") {
          if (n.text !== undefined && step.text !== undefined) expect(step.text).toBe(n.text);
        }
      }

      const end = node(es, p.end);
      if (end.kind !== "end") throw new Error(`${p.end} is not an end`);
      expect(doc.recommendation).toMatchObject({ node: p.end, title: end.title, remedy: end.remedy });
      expect(plain.stdout).toContain(asciiSymbols(end.title));
      for (const line of end.remedy) expect(plain.stdout).toContain(asciiSymbols(line));

      // And none of the English side of those texts (where the two differ).
      const english = node(en, p.end);
      if (english.kind === "end" && english.title !== end.title)
        expect(plain.stdout).not.toContain(english.title);
      const start = node(en, "start");
      if (start.kind === "question") expect(plain.stdout).not.toContain(start.text);

      // No English sentence left anywhere in the session, apart from names, numbers and commands.
      expect(englishLines(`${plain.stdout}\n${plain.stderr}`)).toEqual([]);
    },
  );

  it("a tree of the user's in English only is walked in English, and one in both languages in Spanish", async () => {
    const home = tempHome();
    const tree = (languages: string, text: string, title: string) =>
      `version: 1\n${languages}start: q\nbranches: {}\nnodes:\n  q:\n    kind: question\n    text: ${text}\n    answers:\n      - { value: "yes", label: { en: "Yes"${languages ? ', es: "Sí"' : ""} }, next: e }\n  e:\n    kind: end\n    title: ${title}\n    remedy: [{ en: "Rest."${languages ? ', es: "Descanse."' : ""} }]\n`;
    const english = join(home, "english.yaml");
    const both = join(home, "both.yaml");
    writeFileSync(english, tree("", "Is it working?", "All good"));
    writeFileSync(
      both,
      tree(
        "languages: [en, es]\n",
        "{ en: Is it working?, es: ¿Funciona? }",
        "{ en: All good, es: Todo bien }",
      ),
    );
    const walk = (file: string) =>
      runCli(["doctor", "--plain", "--tree", file, "--answer", "q=yes"], { home, env: SPANISH });
    const [inEnglish, inBoth] = await Promise.all([walk(english), walk(both)]);
    expect(inEnglish.code, inEnglish.stderr).toBe(0);
    expect(inEnglish.stdout).toContain("Is it working? Yes");
    expect(inEnglish.stdout).toContain("All good");
    expect(inEnglish.stdout).toContain("Rest.");
    expect(inBoth.code, inBoth.stderr).toBe(0);
    expect(inBoth.stdout).toContain("¿Funciona? Sí");
    expect(inBoth.stdout).toContain("Todo bien");
    expect(inBoth.stdout).toContain("Descanse.");
  });

  it("the same answers walk the same path in English (values and ids are not translated)", async () => {
    const p = paths.credentials as { answers: string[]; end: string };
    const args = ["doctor", "--sandbox", "--json", ...answer(p.answers)];
    const [inEs, inEn] = await Promise.all([
      runCli(args, { env: SPANISH, timeoutMs: 30_000 }),
      runCli(args, { env: { LANG: "en_US.UTF-8" }, timeoutMs: 30_000 }),
    ]);
    const docEs = JSON.parse(inEs.stdout) as Doc;
    const docEn = JSON.parse(inEn.stdout) as Doc;
    expect(docEs.path).toEqual(docEn.path);
    expect(docEn.recommendation.title).toBe((node(en, p.end) as { title: string }).title);
    expect(docEs.recommendation.title).not.toBe(docEn.recommendation.title);
  });
});
