// `rxportal reset confirm`.
import { resolveUsername } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { usernameFlag } from "../../recovery/identity.js";
import { confirmReset } from "../../recovery/reset.js";
import { note, printJson } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { doneDocument, tellDone } from "./shared.js";

export interface ResetConfirmFlags {
  username?: string;
  codeStdin?: boolean;
  newPasswordStdin?: boolean;
}

export async function resetConfirmCommand(ctx: AppContext, flags: ResetConfirmFlags): Promise<CommandResult> {
  const profile = await ctx.profile();
  const username = await resolveUsername(ctx, profile, usernameFlag(flags.username));
  if (flags.username === undefined && !ctx.globals.json) {
    note(ctx, `Setting a new password for ${username} on ${profile.name}.`);
  }
  const done = await confirmReset(ctx, { ...flags, username });
  if (ctx.globals.json) {
    printJson(ctx, doneDocument(done));
    return;
  }
  tellDone(ctx, done);
}
