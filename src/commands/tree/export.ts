// `rxportal tree export`: a thin adapter over src/doctor/tree-export.ts.
import type { AppContext } from "../../context.js";
import { type ExportFormat, exportTree } from "../../doctor/tree-export.js";
import { readParsedTree } from "../../doctor/tree-file.js";
import { lintTree } from "../../doctor/tree-lint.js";
import { localizeTree } from "../../doctor/tree-localize.js";
import { ExitCode } from "../../errors.js";
import { type Lang, resolveLang } from "../../i18n/lang.js";
import { note } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function treeExportCommand(
  ctx: AppContext,
  file: string | undefined,
  format: ExportFormat,
  lang?: Lang,
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
  // One language per drawing; JSON too, so that it is the tree the doctor walks in that language.
  const language = lang ?? resolveLang({ flag: ctx.globals.lang, env: ctx.env });
  ctx.io.stdout.write(exportTree(localizeTree(tree, language), format));
  return ExitCode.ok;
}
