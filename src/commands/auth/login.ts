// `rxportal login`: sign in and keep the session.
import { notKeptBecause, signInAndKeep } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { note, printable, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  passwordFile?: string;
  remember?: boolean;
  force?: boolean;
  /** OIDC profiles: Authorization Code with PKCE in a browser, instead of the device flow. */
  web?: boolean;
  /** --no-browser: with --web, print the address only. */
  browser?: boolean;
}

export async function loginCommand(ctx: AppContext, opts: LoginOptions): Promise<CommandResult> {
  if ((await ctx.profile()).auth?.type === "oidc") return oidcLogin(ctx, opts);
  if (opts.web) {
    throw new UsageError("--web applies to OIDC profiles only (auth: {type: oidc} in the config file).", {
      hint: "Run `rxportal login` without --web to sign in to this portal.",
    });
  }
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

/** An OIDC profile: the device flow at the provider; no password ever passes through rxportal. */
async function oidcLogin(ctx: AppContext, opts: LoginOptions): Promise<CommandResult> {
  const passwordOnly = (
    [
      ["--username", opts.username],
      ["--password-stdin", opts.passwordStdin],
      ["--password-file", opts.passwordFile],
      ["--remember", opts.remember],
      ["--force", opts.force],
    ] as const
  ).filter(([, given]) => given !== undefined && given !== false);
  if (passwordOnly.length > 0) {
    throw new UsageError(
      `${passwordOnly.map(([name]) => name).join(", ")} ${passwordOnly.length > 1 ? "do" : "does"} not apply to an OIDC profile: members sign in at the provider.`,
      { hint: "Run `rxportal login` alone; it shows a code to approve at the sign-in provider." },
    );
  }
  const { oidcSignIn } = await import("../../auth/oidc/session.js");
  const { displayName } = await import("../../auth/oidc/id-token.js");
  const signed = await oidcSignIn(ctx, { web: opts.web, noBrowser: opts.browser === false });
  const name = displayName(signed.claims);
  if (ctx.globals.json) {
    printJson(ctx, {
      username: signed.username,
      profile: signed.profile.name,
      provider: { issuer: signed.profile.auth?.issuer, subject: signed.claims.sub, name },
      sessionKept: signed.kept,
      expiresAt: new Date(ctx.clock.now() + signed.tokens.expiresIn * 1000).toISOString(),
    });
  } else {
    printLine(
      ctx,
      `Signed in as ${printable(name)} (${printable(signed.claims.sub)}) on ${signed.profile.name}.`,
    );
  }
  if (!signed.kept) {
    const { why, howToLast } = notKeptBecause(ctx, true);
    note(ctx, `rxportal: the next command will not be signed in: ${why}. ${howToLast}`);
  } else if (!signed.tokens.refreshToken) {
    note(ctx, "rxportal: the provider sent no refresh token: the session ends when its access token does.");
  }
  return undefined;
}
