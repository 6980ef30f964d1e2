// Reading a tree file and checking its shape as a graph. A help desk writes its own tree
// (`doctor --tree`), so every problem is listed at once with the node it concerns: fixing them one
// run at a time would be tedious.
import { ConfigError } from "../errors.js";
import { edgesOf, probeOutcomes, type Tree } from "./tree-schema.js";

export type LintCode =
  | "duplicate-id"
  | "dangling-reference"
  | "unreachable"
  | "cycle-without-exit"
  | "no-remedy"
  | "duplicate-answer";

export interface LintProblem {
  code: LintCode;
  /** The node concerned, or `start` / `branches.<name>` for the entry points. */
  node: string;
  message: string;
}

export interface ParsedTree {
  tree: Tree;
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
  const { TreeSchema } = await import("./tree-schema.js");
  const parsed = TreeSchema.safeParse(data ?? {}, { reportInput: true });
  if (!parsed.success) {
    const { describeIssue, describeKeyPath, firstIssue, sentence } = await import("../config/load.js");
    const { knownKeysAt } = await import("../config/suggest.js");
    const issue = firstIssue(parsed.error.issues);
    const keyPath = issue ? describeKeyPath(issue) : "";
    const what = issue ? describeIssue({ ...issue, known: knownKeysAt(TreeSchema, issue.path) }) : "invalid";
    throw new ConfigError(`${file}: ${keyPath || "(top level)"}: ${sentence(what)}`, { file, keyPath, hint });
  }
  return { tree: parsed.data, problems };
}

/** Every graph problem in a tree, in a stable order (by check, then node id). */
export function lintTree(tree: Tree): LintProblem[] {
  const problems: LintProblem[] = [];
  const ids = Object.keys(tree.nodes);
  const exists = (id: string) => Object.hasOwn(tree.nodes, id);

  // Entry points: the start, and every branch `doctor --start <branch>` can jump to.
  const entries: string[] = [];
  if (exists(tree.start)) entries.push(tree.start);
  else problems.push(dangling("start", tree.start));
  for (const [name, target] of Object.entries(tree.branches)) {
    if (exists(target)) entries.push(target);
    else problems.push(dangling(`branches.${name}`, target));
  }

  for (const id of ids) {
    for (const edge of edgesOf(tree.nodes[id] as Tree["nodes"][string])) {
      if (!exists(edge.to)) problems.push(dangling(id, edge.to, edge.label));
    }
  }

  const successors = new Map<string, string[]>(
    ids.map((id) => [
      id,
      edgesOf(tree.nodes[id] as Tree["nodes"][string])
        .map((e) => e.to)
        .filter(exists),
    ]),
  );

  const reached = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const id = queue.pop() as string;
    if (reached.has(id)) continue;
    reached.add(id);
    queue.push(...(successors.get(id) ?? []));
  }
  for (const id of ids) {
    if (!reached.has(id)) {
      problems.push({
        code: "unreachable",
        node: id,
        message: "no path from the start or any branch leads here",
      });
    }
  }

  // A loop is fine (e.g. "try again") as long as the member can still leave it for an end.
  const reachesEnd = nodesThatReachAnEnd(tree, successors);
  for (const component of stronglyConnected(ids, successors)) {
    const first = component[0] as string;
    const looping = component.length > 1 || (successors.get(first) ?? []).includes(first);
    if (looping && !component.some((id) => reachesEnd.has(id))) {
      problems.push({
        code: "cycle-without-exit",
        node: first,
        message: `these nodes lead only to each other, never to an end: ${component.join(", ")}`,
      });
    }
  }

  for (const id of ids) {
    const node = tree.nodes[id] as Tree["nodes"][string];
    const missing = (message: string) => problems.push({ code: "no-remedy", node: id, message });
    if (node.kind === "end" && node.remedy.length === 0) missing("end without remedy steps");
    if (node.kind === "question" && node.answers.length === 0) missing("question without answers");
    if (node.kind === "action" && !node.next) missing("action without next");
    if (node.kind === "probe") {
      const without = probeOutcomes.filter((o) => !node.next?.[o]);
      if (without.length) missing(`probe without next for ${without.join(", ")}`);
    }
    if (node.kind === "question") {
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
  return problems;
}

function dangling(node: string, target: string, label?: string): LintProblem {
  return {
    code: "dangling-reference",
    node,
    message: `${label ? `${label} → ` : ""}"${target}" is not a node`,
  };
}

function nodesThatReachAnEnd(tree: Tree, successors: Map<string, string[]>): Set<string> {
  const predecessors = new Map<string, string[]>();
  for (const [from, tos] of successors) {
    for (const to of tos) {
      // push, not a copy per edge: a node many others lead to (a common end) made this quadratic.
      const list = predecessors.get(to);
      if (list) list.push(from);
      else predecessors.set(to, [from]);
    }
  }
  const good = new Set<string>();
  const queue = Object.keys(tree.nodes).filter((id) => tree.nodes[id]?.kind === "end");
  while (queue.length) {
    const id = queue.pop() as string;
    if (good.has(id)) continue;
    good.add(id);
    queue.push(...(predecessors.get(id) ?? []));
  }
  return good;
}

/** Tarjan's algorithm, iterative so that a long chain in a big tree cannot overflow the stack. */
export function stronglyConnected(ids: string[], successors: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const succ = successors.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const to = succ[frame.next++] as string;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component.sort());
      }
    }
  }
  return components;
}
