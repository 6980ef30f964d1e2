// What a tree is made of, without zod: the names the schema allows, the edges of a node, and a
// quick check of a tree's data that gives exactly what TreeSchema (tree-schema.ts) gives for a
// tree it accepts, at a tenth of the cost (zod took a fifth of a 20,000-node tree's lint). For
// anything else the quick check says nothing and the caller asks TreeSchema, so every schema
// error is still zod's own; src/doctor/tree-schema.test.ts compares the two on generated data.
// Kept free of zod so that `tree lint` of the built-in tree never loads it.
import { contactTopics } from "../contacts/types.js";
import { LANGS, type Lang } from "../i18n/lang.js";

/** Probe names the doctor engine knows how to run. */
export const probeNames = [
  "dns",
  "tcp",
  "tls",
  "status",
  "clock",
  "lockout",
  "app-version",
  "mx",
  "proxy",
  "last-code",
  // An `auth: {type: oidc}` profile's sign-in provider (src/doctor/oidc-probes.ts); on any other
  // profile they do not apply, and the engine passes their nodes by without a step.
  "oidc-discovery",
  "oidc-issuer",
  "oidc-jwks",
  "oidc-clock",
  "oidc-tls",
] as const;
export type ProbeName = (typeof probeNames)[number];

/** Flows an action node can start inline. */
export const actionRuns = ["reset", "contacts", "lockout-time", "check-link", "status"] as const;
export type ActionRun = (typeof actionRuns)[number];

export const probeOutcomes = ["ok", "problem", "unknown"] as const;
export type ProbeOutcome = (typeof probeOutcomes)[number];

export const severities = ["info", "warning", "urgent"] as const;

/** Lower-case words with dashes: ids end up in `--answer id=value`, Mermaid and DOT output. */
export const NODE_ID = /^[a-z0-9][a-z0-9-]*$/;

/** The part of a node its edges come from (a TreeNode, without naming tree-schema's types). */
export type EdgeSource =
  | { kind: "question"; answers: readonly { value: string; next: string }[] }
  | { kind: "probe"; next?: { ok?: string; problem?: string; unknown?: string } | undefined }
  | { kind: "action"; next?: string | undefined }
  | { kind: "end" };

/** Every edge leaving a node, labelled (answer value, probe outcome, or "next"). */
export function edgesOf(node: EdgeSource): { label: string; to: string }[] {
  switch (node.kind) {
    case "question":
      return node.answers.map((a) => ({ label: a.value, to: a.next }));
    case "probe":
      return probeOutcomes.flatMap((o) => (node.next?.[o] ? [{ label: o, to: node.next[o] as string }] : []));
    case "action":
      return node.next ? [{ label: "next", to: node.next }] : [];
    case "end":
      return [];
  }
}

/** A human text as a tree file has it: a plain string (English), or a map by language. */
export type TextValue = string | Partial<Record<Lang, string>>;

/** A tree's `languages`: English first, each language once. */
export function languagesAreValid(languages: readonly string[]): boolean {
  return languages[0] === "en" && new Set(languages).size === languages.length;
}

/** The languages a tree's texts must have (`[en]` when it declares none). */
export function treeLanguages(tree: { languages?: readonly Lang[] | undefined }): readonly Lang[] {
  return tree.languages ?? ["en"];
}

/** The part of a node its texts come from (a TreeFileNode or TreeNode, without naming them). */
export type TextSource =
  | {
      kind: "question";
      text: TextValue;
      help?: TextValue | undefined;
      answers: readonly { label: TextValue }[];
    }
  | { kind: "probe"; text?: TextValue | undefined }
  | { kind: "action"; text: TextValue }
  | { kind: "end"; title: TextValue; remedy: readonly TextValue[] };

/** Every human text of a node, in the file's order, named by its key path in the node
 * (`text`, `help`, `answers[2].label`, `title`, `remedy[0]`). */
export function textsOf(node: TextSource): { field: string; text: TextValue }[] {
  switch (node.kind) {
    case "question":
      return [
        { field: "text", text: node.text },
        ...(node.help === undefined ? [] : [{ field: "help", text: node.help }]),
        ...node.answers.map((a, i) => ({ field: `answers[${i}].label`, text: a.label })),
      ];
    case "probe":
      return node.text === undefined ? [] : [{ field: "text", text: node.text }];
    case "action":
      return [{ field: "text", text: node.text }];
    case "end":
      return [
        { field: "title", text: node.title },
        ...node.remedy.map((line, i) => ({ field: `remedy[${i}]`, text: line })),
      ];
  }
}

type Data = Record<string, unknown>;

