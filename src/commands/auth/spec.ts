// login, logout, whoami, keychain status: the table's entries (src/commands/table.ts).
import type { CommandSpec } from "../kit.js";

export const login: CommandSpec = {
  name: "login",
  summary: "sign in (with the second step if the portal asks) and keep the session in the keychain",
  options: [
    { flags: "--username <u>", description: "username (default: the profile's, or the last one used)" },
    {
      flags: "--password-stdin",
      description: "read the password from the first line of stdin (a sign-in code from the next)",
    },
    {
      flags: "--password-file <file>",
      description: "read the password from a file only you can read (for unattended use)",
    },
    { flags: "--remember", description: "also keep the password in the OS keychain" },
    {
      flags: "--force",
      description: "sign in even though the lockout guard says one more failure would lock the account",
    },
    {
      flags: "--web",
      description:
        "OIDC profiles: sign in in a browser on this computer (PKCE, loopback redirect) instead of with a code",
    },
    {
      flags: "--no-browser",
      description: "with --web: only print the address to open, do not start a browser (also BROWSER=none)",
    },
  ],
  examples: [
    "rxportal login",
    "rxportal login --profile acme-oidc --web",
    "rxportal login --username pat.sample --remember",
    "printf '%s\\n' \"$PW\" | rxportal login --username monitor --password-stdin",
  ],
  flags: () => import("./flags.js").then((f) => f.login),
  handler: () =>
    import("./login.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.loginCommand(ctx, opts),
    ),
};

export const logout: CommandSpec = {
  name: "logout",
  summary: "sign out and remove the kept session",
  options: [
    { flags: "--username <u>", description: "whose session (default: the last one used)" },
    { flags: "--forget", description: "also remove the remembered password and username" },
    {
      flags: "--all",
      description: "every profile and every member kept on this machine (a shared computer)",
    },
  ],
  examples: ["rxportal logout", "rxportal logout --forget", "rxportal logout --all --forget"],
  flags: () => import("./flags.js").then((f) => f.logout),
  handler: () =>
    import("./logout.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.logoutCommand(ctx, opts),
    ),
};

export const whoami: CommandSpec = {
  name: "whoami",
  summary: "who is signed in on this profile, with their dependents",
  options: [{ flags: "--username <u>", description: "whose session (default: the last one used)" }],
  examples: ["rxportal whoami", "rxportal whoami --json"],
  flags: () => import("./flags.js").then((f) => f.whoami),
  handler: () =>
    import("./whoami.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.whoamiCommand(ctx, opts),
    ),
};

export const keychain: CommandSpec = {
  name: "keychain",
  summary: "the credential store in use",
  commands: [
    {
      name: "status",
      summary:
        "which keychain backend answers, whether what it keeps survives a reboot, and who has something kept (names only)",
      examples: ["rxportal keychain status", "rxportal keychain status --json"],
      handler: () => import("../keychain/status.js").then((m) => (ctx) => m.keychainStatusCommand(ctx)),
    },
  ],
};
