// `rxportal username recover`.
import type { AppContext } from "../../context.js";
import { NOTHING_ARRIVED_USERNAME, USERNAME_SENT } from "../../recovery/advice.js";
import { type IdentityFlags, usernameRecoveryIdentity } from "../../recovery/identity.js";
import { recoverUsername } from "../../recovery/username.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function usernameRecoverCommand(ctx: AppContext, flags: IdentityFlags): Promise<CommandResult> {
  const who = usernameRecoveryIdentity(flags, ctx.clock.now());
  const requested = await recoverUsername(ctx, who);
  if (ctx.globals.json) {
    printJson(ctx, { message: USERNAME_SENT, ...requested, ifNothingArrives: NOTHING_ARRIVED_USERNAME });
    return;
  }
  printLine(ctx, USERNAME_SENT);
  for (const line of NOTHING_ARRIVED_USERNAME) note(ctx, line);
  if (requested.sandboxOutbox)
    note(ctx, `Sandbox portal: the message is shown at ${requested.sandboxOutbox}`);
}
