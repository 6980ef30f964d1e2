// `rxportal login`: sign in and keep the session.
import { notKeptBecause, signInAndKeep } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  passwordFile?: string;
  remember?: boolean;
  force?: boolean;
}

export async function loginCommand(ctx: AppContext, opts: LoginOptions): Promise<CommandResult> {
  const signed = await signInAndKeep(ctx, opts);
  const { member, expiresIn } = signed.ok;
  if (ctx.globals.json) {
    printJson(ctx, {
      username: signed.username,
      profile: signed.profile.name,
      member,
      sessionKept: signed.kept,
      passwordRemembered: Boolean(opts.remember && signed.kept),
      expiresAt: new Date(ctx.clock.now() + expiresIn * 1000).toISOString(),
    });
  } else {
    printLine(ctx, `Signed in as ${member.name} (member ${member.memberId}) on ${signed.profile.name}.`);
  }
  if (!signed.kept) {
    // Said once, here: otherwise the next command's "not signed in" looks like a broken login.
    const { why, howToLast } = notKeptBecause(ctx);
    note(ctx, `rxportal: the next command will not be signed in: ${why}. ${howToLast}`);
  } else if (opts.remember) {
    note(ctx, "Your password is kept in the OS keychain; `rxportal logout --forget` removes it.");
  } else if (signed.passwordSource === "keychain") {
    note(
      ctx,
      "rxportal: signed in with the password remembered in the keychain; `rxportal logout --forget` removes it.",
    );
  }
  return undefined;
}
