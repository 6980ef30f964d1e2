// `rxportal profiles`: the portal profiles, marking the one in force.
import { listProfiles } from "../../config/load.js";
import type { AppContext } from "../../context.js";
import { printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function profilesCommand(ctx: AppContext): Promise<CommandResult> {
  const list = listProfiles(await ctx.config(), {
    flag: ctx.globals.profile,
    env: ctx.env,
    timeoutMs: ctx.globals.timeout,
  });
  if (ctx.globals.json) {
    printJson(
      ctx,
      list.map(({ profile, isDefault }) => ({
        name: profile.name,
        baseUrl: profile.baseUrl,
        source: profile.source,
        inForce: isDefault,
      })),
    );
    return;
  }
  for (const { profile, isDefault } of list) {
    printLine(ctx, `${isDefault ? "* " : "  "}${profile.name}  ${profile.baseUrl}  (${profile.source})`);
  }
}
