// Plain `rxportal reset`: request a code, then ask for it and the new password at the terminal.
import { resolveUsername } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { NOTHING_ARRIVED_CODE, PUBLIC_COMPUTER } from "../../recovery/advice.js";
import { usernameFlag } from "../../recovery/identity.js";
import { confirmReset, requestReset, requireTerminalForFullReset } from "../../recovery/reset.js";
import { note, printJson } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { confirmStep, doneDocument, requestDocument, tellDone, tellRequested } from "./shared.js";

/** The whole flow at a terminal: request a code, then ask for it and for the new password. */
export async function resetCommand(ctx: AppContext, flags: { username?: string }): Promise<CommandResult> {
  // Before anything is sent: a script must not trigger a code it has no way to type.
  requireTerminalForFullReset(ctx);
  const profile = await ctx.profile();
  const username = await resolveUsername(ctx, profile, usernameFlag(flags.username));
  note(ctx, PUBLIC_COMPUTER);
  const requested = await requestReset(ctx, { username });
  tellRequested(ctx, requested, (line) => note(ctx, line));
  note(ctx, NOTHING_ARRIVED_CODE[0] ?? "");
  const done = await confirmReset(ctx, { username });
  if (ctx.globals.json) {
    printJson(ctx, { request: requestDocument(requested, confirmStep(username)), ...doneDocument(done) });
    return;
  }
  tellDone(ctx, done);
}
