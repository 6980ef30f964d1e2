// Answers given in advance, for unattended runs: an --answers file (YAML or JSON, `id: value`, or
// the same under an `answers:` key, so a --json transcript's `answers` can be replayed) and
// repeated --answer id=value flags, which win over the file. Ids and values are checked against
// the tree up front, so a typo fails before anything runs rather than halfway through.
import { UsageError } from "../errors.js";
import type { InputSpec } from "./inputs.js";
import type { TreeFile } from "./tree-schema.js";

export type GivenAnswers = Record<string, { value: string; source: "answers" }>;

/** Ids that are not questions or inputs but still answer something (the report's consent). */
export const EXTRA_ANSWER_IDS = ["consent"] as const;

export function parseAnswerFlag(flag: string): [string, string] {
  const at = flag.indexOf("=");
  if (at <= 0) {
    throw new UsageError(
      `--answer "${flag}" should look like <question-id>=<value>, e.g. --answer start=locked.`,
    );
  }
  return [flag.slice(0, at).trim(), flag.slice(at + 1).trim()];
}

/** Answers to a few dozen questions; a larger file is not an answers file. */
export const MAX_ANSWERS_BYTES = 256 * 1024;

export async function readAnswersFile(file: string): Promise<Record<string, string>> {
  const { readUserFile } = await import("../state/files.js");
  const { parseUserYaml } = await import("../config/yaml.js");
  const label = `--answers ${file}`;
  const text = readUserFile(file, { maxBytes: MAX_ANSWERS_BYTES, label });
  let { data } = await parseUserYaml(text, {
    label,
    file,
    syntax: "YAML or JSON",
    makeError: (message) => new UsageError(message),
  });
  if (data && typeof data === "object" && !Array.isArray(data) && "answers" in data) {
    data = (data as { answers: unknown }).answers;
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError(
      `--answers ${file}: expected a map of question ids to answers, e.g. "start: locked".`,
    );
  }
  const out: Record<string, string> = {};
  for (const [id, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      out[id] = String(value);
    } else {
      throw new UsageError(`--answers ${file}: the answer to "${id}" should be a single word or value.`);
    }
  }
  return out;
}

/** Checks every id and value against the tree and the inputs; returns them ready for an Asker. */
export function checkAnswers(
  tree: TreeFile,
  inputs: Readonly<Record<string, InputSpec>>,
  given: Record<string, string>,
): GivenAnswers {
  const out: GivenAnswers = {};
  for (const [id, value] of Object.entries(given)) {
    // Object.hasOwn: "constructor" or "toString" is not a question just because objects have one.
    const node = Object.hasOwn(tree.nodes, id) ? tree.nodes[id] : undefined;
    if (node?.kind === "question") {
      const values = node.answers.map((a) => a.value);
      if (!values.includes(value)) {
        throw new UsageError(`"${value}" is not an answer to question "${id}".`, {
          hint: `Choose one of: ${values.join(", ")}.`,
        });
      }
    } else if (Object.hasOwn(inputs, id) && inputs[id]) {
      const problem = inputs[id].validate?.(value);
      if (problem) throw new UsageError(`The answer to "${id}" is not usable: ${problem}`);
    } else if (!(EXTRA_ANSWER_IDS as readonly string[]).includes(id)) {
      const questions = Object.entries(tree.nodes)
        .filter(([, n]) => n.kind === "question")
        .map(([q]) => q);
      throw new UsageError(`"${id}" is not a question in this tree.`, {
        hint: `Questions: ${questions.join(", ")}; inputs: ${Object.keys(inputs).join(", ")}, consent.`,
      });
    }
    out[id] = { value, source: "answers" };
  }
  return out;
}
