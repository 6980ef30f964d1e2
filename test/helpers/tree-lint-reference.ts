// Two implementations of tree lint to check src/doctor/tree-lint.ts against: the one it replaced
// (string-keyed Maps and Sets, the same order of problems), and a naive one that follows the
// definitions as plainly as possible (quadratic: small trees only).
import type { LintProblem } from "../../src/doctor/tree-lint.js";
import {
  edgesOf,
  probeOutcomes,
  type TreeFile as Tree,
  type TreeFileNode as TreeNode,
} from "../../src/doctor/tree-schema.js";

/**
 * The problems by definition: dangling references; nodes no path from an entry reaches; every
 * group of nodes that all reach each other (or a node that leads to itself) with no member
 * reaching an end; ends without remedy, questions without answers, actions without next, probes
 * missing outcomes; repeated answer values.
 */
export function lintTreeNaive(tree: Tree): LintProblem[] {
  const problems: LintProblem[] = [];
  const ids = Object.keys(tree.nodes);
  const node = (id: string) => tree.nodes[id] as TreeNode;
  const isNode = (id: string) => ids.includes(id);
  const dangling = (at: string, to: string, label?: string): LintProblem => ({
    code: "dangling-reference",
    node: at,
    message: `${label ? `${label} → ` : ""}"${to}" is not a node`,
  });
  if (!isNode(tree.start)) problems.push(dangling("start", tree.start));
  for (const [name, to] of Object.entries(tree.branches))
    if (!isNode(to)) problems.push(dangling(`branches.${name}`, to));
  for (const id of ids)
    for (const e of edgesOf(node(id))) if (!isNode(e.to)) problems.push(dangling(id, e.to, e.label));
  const next = (id: string) =>
    edgesOf(node(id))
      .map((e) => e.to)
      .filter(isNode);
  // Nodes reachable in one or more steps.
  const reach = (from: string[]) => {
    const seen: string[] = [];
    let frontier = from.flatMap(next);
    while (frontier.length) {
      const fresh = frontier.filter((id, i) => !seen.includes(id) && frontier.indexOf(id) === i);
      seen.push(...fresh);
      frontier = fresh.flatMap(next);
    }
    return seen;
  };
  const entries = [tree.start, ...Object.values(tree.branches)].filter(isNode);
  const reached = [...entries, ...reach(entries)];
  for (const id of ids)
    if (!reached.includes(id))
      problems.push({
        code: "unreachable",
        node: id,
        message: "no path from the start or any branch leads here",
      });
  const reachesEnd = (id: string) =>
    node(id).kind === "end" || reach([id]).some((to) => node(to).kind === "end");
  const done: string[] = [];
  for (const id of ids) {
    if (done.includes(id)) continue;
    const from = reach([id]);
    const group = [
      id,
      ...ids.filter((other) => other !== id && from.includes(other) && reach([other]).includes(id)),
    ];
    done.push(...group);
    const loops = group.length > 1 || next(id).includes(id);
    if (loops && !group.some(reachesEnd)) {
      const sorted = [...group].sort();
      problems.push({
        code: "cycle-without-exit",
        node: sorted[0] as string,
        message: `these nodes lead only to each other, never to an end: ${sorted.join(", ")}`,
      });
    }
  }
  for (const id of ids) {
    const n = node(id);
    const missing = (message: string) => problems.push({ code: "no-remedy", node: id, message });
    if (n.kind === "end" && n.remedy.length === 0) missing("end without remedy steps");
    if (n.kind === "question" && n.answers.length === 0) missing("question without answers");
    if (n.kind === "action" && !n.next) missing("action without next");
    if (n.kind === "probe") {
      const without = probeOutcomes.filter((o) => !n.next?.[o]);
      if (without.length) missing(`probe without next for ${without.join(", ")}`);
    }
    if (n.kind === "question")
      n.answers.forEach((a, i) => {
        if (n.answers.findIndex((b) => b.value === a.value) < i)
          problems.push({
            code: "duplicate-answer",
            node: id,
            message: `answer value "${a.value}" appears more than once`,
          });
      });
  }
  return problems;
}

/** lintTree as it was before it numbered the nodes (string-keyed Maps and Sets), unchanged. */
export function lintTreeBefore(tree: Tree): LintProblem[] {
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
function stronglyConnected(ids: string[], successors: Map<string, string[]>): string[][] {
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
