// Reading a tree file and checking its shape as a graph. A help desk writes its own tree
// (`doctor --tree`), so every problem is listed at once with the node it concerns: fixing them one
// run at a time would be tedious.
import { contactTopics } from "../contacts/types.js";
import { ConfigError } from "../errors.js";
import { localizeText } from "./tree-localize.js";
import type { TreeFile, TreeFileNode } from "./tree-schema.js";
import {
  checkTreeQuickly,
  edgesOf,
  probeOutcomes,
  type TextValue,
  textsOf,
  treeLanguages,
} from "./tree-shape.js";

export type LintCode =
  | "duplicate-id"
  | "dangling-reference"
  | "unreachable"
  | "cycle-without-exit"
  | "no-remedy"
  | "duplicate-answer"
  | "no-contact"
  | "missing-language"
  | "undeclared-language";

export interface LintProblem {
  code: LintCode;
  /** The node concerned, or `start` / `branches.<name>` for the entry points. */
  node: string;
  message: string;
}

export interface ParsedTree {
  tree: TreeFile;
  /** Problems only the YAML text shows (duplicate keys), found before the schema saw the data. */
  problems: LintProblem[];
}

/**
 * Parses and validates a tree file's text. Syntax and schema errors throw a ConfigError (exit 78)
 * naming the file and key path; duplicate keys come back as lint problems, because YAML keeps only
 * the last of them and the author would otherwise never learn that a node was silently replaced.
 */
export async function parseTree(file: string, text: string): Promise<ParsedTree> {
  const { parseUserYaml } = await import("../config/yaml.js");
  const hint = "Fix the file, then run `rxportal tree lint <file>`.";
  const { data, duplicates } = await parseUserYaml(text, { label: file, file, hint });
  const problems: LintProblem[] = duplicates.map(({ key, line }) => ({
    code: "duplicate-id",
    node: key,
    message: `"${key}" is defined more than once${line ? ` (again at line ${line})` : ""}; only the last one counts`,
  }));
  // What zod would give back, without zod, for a tree it would accept; zod says what is wrong.
  const quick = checkTreeQuickly(data ?? {}) as TreeFile | undefined;
  if (quick) return { tree: quick, problems };
  const { nodeSchemas, TreeSchema } = await import("./tree-schema.js");
  const parsed = TreeSchema.safeParse(data ?? {}, { reportInput: true });
  if (!parsed.success) {
    const { describeIssue, describeKeyPath, firstIssue, sentence } = await import("../config/load.js");
    const { knownKeysAt } = await import("../config/suggest.js");
    const issue = firstIssue(parsed.error.issues);
    const keyPath = issue ? describeKeyPath(issue) : "";
    // Inside a node, only the keys of that node's kind: "text" on an end is not "text" of a question.
    const known = (path: readonly PropertyKey[]) => {
      const kind = path[0] === "nodes" && path.length >= 2 ? nodeKindAt(data, path[1]) : undefined;
      return kind ? knownKeysAt(nodeSchemas[kind], path.slice(2)) : knownKeysAt(TreeSchema, path);
    };
    const what = issue ? describeIssue({ ...issue, known: known(issue.path) }) : "invalid";
    throw new ConfigError(`${file}: ${keyPath || "(top level)"}: ${sentence(what)}`, { file, keyPath, hint });
  }
  return { tree: parsed.data, problems };
}

/** The kind of the node `id` in a tree file's data, when it names one the schema knows. */
function nodeKindAt(
  data: unknown,
  id: PropertyKey | undefined,
): "question" | "probe" | "action" | "end" | undefined {
  const nodes = (data as { nodes?: unknown } | null)?.nodes;
  if (typeof id !== "string" || typeof nodes !== "object" || nodes === null || !Object.hasOwn(nodes, id))
    return undefined;
  const kind = ((nodes as Record<string, unknown>)[id] as { kind?: unknown } | null)?.kind;
  return kind === "question" || kind === "probe" || kind === "action" || kind === "end" ? kind : undefined;
}

/** Every graph problem in a tree, in a stable order (by check, then node id). Linear in the size
 * of the tree: nodes are numbered once and the graph passes run on arrays of those numbers. */
