// login, logout, whoami, keychain status.
import type { Command } from "commander";
import type { AppContext } from "../../context.js";
import { type Act, examples } from "../kit.js";

export function registerAuthCommands(program: Command, ctx: AppContext, act: Act): void {
  program
    .command("login")
    .description("sign in (with the second step if the portal asks) and keep the session in the keychain")
    .option("--username <u>", "username (default: the profile's, or the last one used)")
    .option(
      "--password-stdin",
      "read the password from the first line of stdin (a sign-in code from the next)",
    )
    .option("--password-file <file>", "read the password from a file only you can read (for unattended use)")
    .option("--remember", "also keep the password in the OS keychain")
    .option("--force", "sign in even though the lockout guard says one more failure would lock the account")
    .addHelpText(
      "after",
      examples(
        "rxportal login",
        "rxportal login --username pat.sample --remember",
        "printf '%s\\n' \"$PW\" | rxportal login --username monitor --password-stdin",
      ),
    )
    .action(
      act(async (opts) => {
        const { loginCommand } = await import("./login.js");
        return loginCommand(ctx, opts);
      }),
    );

  program
    .command("logout")
    .description("sign out and remove the kept session")
    .option("--username <u>", "whose session (default: the last one used)")
    .option("--forget", "also remove the remembered password and username")
    .option("--all", "every profile and every member kept on this machine (a shared computer)")
    .addHelpText(
      "after",
      examples("rxportal logout", "rxportal logout --forget", "rxportal logout --all --forget"),
    )
    .action(
      act(async (opts) => {
        const { logoutCommand } = await import("./logout.js");
        return logoutCommand(ctx, opts);
      }),
    );

  program
    .command("whoami")
    .description("who is signed in on this profile, with their dependents")
    .option("--username <u>", "whose session (default: the last one used)")
    .addHelpText("after", examples("rxportal whoami", "rxportal whoami --json"))
    .action(
      act(async (opts) => {
        const { whoamiCommand } = await import("./whoami.js");
        return whoamiCommand(ctx, opts);
      }),
    );

  program
    .command("keychain")
    .description("the credential store in use")
    .command("status")
    .description(
      "which keychain backend answers, whether what it keeps survives a reboot, and who has something kept (names only)",
    )
    .addHelpText("after", examples("rxportal keychain status", "rxportal keychain status --json"))
    .action(
      act(async () => {
        const { keychainStatusCommand } = await import("../keychain/status.js");
        return keychainStatusCommand(ctx);
      }),
    );
}
