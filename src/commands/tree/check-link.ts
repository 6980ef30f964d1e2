// `rxportal check-link`: a thin adapter over src/doctor/check-link.ts.
import type { AppContext } from "../../context.js";
import { checkLink, describeVerdict, UnparsableLinkError } from "../../doctor/check-link.js";
import { ExitCode, UsageError } from "../../errors.js";
import { printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

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
