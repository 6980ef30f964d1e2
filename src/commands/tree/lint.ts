// `rxportal tree lint`, `tree export` and `check-link`: thin adapters over src/doctor/.
import type { AppContext } from "../../context.js";
import { checkLink, describeVerdict, UnparsableLinkError } from "../../doctor/check-link.js";
import { type ExportFormat, exportTree } from "../../doctor/tree-export.js";
import { readParsedTree } from "../../doctor/tree-file.js";
import { lintTree } from "../../doctor/tree-lint.js";
import { ExitCode, UsageError } from "../../errors.js";
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
  if (ctx.globals.json) {
    printJson(ctx, {
      file: source.name,
      ok: problems.length === 0,
      nodes,
      kinds: counts,
      branches,
      problems,
    });
  } else if (problems.length === 0) {
    printLine(
      ctx,
      `${source.name}: OK, ${count(nodes, "node")} (${count(counts.question, "question")}, ${count(counts.probe, "probe")}, ${count(counts.action, "action")}, ${count(counts.end, "end")}), ${count(branches, "branch", "branches")}.`,
    );
  } else {
    // The list is the command's result (stdout, one problem per line, greppable by node id).
    for (const p of problems) printLine(ctx, `${source.name}: ${p.node}: ${p.code}: ${p.message}`);
    note(ctx, `rxportal: ${problems.length} problem${problems.length === 1 ? "" : "s"} in ${source.name}.`);
  }
  return problems.length === 0 ? ExitCode.ok : ExitCode.config;
}

export async function treeExportCommand(
  ctx: AppContext,
  file: string | undefined,
  format: ExportFormat,
): Promise<CommandResult> {
  const source = await readParsedTree(file);
  const { tree, problems } = source;
  const all = [...problems, ...lintTree(tree)];
  if (all.length) {
    note(
      ctx,
      `rxportal: ${source.name} has ${all.length} lint problem(s); run \`rxportal tree lint\` to list them.`,
    );
  }
  ctx.io.stdout.write(exportTree(tree, format));
  return ExitCode.ok;
}

export async function checkLinkCommand(ctx: AppContext, url: string): Promise<CommandResult> {
  const profile = await ctx.profile();
  let verdict: Awaited<ReturnType<typeof checkLink>>;
  try {
    verdict = await checkLink(url, profile.officialHosts);
  } catch (error) {
    if (error instanceof UnparsableLinkError) throw new UsageError(error.message);
    throw error;
  }
  if (ctx.globals.json) {
    printJson(ctx, { ...verdict, profile: profile.name, officialHosts: profile.officialHosts });
  } else {
    for (const line of describeVerdict(verdict, profile.name, profile.officialHosts)) printLine(ctx, line);
  }
  return verdict.safe ? ExitCode.ok : ExitCode.refused;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
