// `rxportal login`, `logout`, `whoami`, `keychain status`.
import { lastUsername, rememberUsername, requireSession, signInAndKeep } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { AuthRequiredError, PortalError } from "../../errors.js";
import { note, printable, printJson, printLine } from "../../ui/output.js";
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
    note(
      ctx,
      "rxportal: no lasting keychain here, so the session is not kept; run `rxportal keychain status`.",
    );
  } else if (opts.remember) {
    note(ctx, "Your password is kept in the OS keychain; `rxportal logout --forget` removes it.");
  }
  return undefined;
}

export async function logoutCommand(
  ctx: AppContext,
  opts: { username?: string; forget?: boolean },
): Promise<CommandResult> {
  const [profile, creds] = await Promise.all([ctx.profile(), ctx.credentials()]);
  const username = opts.username ?? profile.username ?? (await lastUsername(ctx, profile.name));
  if (!username) {
    printLine(ctx, "Nobody is signed in on this profile.");
    return;
  }
  const session = await creds.store.getSession(profile.name, username).catch(() => undefined);
  let portalSaid = "not contacted (no session was kept)";
  if (session) {
    const client = await ctx.portal();
    client.accessToken = session.accessToken;
    try {
      await client.logout();
      portalSaid = "signed out";
    } catch (error) {
      // The local session goes either way: a member who asks to sign out must not stay signed in here.
      if (!(error instanceof PortalError)) throw error;
      portalSaid = `could not be told (${error.message})`;
      note(
        ctx,
        `rxportal: warning: the portal could not be told (${error.message}); the session is removed here anyway.`,
      );
    }
    await creds.store.deleteSession(profile.name, username);
  }
  let forgot = false;
  if (opts.forget) {
    forgot = await creds.store.deletePassword(profile.name, username);
    await rememberUsername(ctx, profile.name, undefined);
  }
  if (ctx.globals.json) {
    printJson(ctx, {
      username,
      profile: profile.name,
      portal: portalSaid,
      passwordForgotten: opts.forget ? forgot : undefined,
    });
    return;
  }
  printLine(ctx, `Signed out ${username} on ${profile.name}.`);
  if (opts.forget)
    printLine(ctx, forgot ? "The remembered password is removed." : "No password was remembered.");
}

export async function whoamiCommand(ctx: AppContext, opts: { username?: string }): Promise<CommandResult> {
  const profile = await ctx.profile();
  const username = opts.username ?? profile.username ?? (await lastUsername(ctx, profile.name));
  const creds = await ctx.credentials();
  const session = username
    ? await creds.store.getSession(profile.name, username).catch(() => undefined)
    : undefined;
  if (!username || !session) {
    throw new AuthRequiredError("Nobody is signed in on this profile.", {
      code: "not_signed_in",
      hint: "Run `rxportal login`.",
    });
  }
  const { client } = await requireSession(ctx, { username });
  const me = await client.getMe();
  if (ctx.globals.json) {
    printJson(ctx, { username, profile: profile.name, ...me });
    return;
  }
  // Everything from the portal is made printable: a name must not carry terminal escapes.
  const p = printable;
  printLine(ctx, `${p(me.name)} (member ${p(me.memberId)}), signed in as ${username} on ${profile.name}`);
  printLine(
    ctx,
    `Plan type: ${p(me.enrolleeType)}; recovery email ${p(me.recoveryEmailHint)}; phone ${p(me.phoneHint)}`,
  );
  for (const d of me.dependents)
    printLine(ctx, `Dependent: ${p(d.name)} (${p(d.relationship)}, member ${p(d.memberId)})`);
  for (const problem of me.problems ?? [])
    note(
      ctx,
      `rxportal: dependent ${problem.index + 1} in the portal's answer could not be read (${p(problem.reason)})${client.lastRequestId ? `; request id ${client.lastRequestId}` : ""}.`,
    );
}

export async function keychainStatusCommand(ctx: AppContext): Promise<CommandResult> {
  const { backend, persistent } = await ctx.credentials();
  if (ctx.globals.json) {
    printJson(ctx, { ...backend, persistent });
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
  }
}
