// username recover; reset, reset request, reset confirm.
import type { Command } from "commander";
import type { AppContext } from "../../context.js";
import { type Act, examples } from "../kit.js";

export function registerRecoveryCommands(program: Command, ctx: AppContext, act: Act): void {
  program
    .command("username")
    .description("a forgotten username")
    .addHelpText("after", examples("rxportal username recover --email pat@example.com"))
    .command("recover")
    .description("have the portal email the username to the address on file")
    .option("--email <e>", "the email address on the account")
    .option("--member-id <id>", "the member ID from the ID card (with --dob)")
    .option("--dob <yyyy-mm-dd>", "date of birth, with --member-id")
    .addHelpText(
      "after",
      `${examples(
        "rxportal username recover --email pat@example.com",
        "rxportal username recover --member-id SBX100001 --dob 1981-04-12",
      )}
The answer is the same whether or not an account matched: the portal does not say, so nobody
can use it to find out who has an account.
`,
    )
    .action(
      act(async (opts) => {
        const { usernameRecoverCommand } = await import("./username.js");
        return usernameRecoverCommand(ctx, opts);
      }),
    );

  // Plain `reset` is a hidden default subcommand: options on `reset` itself would swallow the
  // same options given to `reset request` and `reset confirm` (commander parses a parent's
  // options after its subcommand's name unless the whole program uses positional options).
  const reset = program
    .command("reset")
    .usage("[--username <u>] | request [options] | confirm [options]")
    .description("reset a forgotten password; a reset also unlocks a locked account")
    .addHelpText(
      "after",
      `
Plain \`rxportal reset [--username <u>]\` requests a code, then asks at the terminal for it and for
the new password. Scripts use the two steps; with both stdin flags, line 1 is the code and line 2
the new password.
${examples(
  "rxportal reset",
  "rxportal reset request --username pat.sample",
  'printf \'%s\\n%s\\n\' "$CODE" "$NEW_PW" | rxportal reset confirm --username pat.sample --code-stdin --new-password-stdin',
)}`,
    );

  reset
    .command("start", { isDefault: true, hidden: true })
    .description("request a code, then set the new password (asks at the terminal)")
    .option("--username <u>", "username (default: the profile's, or the last one used)")
    .action(
      act(async (opts) => {
        const { resetCommand } = await import("./reset.js");
        return resetCommand(ctx, opts);
      }),
    );

  reset
    .command("request")
    .description("ask the portal to send a reset code")
    .option("--username <u>", "username (default: the profile's, or the last one used)")
    .option("--member-id <id>", "or the member ID from the ID card (with --dob)")
    .option("--dob <yyyy-mm-dd>", "date of birth, with --member-id")
    .addHelpText(
      "after",
      examples(
        "rxportal reset request --username pat.sample",
        "rxportal reset request --member-id SBX100001 --dob 1981-04-12 --json",
      ),
    )
    .action(
      act(async (opts) => {
        const { resetRequestCommand } = await import("./reset-request.js");
        return resetRequestCommand(ctx, opts);
      }),
    );

  reset
    .command("confirm")
    .description("set the new password with the code; the password is checked before it is sent")
    .option("--username <u>", "username (default: the profile's, or the last one used)")
    .option("--code-stdin", "read the code from the first line of stdin")
    .option("--new-password-stdin", "read the new password from the next line of stdin")
    .addHelpText(
      "after",
      `${examples(
        "rxportal reset confirm --username pat.sample",
        'printf \'%s\\n%s\\n\' "$CODE" "$NEW_PW" | rxportal reset confirm --username pat.sample --code-stdin --new-password-stdin',
      )}
The new password must meet the portal's rules (\`GET /auth/policy\`) and be hard to guess; each
problem is named before anything is sent. Exit status: 0 changed, 1 code or password refused,
64 a prompt was needed without a terminal, 69 portal unavailable, 75 rate limited.
`,
    )
    .action(
      act(async (opts) => {
        const { resetConfirmCommand } = await import("./reset-confirm.js");
        return resetConfirmCommand(ctx, opts);
      }),
    );
}
