// refill list, refill order, refill pending.
import type { Command } from "commander";
import type { AppContext } from "../../context.js";
import { type Act, examples } from "../kit.js";

function sessionFlags(command: Command): Command {
  return command
    .option("--username <u>", "username (default: the profile's, or the last one used)")
    .option("--password-stdin", "if a sign-in is needed, read the password from the first line of stdin")
    .option(
      "--password-file <file>",
      "if a sign-in is needed, read the password from a file only you can read",
    );
}

export function registerRefillCommands(program: Command, ctx: AppContext, act: Act): void {
  const refill = program
    .command("refill")
    .description(
      "list refillable prescriptions (self and dependents), order refills exactly once, finish interrupted orders",
    )
    .addHelpText(
      "after",
      examples("rxportal refill list", "rxportal refill order RX-100101", "rxportal refill pending"),
    );

  sessionFlags(
    refill
      .command("list")
      .description("prescriptions of you and your dependents: status, refills left, next eligible date")
      .option("--member <id>", "only this member (yourself or a dependent)"),
  )
    .addHelpText(
      "after",
      examples(
        "rxportal refill list",
        "rxportal refill list --member SBX100001-01",
        "rxportal refill list --json",
      ),
    )
    .action(
      act(async (opts) => {
        const { refillListCommand } = await import("./list.js");
        return refillListCommand(ctx, opts);
      }),
    );

  sessionFlags(
    refill
      .command("order")
      .description("order refills once: journalled before sending, retried with the same key, never doubled")
      .argument("<rxId...>", "prescription ids, as `rxportal refill list` shows them")
      .option("--member <id>", "the member the prescriptions belong to (default: found from the ids)")
      .option("--yes", "do not ask for confirmation (needed without a terminal)")
      .option(
        "--again",
        "order even though the same prescriptions were ordered in the last 10 minutes (else that order is shown)",
      ),
  )
    .addHelpText(
      "after",
      `${examples(
        "rxportal refill order RX-100101",
        "rxportal refill order RX-100105 --member SBX100001-01 --yes",
        "rxportal refill order RX-100101 --yes --json",
      )}
The same prescriptions ordered in the last 10 minutes are not ordered again: that order is shown
(exit 0); --again orders once more. Two runs at once (a double click, a cron job twice) make one
order: the second waits for the first and shows its order.
Exit status: 0 ordered (or already ordered), 1 refused by the portal, 64 no terminal and no --yes,
69 not confirmed (the order is kept; \`rxportal refill pending\` finishes it: do not order again),
75 another rxportal is ordering for this member right now, 77 sign in again.
`,
    )
    .action(
      act(async (rxIds: string[], opts) => {
        const { refillOrderCommand } = await import("./order.js");
        return refillOrderCommand(ctx, rxIds, opts);
      }),
    );

  sessionFlags(
    refill
      .command("pending")
      .description("finish refill orders an earlier run left unconfirmed, each with its own key"),
  )
    .addHelpText(
      "after",
      `${examples("rxportal refill pending", "rxportal refill pending --json")}
Exit status: 0 when every unfinished order is settled (ordered or refused), 69 when some are still
not confirmed, 77 when the portal asks to sign in again.
`,
    )
    .action(
      act(async (opts) => {
        const { refillPendingCommand } = await import("./pending.js");
        return refillPendingCommand(ctx, opts);
      }),
    );
}
