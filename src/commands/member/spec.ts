// orders (list, show), auto-refill, id-card: what a signed-in member does with their prescriptions.
import type { Command } from "commander";
import type { AppContext } from "../../context.js";
import { type Act, examples } from "../kit.js";

/** --username, --password-stdin, --password-file: used only when no kept session answers. */
function withSessionFlags(command: Command): Command {
  return command
    .option("--username <u>", "whose session (default: the profile's, or the last one used)")
    .option("--password-stdin", "if a sign-in is needed, read the password from the first line of stdin")
    .option(
      "--password-file <file>",
      "if a sign-in is needed, read the password from a file only you can read",
    );
}

export function registerMemberCommands(program: Command, ctx: AppContext, act: Act): void {
  const orders = program
    .command("orders")
    .description("refill orders: where they are, and their tracking numbers")
    .addHelpText(
      "after",
      examples("rxportal orders", "rxportal orders --all", "rxportal orders show ORD-200101 --json"),
    );

  withSessionFlags(
    orders
      .command("list", { isDefault: true })
      .description("your orders, newest first (or one dependent's, or the whole family's)")
      .option("--member <id>", "a dependent's orders (member id from `rxportal whoami`)")
      .option("--all", "your orders and every dependent's"),
  )
    .addHelpText(
      "after",
      examples(
        "rxportal orders list",
        "rxportal orders list --member SBX100001-01",
        "rxportal orders --all --plain",
      ),
    )
    .action(
      act(async (opts) => {
        const { ordersListCommand } = await import("./orders-list.js");
        return ordersListCommand(ctx, opts);
      }),
    );

  withSessionFlags(
    orders
      .command("show")
      .argument("<orderId>", "the order number, e.g. ORD-200101")
      .description("one order: status in words, items, progress and tracking"),
  )
    .addHelpText(
      "after",
      examples("rxportal orders show ORD-200101", "rxportal orders show ORD-200101 --json"),
    )
    .action(
      act(async (orderId: string, opts) => {
        const { orderShowCommand } = await import("./orders-show.js");
        return orderShowCommand(ctx, orderId, opts);
      }),
    );

  withSessionFlags(
    program
      .command("auto-refill")
      .argument("<rxId>", "the prescription number, e.g. RX-100101 (`rxportal refill list` shows them)")
      .argument("<on|off>", "on: the pharmacy refills it when due; off: you order refills yourself")
      .description("turn automatic refills on or off for one prescription")
      .option("--member <id>", "check that the prescription is this member's before changing it"),
  )
    .addHelpText(
      "after",
      `${examples("rxportal auto-refill RX-100101 on", "rxportal auto-refill RX-100105 off --member SBX100001-01 --json")}
Exit status: 0 when changed; 1 when there is no such prescription or it cannot refill automatically
(expired, or no refills left: ask the prescriber for a new prescription); 64 for a word other than on or off.
`,
    )
    .action(
      act(async (rxId: string, onOff: string, opts) => {
        const { autoRefillCommand } = await import("./auto-refill.js");
        return autoRefillCommand(ctx, rxId, onOff, opts);
      }),
    );

  withSessionFlags(
    program
      .command("id-card")
      .description("the digital prescription ID card (BIN, PCN, group) to show at the pharmacy")
      .option("--member <id>", "a dependent's card (member id from `rxportal whoami`)")
      .option("--save", "also keep an offline copy on this computer (only you can read it)")
      .option("--offline", "show the saved copy without contacting the portal"),
  )
    .addHelpText(
      "after",
      `${examples(
        "rxportal id-card --save",
        "rxportal id-card --member SBX100001-02 --plain",
        "rxportal id-card --offline",
      )}
The card is health information: it is printed on stdout only. A saved copy may be out of date
(a new plan year can change the group or BIN); --offline says when it was saved.
`,
    )
    .action(
      act(async (opts) => {
        const { idCardCommand } = await import("./id-card.js");
        return idCardCommand(ctx, opts);
      }),
    );
}
