// `rxportal config show`: the profile in force after flags, environment, file and built-ins.
import type { AppContext } from "../../context.js";
import { printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function configShowCommand(ctx: AppContext): Promise<CommandResult> {
  const config = await ctx.config();
  const profile = await ctx.profile();
  const shown = {
    file: config.exists ? config.file : null,
    profile: profile.name,
    source: profile.source,
    baseUrl: profile.baseUrl,
    officialHosts: profile.officialHosts,
    username: profile.username ?? null,
    timeoutMs: profile.timeoutMs,
    paths: profile.paths,
    contacts: profile.contacts.contacts.length,
    auth: profile.auth ?? { type: "portal" },
  };
  if (ctx.globals.json) {
    printJson(ctx, shown);
    return;
  }
  for (const [key, value] of Object.entries(shown)) {
    printLine(ctx, `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
}
