// `rxportal config path`: the config file in use and whether it exists.
import type { AppContext } from "../../context.js";
import { printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function configPathCommand(ctx: AppContext): Promise<CommandResult> {
  const location = await ctx.locateConfig();
  const { access } = await import("node:fs/promises");
  const exists = await access(location.file).then(
    () => true,
    () => false,
  );
  if (ctx.globals.json) printJson(ctx, { ...location, exists });
  else
    printLine(
      ctx,
      `${location.file}${exists ? "" : " (does not exist yet; built-in profiles are in force)"}`,
    );
  return undefined;
}
