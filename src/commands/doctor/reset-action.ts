// The tree's "start a password reset" action. At a terminal it runs the real reset inline (after
// asking); a script cannot type the code, so unattended runs only say how to do it.
import { resolveUsername } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import type { ActionSpec } from "../../doctor/engine.js";
import { CliError } from "../../errors.js";
import { resetCodeRules, resetCodeSent } from "../../recovery/advice.js";
import { confirmReset, requestReset } from "../../recovery/reset.js";
import { note } from "../../ui/output.js";

export function resetAction(ctx: AppContext): ActionSpec {
  return {
    async run({ answers }) {
      const how = 'Run `rxportal reset` at a terminal, or use "Forgot password" on the sign-in page.';
      if (!ctx.prompter.interactive) {
        return {
          status: "skipped",
          summary: `Not started here: a reset needs the code that is sent to you. ${how}`,
        };
      }
      const start = await ctx.prompter.confirm({
        message: "Start the password reset now? A code will be sent to the email or phone on your account.",
        noTty: "",
        default: true,
      });
      if (!start) return { status: "skipped", summary: `Reset not started. ${how}` };
      const profile = await ctx.profile();
      const username = answers.username || (await resolveUsername(ctx, profile));
      try {
        const requested = await requestReset(ctx, { username });
        note(ctx, resetCodeSent(requested));
        note(ctx, resetCodeRules(requested.codeTtlMinutes));
        if (requested.sandboxOutbox)
          note(ctx, `Sandbox portal: the code is shown at ${requested.sandboxOutbox}`);
        const done = await confirmReset(ctx, { username });
        return {
          status: "done",
          summary: `The password for ${done.username} is changed and the account is unlocked.`,
        };
      } catch (error) {
        // A refused code or password is an outcome of this step, not the end of the diagnosis.
        if (error instanceof CliError) {
          return {
            status: "failed",
            summary: `The reset did not finish: ${error.message}`,
            requestIds: error.requestId ? [error.requestId] : undefined,
          };
        }
        throw error;
      }
    },
  };
}
