// orders (list, show), auto-refill, id-card: what a signed-in member does with their prescriptions.
// The table's entries (src/commands/table.ts).
import type { CommandSpec, OptionSpec } from "../kit.js";

/** --username, --password-stdin, --password-file: used only when no kept session answers. */
const sessionOptions: readonly OptionSpec[] = [
  { flags: "--username <u>", description: "whose session (default: the profile's, or the last one used)" },
  {
    flags: "--password-stdin",
    description: "if a sign-in is needed, read the password from the first line of stdin",
  },
  {
    flags: "--password-file <file>",
    description: "if a sign-in is needed, read the password from a file only you can read",
  },
];

export const orders: CommandSpec = {
  name: "orders",
  summary: "refill orders: where they are, and their tracking numbers",
  examples: ["rxportal orders", "rxportal orders --all", "rxportal orders show ORD-200101 --json"],
  commands: [
    {
      name: "list",
      isDefault: true,
      summary: "your orders, newest first (or one dependent's, or the whole family's)",
      options: [
        { flags: "--member <id>", description: "a dependent's orders (member id from `rxportal whoami`)" },
        { flags: "--all", description: "your orders and every dependent's" },
        ...sessionOptions,
      ],
      examples: [
        "rxportal orders list",
        "rxportal orders list --member SBX100001-01",
        "rxportal orders --all --plain",
      ],
      flags: () => import("./flags.js").then((f) => f.ordersList),
      handler: () =>
        import("./orders-list.js").then(
          (m) =>
            (ctx, { opts }) =>
              m.ordersListCommand(ctx, opts),
        ),
    },
    {
      name: "show",
      arguments: [{ name: "<orderId>", description: "the order number, e.g. ORD-200101" }],
      summary: "one order: status in words, items, progress and tracking",
      options: sessionOptions,
      examples: ["rxportal orders show ORD-200101", "rxportal orders show ORD-200101 --json"],
      flags: () => import("./flags.js").then((f) => f.ordersShow),
      handler: () =>
        import("./orders-show.js").then(
          (m) =>
            (ctx, { args, opts }) =>
              m.orderShowCommand(ctx, args[0] as string, opts),
        ),
    },
  ],
};

export const autoRefill: CommandSpec = {
  name: "auto-refill",
  arguments: [
    {
      name: "<rxId>",
      description: "the prescription number, e.g. RX-100101 (`rxportal refill list` shows them)",
    },
    {
      name: "<on|off>",
      description: "on: the pharmacy refills it when due; off: you order refills yourself",
    },
  ],
  summary: "turn automatic refills on or off for one prescription",
  options: [
    {
      flags: "--member <id>",
      description: "check that the prescription is this member's before changing it",
    },
    ...sessionOptions,
  ],
  examples: [
    "rxportal auto-refill RX-100101 on",
    "rxportal auto-refill RX-100105 off --member SBX100001-01 --json",
  ],
  notes: `Exit status: 0 when changed; 1 when there is no such prescription or it cannot refill automatically
(expired, or no refills left: ask the prescriber for a new prescription); 64 for a word other than on or off.
`,
  flags: () => import("./flags.js").then((f) => f.autoRefill),
  handler: () =>
    import("./auto-refill.js").then(
      (m) =>
        (ctx, { args, opts }) =>
          m.autoRefillCommand(ctx, args[0] as string, args[1] as string, opts),
    ),
};

export const idCard: CommandSpec = {
  name: "id-card",
  summary: "the digital prescription ID card (BIN, PCN, group) to show at the pharmacy",
  options: [
    { flags: "--member <id>", description: "a dependent's card (member id from `rxportal whoami`)" },
    { flags: "--save", description: "also keep an offline copy on this computer (only you can read it)" },
    { flags: "--offline", description: "show the saved copy without contacting the portal" },
    ...sessionOptions,
  ],
  examples: [
    "rxportal id-card --save",
    "rxportal id-card --member SBX100001-02 --plain",
    "rxportal id-card --offline",
  ],
  notes: `The card is health information: it is printed on stdout only. A saved copy may be out of date
(a new plan year can change the group or BIN); --offline says when it was saved.
`,
  flags: () => import("./flags.js").then((f) => f.idCard),
  handler: () =>
    import("./id-card.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.idCardCommand(ctx, opts),
    ),
};

export const kit: CommandSpec = {
  name: "kit",
  summary: "the emergency kit: ID card and medication list kept offline, for a pharmacy when sign-in fails",
  options: [
    {
      flags: "--save",
      description: "ask the portal now and keep the kit on this computer (only you can read it)",
    },
    { flags: "--member <id>", description: "a dependent's kit (member id from `rxportal whoami`)" },
    {
      flags: "--out <file.html>",
      description: "also write the kit as one printable web page (only you can read it)",
    },
    ...sessionOptions,
  ],
  examples: [
    "rxportal kit --save",
    "rxportal kit",
    "rxportal kit --out kit.html",
    "rxportal kit --member SBX100001-02 --plain",
  ],
  notes: `Without --save, kit never contacts the portal: it shows the saved kit and the day it was saved, so it
works when the portal is down or sign-in fails. A pharmacist can see what you take from it; many states let
a pharmacist give a short emergency supply of a regular medicine (ask). The kit is health information: it is
printed on stdout only. kit --save also refreshes the ID card copy that \`id-card --offline\` shows.
Exit status: 0 when shown; 1 when no kit was saved (or it cannot be read); with --save also 69 when the portal
cannot be reached, 75 try later, 77 not signed in: the message then names a kit saved earlier, if there is one.
`,
  flags: () => import("./flags.js").then((f) => f.kit),
  handler: () =>
    import("./kit.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.kitCommand(ctx, opts),
    ),
};