export function lintTree(tree: TreeFile): LintProblem[] {
  const problems: LintProblem[] = [];
  const ids = Object.keys(tree.nodes);
  const n = ids.length;
  const number = new Map<string, number>();
  for (let i = 0; i < n; i++) number.set(ids[i] as string, i);
  const nodes = ids.map((id) => tree.nodes[id] as TreeFileNode);

  // Entry points: the start, and every branch `doctor --start <branch>` can jump to.
  const entries: number[] = [];
  const start = number.get(tree.start);
  if (start !== undefined) entries.push(start);
  else problems.push(dangling("start", tree.start));
  for (const [name, target] of Object.entries(tree.branches)) {
    const to = number.get(target);
    if (to !== undefined) entries.push(to);
    else problems.push(dangling(`branches.${name}`, target));
  }

  // The edges to nodes that exist, in order, as one array with an offset per node.
  const first = new Int32Array(n + 1);
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    first[i] = targets.length;
    for (const edge of edgesOf(nodes[i] as TreeFileNode)) {
      const to = number.get(edge.to);
      if (to === undefined) problems.push(dangling(ids[i] as string, edge.to, edge.label));
      else targets.push(to);
    }
  }
  first[n] = targets.length;
  const graph: Graph = { first, targets: Int32Array.from(targets) };

  const reached = new Uint8Array(n);
  const queue = [...entries];
  while (queue.length) {
    const i = queue.pop() as number;
    if (reached[i]) continue;
    reached[i] = 1;
    for (let e = graph.first[i] as number; e < (graph.first[i + 1] as number); e++)
      queue.push(graph.targets[e] as number);
  }
  for (let i = 0; i < n; i++) {
    if (!reached[i]) {
      problems.push({
        code: "unreachable",
        node: ids[i] as string,
        message: "no path from the start or any branch leads here",
      });
    }
  }

  // A loop is fine (e.g. "try again") as long as the member can still leave it for an end.
  const reachesEnd = nodesThatReachAnEnd(nodes, graph);
  for (const members of loops(graph)) {
    if (members.some((i) => reachesEnd[i])) continue;
    const component = members.map((i) => ids[i] as string).sort();
    problems.push({
      code: "cycle-without-exit",
      node: component[0] as string,
      message: `these nodes lead only to each other, never to an end: ${component.join(", ")}`,
    });
  }

  for (let i = 0; i < n; i++) {
    const id = ids[i] as string;
    const node = nodes[i] as TreeFileNode;
    const missing = (message: string) => problems.push({ code: "no-remedy", node: id, message });
    if (node.kind === "end" && node.remedy.length === 0) missing("end without remedy steps");
    if (node.kind === "question" && node.answers.length === 0) missing("question without answers");
    if (node.kind === "action" && !node.next) missing("action without next");
    if (node.kind === "probe") {
      const without = probeOutcomes.filter((o) => !node.next?.[o]);
      if (without.length) missing(`probe without next for ${without.join(", ")}`);
    }
    if (node.kind === "end" && !endNamesContact(node) && endMentionsSupport(node)) {
      problems.push({
        code: "no-contact",
        node: id,
        message: `end tells the member to call or contact support but names no line: add "contacts: <${contactTopics.join("|")}>" or a phone number`,
      });
    }
    if (node.kind === "question" && node.answers.length > 1) {
      const seen = new Set<string>();
      for (const answer of node.answers) {
        if (seen.has(answer.value)) {
          problems.push({
            code: "duplicate-answer",
            node: id,
            message: `answer value "${answer.value}" appears more than once`,
          });
        }
        seen.add(answer.value);
      }
    }
  }
  languageProblems(tree, ids, nodes, problems);
  return problems;
}

/**
 * Every text has each language the tree declares (a plain string is English), and no other:
 * a text missing Spanish would show English in the middle of a Spanish session, and a language
 * the tree does not declare is a typo or a forgotten `languages:`.
 */
function languageProblems(tree: TreeFile, ids: string[], nodes: TreeFileNode[], problems: LintProblem[]) {
  const declared = treeLanguages(tree);
  const list = declared.join(", ");
  for (let i = 0; i < nodes.length; i++) {
    const id = ids[i] as string;
    for (const { field, text } of textsOf(nodes[i] as TreeFileNode)) {
      const has: readonly string[] = typeof text === "string" ? ["en"] : Object.keys(text);
      for (const lang of declared) {
        if (has.includes(lang)) continue;
        problems.push({
          code: "missing-language",
          node: id,
          message:
            typeof text === "string"
              ? `${field} is a plain (English) text, but the tree declares ${list}: give it as { ${declared.map((l) => `${l}: ...`).join(", ")} }`
              : `${field} has no ${lang} text (the tree declares ${list})`,
        });
      }
      for (const lang of has) {
        if ((declared as readonly string[]).includes(lang)) continue;
        problems.push({
          code: "undeclared-language",
          node: id,
          message: `${field} has a ${lang} text, but the tree declares only ${list}: add ${lang} to "languages:" or remove it`,
        });
      }
    }
  }
}

/**
 * Words a writer uses to send the member to a person: support, a call, a help desk or helpline,
 * customer service, member services, a fraud, privacy or security team, an agent. Not "does not
 * support" (a browser feature), not "so-called", and not "ask IT" (the member's own IT people).
 */
