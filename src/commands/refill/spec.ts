// refill list, refill order, refill pending: the table's entries (src/commands/table.ts).
import type { CommandSpec, OptionSpec } from "../kit.js";

const sessionOptions: readonly OptionSpec[] = [
  { flags: "--username <u>", description: "username (default: the profile's, or the last one used)" },
  {
    flags: "--password-stdin",
    description: "if a sign-in is needed, read the password from the first line of stdin",
  },
  {
    flags: "--password-file <file>",
    description: "if a sign-in is needed, read the password from a file only you can read",
  },
];

export const refill: CommandSpec = {
  name: "refill",
  summary:
    "list refillable prescriptions (self and dependents), order refills exactly once, finish interrupted orders",
  examples: ["rxportal refill list", "rxportal refill order RX-100101", "rxportal refill pending"],
  commands: [
    {
      name: "list",
      summary: "prescriptions of you and your dependents: status, refills left, next eligible date",
      options: [
        { flags: "--member <id>", description: "only this member (yourself or a dependent)" },
        ...sessionOptions,
      ],
      examples: [
        "rxportal refill list",
        "rxportal refill list --member SBX100001-01",
        "rxportal refill list --json",
      ],
      flags: () => import("./flags.js").then((f) => f.list),
      handler: () =>
        import("./list.js").then(
          (m) =>
            (ctx, { opts }) =>
              m.refillListCommand(ctx, opts),
        ),
    },
    {
      name: "order",
      summary: "order refills once: journalled before sending, retried with the same key, never doubled",
      arguments: [
        { name: "<rxId...>", description: "prescription ids, as `rxportal refill list` shows them" },
      ],
      options: [
        {
          flags: "--member <id>",
          description: "the member the prescriptions belong to (default: found from the ids)",
        },
        { flags: "--yes", description: "do not ask for confirmation (needed without a terminal)" },
        {
          flags: "--again",
          description:
            "order even though the same prescriptions were ordered in the last 10 minutes (else that order is shown)",
        },
        ...sessionOptions,
      ],
      examples: [
        "rxportal refill order RX-100101",
        "rxportal refill order RX-100105 --member SBX100001-01 --yes",
        "rxportal refill order RX-100101 --yes --json",
      ],
      notes: `The same prescriptions ordered in the last 10 minutes are not ordered again: that order is shown
(exit 0); --again orders once more. Two runs at once (a double click, a cron job twice) make one
order: the second waits for the first and shows its order.
Exit status: 0 ordered (or already ordered), 1 refused by the portal, 64 no terminal and no --yes,
69 not confirmed (the order is kept; \`rxportal refill pending\` finishes it: do not order again),
75 another rxportal is ordering for this member right now, 77 sign in again.
`,
      flags: () => import("./flags.js").then((f) => f.order),
      handler: () =>
        import("./order.js").then(
          (m) =>
            (ctx, { args, opts }) =>
              m.refillOrderCommand(ctx, args[0] as string[], opts),
        ),
    },
    {
      name: "pending",
      summary: "finish refill orders an earlier run left unconfirmed, each with its own key",
      options: sessionOptions,
      examples: ["rxportal refill pending", "rxportal refill pending --json"],
      notes: `Exit status: 0 when every unfinished order is settled (ordered or refused), 69 when some are still
not confirmed, 77 when the portal asks to sign in again.
`,
      flags: () => import("./flags.js").then((f) => f.pending),
      handler: () =>
        import("./pending.js").then(
          (m) =>
            (ctx, { opts }) =>
              m.refillPendingCommand(ctx, opts),
        ),
    },
  ],
};
