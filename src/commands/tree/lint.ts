// `rxportal tree lint`: a thin adapter over src/doctor/tree-lint.ts.
import type { AppContext } from "../../context.js";
import { readParsedTree } from "../../doctor/tree-file.js";
import { lintTree } from "../../doctor/tree-lint.js";
import { treeLanguages } from "../../doctor/tree-shape.js";
import { ExitCode } from "../../errors.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function treeLintCommand(ctx: AppContext, file: string | undefined): Promise<CommandResult> {
  const source = await readParsedTree(file);
  const { tree, problems: textProblems } = source;
  const problems = [...textProblems, ...lintTree(tree)];
  const counts = { question: 0, probe: 0, action: 0, end: 0 };
  for (const node of Object.values(tree.nodes)) counts[node.kind]++;
  const nodes = Object.keys(tree.nodes).length;
  const branches = Object.keys(tree.branches).length;
  const languages = treeLanguages(tree);
  if (ctx.globals.json) {
    printJson(ctx, {
      file: source.name,
      ok: problems.length === 0,
      nodes,
      kinds: counts,
      branches,
      languages,
      problems,
    });
  } else if (problems.length === 0) {
    printLine(
      ctx,
      `${source.name}: OK, ${count(nodes, "node")} (${count(counts.question, "question")}, ${count(counts.probe, "probe")}, ${count(counts.action, "action")}, ${count(counts.end, "end")}), ${count(branches, "branch", "branches")}${languages.length > 1 ? `, in ${languages.join(", ")}` : ""}.`,
    );
  } else {
    // The list is the command's result (stdout, one problem per line, greppable by node id).
    for (const p of problems) printLine(ctx, `${source.name}: ${p.node}: ${p.code}: ${p.message}`);
    note(ctx, `rxportal: ${problems.length} problem${problems.length === 1 ? "" : "s"} in ${source.name}.`);
  }
  return problems.length === 0 ? ExitCode.ok : ExitCode.config;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