const SUPPORT_WORDS =
  /(?<!\bnot |n't |-)\b(?:support|call(?:s|ed|ing)?|phone (?:us|them|support)|help[ -]?desk|help ?line|hotline|customer (?:service|care)|member services|contact (?:us|the portal|your plan)|reach out|(?:fraud|privacy|security) team|an agent)\b/i;

/** A US phone number as people write it: (800) 555-0100, 800-555-0100, 800.555.0100, 1-800-555-0100. */
const PHONE_NUMBER = /(?:\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b/;

/** Whether an end's title or remedy tells the member to call or contact someone. The words are
 * English ones, so the English side is read: it says what every language says. */
export function endMentionsSupport(node: { title: TextValue; remedy: readonly TextValue[] }): boolean {
  const en = (text: TextValue) => localizeText(text, "en");
  return SUPPORT_WORDS.test(en(node.title)) || node.remedy.some((line) => SUPPORT_WORDS.test(en(line)));
}

/** Whether an end names whom to call: a contacts topic (the directory's lines) or a phone number. */
export function endNamesContact(node: {
  contacts?: string | undefined;
  remedy: readonly TextValue[];
}): boolean {
  // A number in any language's line counts: numbers are the same in every language.
  return (
    node.contacts !== undefined ||
    node.remedy.some((line) =>
      typeof line === "string"
        ? PHONE_NUMBER.test(line)
        : Object.values(line).some((l) => PHONE_NUMBER.test(l ?? "")),
    )
  );
}

/** A graph of numbered nodes: node i's edges go to targets[first[i]] .. targets[first[i + 1] - 1]. */
interface Graph {
  first: Int32Array;
  targets: Int32Array;
}

function dangling(node: string, target: string, label?: string): LintProblem {
  return {
    code: "dangling-reference",
    node,
    message: `${label ? `${label} → ` : ""}"${target}" is not a node`,
  };
}

/** 1 for every node with a path to an end node (ends included), by walking edges backwards. */
function nodesThatReachAnEnd(nodes: TreeFileNode[], graph: Graph): Uint8Array {
  const n = nodes.length;
  // The reversed graph, built the same way: count, offsets, fill.
  const count = new Int32Array(n + 1);
  for (const to of graph.targets) count[to + 1] = (count[to + 1] as number) + 1;
  for (let i = 0; i < n; i++) count[i + 1] = (count[i + 1] as number) + (count[i] as number);
  const from = new Int32Array(graph.targets.length);
  const fill = count.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let e = graph.first[i] as number; e < (graph.first[i + 1] as number); e++) {
      const to = graph.targets[e] as number;
      const slot = fill[to] as number;
      fill[to] = slot + 1;
      from[slot] = i;
    }
  }
  const good = new Uint8Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if ((nodes[i] as TreeFileNode).kind === "end") queue.push(i);
  while (queue.length) {
    const i = queue.pop() as number;
    if (good[i]) continue;
    good[i] = 1;
    for (let e = count[i] as number; e < (count[i + 1] as number); e++) queue.push(from[e] as number);
  }
  return good;
}

/** The strongly connected components that loop (more than one node, or a node leading to
 * itself), in the order Tarjan's algorithm finds them. */
function loops(graph: Graph): number[][] {
  const found: number[][] = [];
  tarjan(graph, (members) => {
    const only = members[0] as number;
    if (members.length > 1) found.push(members);
    else {
      for (let e = graph.first[only] as number; e < (graph.first[only + 1] as number); e++) {
        if (graph.targets[e] === only) {
          found.push(members);
          break;
        }
      }
    }
  });
  return found;
}

/** Tarjan's algorithm, iterative so that a long chain in a big tree cannot overflow the stack;
 * roots in node order, edges in their order. Calls `emit` with each component's members. */
function tarjan(graph: Graph, emit: (members: number[]) => void): void {
  const n = graph.first.length - 1;
  let counter = 0;
  // index 0 means not visited yet: indexes start at 1.
  const index = new Int32Array(n);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const work: number[] = [];
  const next = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (index[root]) continue;
    index[root] = low[root] = ++counter;
    next[root] = graph.first[root] as number;
    stack.push(root);
    onStack[root] = 1;
    work.push(root);
    while (work.length) {
      const at = work[work.length - 1] as number;
      const edge = next[at] as number;
      if (edge < (graph.first[at + 1] as number)) {
        next[at] = edge + 1;
        const to = graph.targets[edge] as number;
        if (!index[to]) {
          index[to] = low[to] = ++counter;
          next[to] = graph.first[to] as number;
          stack.push(to);
          onStack[to] = 1;
          work.push(to);
        } else if (onStack[to]) {
          low[at] = Math.min(low[at] as number, index[to] as number);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent] as number, low[at] as number);
      if (low[at] === index[at]) {
        const members: number[] = [];
        let member: number;
        do {
          member = stack.pop() as number;
          onStack[member] = 0;
          members.push(member);
        } while (member !== at);
        emit(members);
      }
    }
  }
}

/** Strongly connected components of a graph given by id, each sorted (Tarjan's order). */
export function stronglyConnected(ids: string[], successors: Map<string, string[]>): string[][] {
  const number = new Map<string, number>();
  ids.forEach((id, i) => {
    number.set(id, i);
  });
  const first = new Int32Array(ids.length + 1);
  const targets: number[] = [];
  ids.forEach((id, i) => {
    first[i] = targets.length;
    for (const to of successors.get(id) ?? []) {
      const j = number.get(to);
      if (j !== undefined) targets.push(j);
    }
  });
  first[ids.length] = targets.length;
  const components: string[][] = [];
  tarjan({ first, targets: Int32Array.from(targets) }, (members) => {
    components.push(members.map((i) => ids[i] as string).sort());
  });
  return components;
}
