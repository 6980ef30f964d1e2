// `rxportal register`: the table's entry (src/commands/table.ts).
import type { CommandSpec } from "../kit.js";

export const register: CommandSpec = {
  name: "register",
  summary: "create an online account (member ID or SSN, username, password, an emailed code)",
  options: [
    { flags: "--first-name <name>", description: "first name, as on the member ID card" },
    { flags: "--last-name <name>", description: "last name, as on the member ID card" },
    { flags: "--dob <yyyy-mm-dd>", description: "date of birth" },
    { flags: "--member-id <id>", description: "the member ID from the ID card (or --ssn-stdin)" },
    {
      flags: "--ssn-stdin",
      description: "read the Social Security number from the first line of stdin (instead of --member-id)",
    },
    { flags: "--username <u>", description: "the username to create" },
    { flags: "--email <e>", description: "email address; the code that confirms the account goes there" },
    { flags: "--phone <p>", description: "mobile phone number (optional)" },
    { flags: "--password-stdin", description: "read the password from the next line of stdin" },
    {
      flags: "--code-stdin",
      description: "read the emailed code from the next line of stdin, once the portal has sent it",
    },
    // Only so that a secret given on the command line is refused with a clear message.
    { flags: "--ssn <ssn>", description: "refused: use --ssn-stdin or the prompt", hidden: true },
    { flags: "--password <pw>", description: "refused: use --password-stdin or the prompt", hidden: true },
  ],
  intro: `
Asks at the terminal for whatever the options leave out; the SSN and the password are typed
masked. Scripts and help desks give every detail as options and the secrets on stdin, one per
line, in this order: the SSN (with --ssn-stdin), the password (with --password-stdin), then the
emailed code (with --code-stdin), which is read only after the portal has sent it.
`,
  examples: [
    "rxportal register",
    "rxportal register --sandbox --member-id SBX300001",
    // A help desk on the phone: the secrets go in first, then the agent types the code the member reads out.
    '{ printf \'%s\\n%s\\n\' "$SSN" "$PW"; read -r CODE </dev/tty; echo "$CODE"; } | rxportal register --first-name Sam --last-name Newcomer --dob 1990-07-21 --ssn-stdin --username sam.newcomer --email sam@example.com --password-stdin --code-stdin --json',
  ],
  notes: `The password must meet the portal's rules and be hard to guess; names, the date of birth and the
username are refused in it, and every problem is named before anything is sent. The SSN is never
shown (at most its last four digits), logged or kept. Exit status: 0 registered, 1 refused
(already registered, username taken, not eligible, password or code refused), 64 a detail or a
terminal was missing, 69 portal unavailable or registering only on its website, 75 rate limited.
`,
  flags: () => import("./flags.js").then((f) => f.register),
  handler: () =>
    import("./register.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.registerCommand(ctx, opts),
    ),
};
