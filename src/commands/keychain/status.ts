import type { AppContext } from "../../context.js";
import { printJson, printLine } from "../../ui/output.js";
import { keptItems } from "../auth/shared.js";
import type { CommandResult } from "../kit.js";

export async function keychainStatusCommand(ctx: AppContext): Promise<CommandResult> {
  const creds = await ctx.credentials();
  const { backend, persistent } = creds;
  // Names and kinds only: never a secret, not even its length.
  const rows = persistent ? await keptItems(ctx, creds) : [];
  const kept = rows.map(({ profile, item }) => ({ profile, ...item }));
  if (ctx.globals.json) {
    printJson(ctx, { ...backend, persistent, kept });
    return;
  }
  printLine(
    ctx,
    `Keychain: ${backend.backend}${persistent ? " (kept across reboots)" : " (NOT kept: nothing is stored)"}`,
  );
  printLine(ctx, backend.detail);
  if (!persistent) {
    printLine(
      ctx,
      "To keep sessions and remembered passwords, run rxportal in a desktop session with a Secret Service (GNOME Keyring or KeePassXC), or start one: `dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets; exec $SHELL'`.",
    );
    printLine(
      ctx,
      "Without one, scripts sign in on every command: set RXPORTAL_PASSWORD, or give --password-file <file> (login, health) or --password-stdin.",
    );
    return;
  }
  if (kept.length === 0) {
    printLine(ctx, "Kept on this machine: nothing.");
    return;
  }
  printLine(ctx, "Kept on this machine:");
  for (const k of kept) {
    const what = [k.session ? "session" : undefined, k.password ? "remembered password" : undefined]
      .filter(Boolean)
      .join(", ");
    printLine(ctx, `  ${k.profile}: ${k.username} (${what})`);
  }
  printLine(ctx, "`rxportal logout --all` signs everyone out; add --forget to remove the passwords too.");
}
