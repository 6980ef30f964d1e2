// `rxportal reset request`.
import { resolveUsername } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { NOTHING_ARRIVED_CODE, PUBLIC_COMPUTER, SECURITY_QUESTIONS } from "../../recovery/advice.js";
import { type IdentityFlags, resetIdentity } from "../../recovery/identity.js";
import { requestReset } from "../../recovery/reset.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { confirmStep, requestDocument, tellRequested } from "./shared.js";

export interface ResetRequestFlags extends IdentityFlags {
  username?: string;
}

export async function resetRequestCommand(ctx: AppContext, flags: ResetRequestFlags): Promise<CommandResult> {
  const who =
    resetIdentity(flags, ctx.clock.now()) ??
    ({ username: await resolveUsername(ctx, await ctx.profile()) } as const);
  const requested = await requestReset(ctx, who);
  const username = "username" in who ? who.username : undefined;
  const next = confirmStep(username);
  if (ctx.globals.json) {
    printJson(ctx, requestDocument(requested, next));
    return;
  }
  tellRequested(ctx, requested, (line) => printLine(ctx, line));
  note(ctx, `Next, with the code: \`${next}\`.`);
  if (username === undefined) note(ctx, "Forgotten the username too? `rxportal username recover`.");
  for (const line of NOTHING_ARRIVED_CODE) note(ctx, line);
  note(ctx, SECURITY_QUESTIONS);
  note(ctx, PUBLIC_COMPUTER);
}
