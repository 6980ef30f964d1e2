// username recover; reset, reset request, reset confirm: the table's entries (src/commands/table.ts).
import type { CommandSpec } from "../kit.js";

const usernameOption = {
  flags: "--username <u>",
  description: "username (default: the profile's, or the last one used)",
} as const;

export const username: CommandSpec = {
  name: "username",
  summary: "a forgotten username",
  examples: ["rxportal username recover --email pat@example.com"],
  commands: [
    {
      name: "recover",
      summary: "have the portal email the username to the address on file",
      options: [
        { flags: "--email <e>", description: "the email address on the account" },
        { flags: "--member-id <id>", description: "the member ID from the ID card (with --dob)" },
        { flags: "--dob <yyyy-mm-dd>", description: "date of birth, with --member-id" },
      ],
      examples: [
        "rxportal username recover --email pat@example.com",
        "rxportal username recover --member-id SBX100001 --dob 1981-04-12",
      ],
      notes: `The answer is the same whether or not an account matched: the portal does not say, so nobody
can use it to find out who has an account.
`,
      flags: () => import("./flags.js").then((f) => f.usernameRecover),
      handler: () =>
        import("./username.js").then(
          (m) =>
            (ctx, { opts }) =>
              m.usernameRecoverCommand(ctx, opts),
        ),
    },
  ],
};

// Plain `reset` is a hidden default subcommand: options on `reset` itself would swallow the
// same options given to `reset request` and `reset confirm` (commander parses a parent's
// options after its subcommand's name unless the whole program uses positional options).
export const reset: CommandSpec = {
  name: "reset",
  usage: "[--username <u>] | request [options] | confirm [options]",
  summary: "reset a forgotten password; a reset also unlocks a locked account",
  intro: `
Plain \`rxportal reset [--username <u>]\` requests a code, then asks at the terminal for it and for
the new password. Scripts use the two steps; with both stdin flags, line 1 is the code and line 2
the new password.
`,
  examples: [
    "rxportal reset",
    "rxportal reset request --username pat.sample",
    'printf \'%s\\n%s\\n\' "$CODE" "$NEW_PW" | rxportal reset confirm --username pat.sample --code-stdin --new-password-stdin',
  ],
  commands: [
    {
      name: "start",
      isDefault: true,
      hidden: true,
      summary: "request a code, then set the new password (asks at the terminal)",
      options: [usernameOption],
      flags: () => import("./flags.js").then((f) => f.resetStart),
      handler: () =>
        import("./reset.js").then(
          (m) =>
            (ctx, { opts }) =>
              m.resetCommand(ctx, opts),
        ),
    },
    {
      name: "request",
      summary: "ask the portal to send a reset code",
      options: [
        usernameOption,
        { flags: "--member-id <id>", description: "or the member ID from the ID card (with --dob)" },
        { flags: "--dob <yyyy-mm-dd>", description: "date of birth, with --member-id" },
      ],
      examples: [
        "rxportal reset request --username pat.sample",
        "rxportal reset request --member-id SBX100001 --dob 1981-04-12 --json",
      ],
      flags: () => import("./flags.js").then((f) => f.resetRequest),
      handler: () =>
        import("./reset-request.js").then(
          (m) =>
            (ctx, { opts }) =>
              m.resetRequestCommand(ctx, opts),
        ),
    },
    {
      name: "confirm",
      summary: "set the new password with the code; the password is checked before it is sent",
      options: [
        usernameOption,
        { flags: "--code-stdin", description: "read the code from the first line of stdin" },
        { flags: "--new-password-stdin", description: "read the new password from the next line of stdin" },
      ],
      examples: [
        "rxportal reset confirm --username pat.sample",
        'printf \'%s\\n%s\\n\' "$CODE" "$NEW_PW" | rxportal reset confirm --username pat.sample --code-stdin --new-password-stdin',
      ],
      notes: `The new password must meet the portal's rules (\`GET /auth/policy\`) and be hard to guess; each
problem is named before anything is sent. Exit status: 0 changed, 1 code or password refused,
64 a prompt was needed without a terminal, 69 portal unavailable, 75 rate limited.
`,
      flags: () => import("./flags.js").then((f) => f.resetConfirm),
      handler: () =>
        import("./reset-confirm.js").then(
          (m) =>
            (ctx, { opts }) =>
              m.resetConfirmCommand(ctx, opts),
        ),
    },
  ],
};