/** Thrown inside the quick check when it cannot vouch for the data; never leaves this module. */
const UNSURE = Symbol("unsure");

function plain(value: unknown): Data {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    throw UNSURE;
  return value as Data;
}

/** The object's own keys are among `allowed` (zod's strictObject) and none is undefined. */
function only(object: Data, allowed: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key) || object[key] === undefined) throw UNSURE;
  }
}

function id(value: unknown): string {
  if (typeof value !== "string" || !NODE_ID.test(value)) throw UNSURE;
  return value;
}

/** z.string().trim().min(1) */
function text(value: unknown): string {
  if (typeof value !== "string") throw UNSURE;
  const trimmed = value.trim();
  if (trimmed.length === 0) throw UNSURE;
  return trimmed;
}

const TEXT_MAP: readonly string[] = LANGS;

/** The schema's LocalizedTextSchema: a text, or a strict map of languages to texts. */
function localized(value: unknown): TextValue {
  if (typeof value === "string") return text(value);
  const map = plain(value);
  only(map, TEXT_MAP);
  const out: Data = {};
  for (const lang of LANGS) if (lang in map) out[lang] = text(map[lang]);
  return out as TextValue;
}

function languages(value: unknown): Lang[] {
  const out = list(value, (v) => oneOf(v, LANGS));
  if (!languagesAreValid(out)) throw UNSURE;
  return out;
}

function oneOf<T extends string>(value: unknown, names: readonly T[]): T {
  if (!names.includes(value as T)) throw UNSURE;
  return value as T;
}

function list<T>(value: unknown, item: (v: unknown) => T): T[] {
  if (!Array.isArray(value)) throw UNSURE;
  // An index loop, not map(): a hole must fail like the undefined zod sees there.
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) out.push(item(value[i]));
  return out;
}

function record<T>(value: unknown, item: (v: unknown) => T): Record<string, T> {
  const input = plain(value);
  const out: Record<string, T> = {};
  for (const key of Object.keys(input)) out[id(key)] = item(input[key]);
  return out;
}

const QUESTION = ["kind", "text", "help", "answers"];
const ANSWER = ["value", "label", "next"];
const PROBE = ["kind", "probe", "text", "next"];
const OUTCOMES = ["ok", "problem", "unknown"];
const ACTION = ["kind", "text", "run", "next"];
const END = ["kind", "title", "remedy", "contacts", "severity"];
const TREE = ["version", "languages", "start", "branches", "nodes"];

// Each node as zod builds it: the schema's keys in the schema's order, optional ones only when given.
function node(value: unknown): Data {
  const n = plain(value);
  switch (n.kind) {
    case "question": {
      only(n, QUESTION);
      const out: Data = { kind: "question", text: localized(n.text) };
      if ("help" in n) out.help = localized(n.help);
      out.answers = list(n.answers, (a) => {
        const answer = plain(a);
        only(answer, ANSWER);
        return { value: id(answer.value), label: localized(answer.label), next: id(answer.next) };
      });
      return out;
    }
    case "probe": {
      only(n, PROBE);
      const out: Data = { kind: "probe", probe: oneOf(n.probe, probeNames) };
      if ("text" in n) out.text = localized(n.text);
      if ("next" in n) {
        const next = plain(n.next);
        only(next, OUTCOMES);
        const to: Data = {};
        for (const o of OUTCOMES) if (o in next) to[o] = id(next[o]);
        out.next = to;
      }
      return out;
    }
    case "action": {
      only(n, ACTION);
      const out: Data = { kind: "action", text: localized(n.text) };
      if ("run" in n) out.run = oneOf(n.run, actionRuns);
      if ("next" in n) out.next = id(n.next);
      return out;
    }
    case "end": {
      only(n, END);
      const out: Data = { kind: "end", title: localized(n.title), remedy: list(n.remedy, localized) };
      if ("contacts" in n) out.contacts = oneOf(n.contacts, contactTopics);
      if ("severity" in n) out.severity = oneOf(n.severity, severities);
      return out;
    }
    default:
      throw UNSURE;
  }
}

/**
 * A tree's data as TreeSchema would give it back (strings trimmed, keys in the schema's order),
 * or undefined when this check cannot vouch for it: then TreeSchema must say what is wrong.
 */
export function checkTreeQuickly(data: unknown): unknown {
  try {
    const tree = plain(data);
    only(tree, TREE);
    if (tree.version !== 1) return undefined;
    return {
      version: 1,
      ...("languages" in tree ? { languages: languages(tree.languages) } : {}),
      start: id(tree.start),
      branches: record(tree.branches, id),
      nodes: record(tree.nodes, node),
    };
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}
