// `rxportal login`, `logout`, `whoami`, `keychain status`.
import {
  credentialsOf,
  keptProfiles,
  lastUsername,
  markSignedOut,
  notKeptBecause,
  rememberUsername,
  requireSession,
  signInAndKeep,
} from "../../auth/session.js";
import type { AppContext, CredentialAccess } from "../../context.js";
import type { KeptItem } from "../../credentials/store.js";
import { AuthRequiredError, CliError, PortalError } from "../../errors.js";
import type { PortalClient, PortalSession } from "../../portal/client.js";
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

/** Tells the portal a session is over; the local copy goes whatever the portal says. */
async function endAtPortal(client: PortalClient, session: PortalSession): Promise<string> {
  try {
    await client.as(session).logout();
    return "signed out";
  } catch (error) {
    if (!(error instanceof PortalError)) throw error;
    return `could not be told (${error.message})`;
  }
}

interface SignedOut {
  profile: string;
  username: string;
  portal: string;
  passwordForgotten?: boolean;
  /** True when a remembered password is still in the keychain after this logout. */
  passwordKept: boolean;
}

async function signOutOne(
  ctx: AppContext,
  creds: CredentialAccess,
  profile: string,
  username: string,
  opts: { forget?: boolean; client: () => Promise<PortalClient | undefined> },
): Promise<SignedOut> {
  const session = await creds.store.getSession(profile, username).catch(() => undefined);
  let portal = "not contacted (no session was kept)";
  if (session) {
    const client = await opts.client().catch(() => undefined);
    portal = client ? await endAtPortal(client, session) : "not contacted (profile not found)";
    if (portal.startsWith("could not")) {
      note(ctx, `rxportal: warning: the portal ${portal}; the session is removed here anyway.`);
    }
    // A member who asks to sign out must not stay signed in here.
    await creds.store.deleteSession(profile, username);
  }
  let passwordForgotten: boolean | undefined;
  if (opts.forget) {
    passwordForgotten = await creds.store.deletePassword(profile, username);
    if ((await lastUsername(ctx, profile)) === username) await rememberUsername(ctx, profile, undefined);
  }
  const passwordKept =
    !opts.forget &&
    creds.persistent &&
    (await creds.store.getPassword(profile, username).catch(() => undefined)) !== undefined;
  // Ends access: a remembered password no longer signs later commands in by itself.
  await markSignedOut(ctx, profile, username, true);
  return { profile, username, portal, passwordForgotten, passwordKept };
}

export async function logoutCommand(
  ctx: AppContext,
  opts: { username?: string; forget?: boolean; all?: boolean },
): Promise<CommandResult> {
  if (opts.all) return logoutAll(ctx, opts);
  const [profile, creds] = await Promise.all([ctx.profile(), credentialsOf(ctx)]);
  const username = opts.username ?? profile.username ?? (await lastUsername(ctx, profile.name));
  if (!username) {
    if (ctx.globals.json) printJson(ctx, { profile: profile.name, signedOut: [] });
    else printLine(ctx, "Nobody is signed in on this profile.");
    return;
  }
  const done = await signOutOne(ctx, creds, profile.name, username, {
    forget: opts.forget,
    client: () => ctx.portal(),
  });
  if (ctx.globals.json) {
    printJson(ctx, {
      username,
      profile: profile.name,
      portal: done.portal,
      passwordForgotten: done.passwordForgotten,
      passwordKept: done.passwordKept,
    });
    return;
  }
  printLine(ctx, `Signed out ${username} on ${profile.name}.`);
  if (opts.forget)
    printLine(
      ctx,
      done.passwordForgotten ? "The remembered password is removed." : "No password was remembered.",
    );
  if (done.passwordKept) {
    // Plainly: on a shared computer the next person must know what is still here.
    note(
      ctx,
      `rxportal: the password of ${username} is still remembered in the keychain: commands no longer sign in with it by themselves, but \`rxportal login\` will, without asking. \`rxportal logout --forget\` removes it.`,
    );
  }
}

/** Every profile rxportal knows of: the config's, the built-in ones, and any it kept something for. */
async function knownProfiles(ctx: AppContext): Promise<string[]> {
  const names = new Set<string>(await keptProfiles(ctx));
  try {
    const config = await ctx.config();
    for (const name of Object.keys(config.data.profiles ?? {})) names.add(name);
  } catch (error) {
    // A broken config must not stop a sign-out: the kept-profiles record still names them.
    if (!(error instanceof CliError)) throw error;
  }
  names.add((await ctx.profile().catch(() => undefined))?.name ?? "sandbox");
  names.add("sandbox");
  return [...names].sort();
}

/** What is kept per profile; a profile the store cannot list is skipped, not fatal. */
async function keptItems(
  ctx: AppContext,
  creds: CredentialAccess,
): Promise<{ profile: string; item: KeptItem }[]> {
  const rows: { profile: string; item: KeptItem }[] = [];
  for (const profile of await knownProfiles(ctx)) {
    const items = await creds.store.list(profile).catch((error: unknown) => {
      if (error instanceof CliError) {
        note(ctx, `rxportal: warning: could not list what is kept for ${profile} (${error.message}).`);
        return [] as KeptItem[];
      }
      throw error;
    });
    for (const item of items) rows.push({ profile, item });
  }
  return rows;
}

/** A client for another profile's portal, to tell it a session is over. */
async function clientFor(ctx: AppContext, name: string): Promise<PortalClient | undefined> {
  const current = await ctx.profile().catch(() => undefined);
  if (current?.name === name) return ctx.portal();
  const { resolveProfile } = await import("../../config/load.js");
  const profile = resolveProfile(await ctx.config(), { flag: name, env: ctx.env });
  return ctx.portalFor(profile);
}

async function logoutAll(ctx: AppContext, opts: { forget?: boolean }): Promise<CommandResult> {
  const creds = await credentialsOf(ctx);
  const rows = await keptItems(ctx, creds);
  const done: SignedOut[] = [];
  for (const { profile, item } of rows) {
    done.push(
      await signOutOne(ctx, creds, profile, item.username, {
        forget: opts.forget,
        client: () => clientFor(ctx, profile),
      }),
    );
  }
  const kept = done.filter((d) => d.passwordKept);
  if (ctx.globals.json) {
    printJson(ctx, { signedOut: done });
    return;
  }
  if (done.length === 0) {
    printLine(
      ctx,
      creds.persistent
        ? "Nothing is kept on this machine: nobody was signed in."
        : "Nothing is kept on this machine (no lasting keychain): nobody was signed in.",
    );
    return;
  }
  for (const d of done) {
    printLine(
      ctx,
      `Signed out ${d.username} on ${d.profile}${d.passwordForgotten ? "; the remembered password is removed" : ""}.`,
    );
  }
  if (kept.length > 0) {
    note(
      ctx,
      `rxportal: passwords are still remembered for ${kept.map((d) => `${d.username} (${d.profile})`).join(", ")}: commands no longer sign in with them by themselves, but \`rxportal login\` will. \`rxportal logout --all --forget\` removes them.`,
    );
  }
}

export async function whoamiCommand(ctx: AppContext, opts: { username?: string }): Promise<CommandResult> {
  const profile = await ctx.profile();
  const username = opts.username ?? profile.username ?? (await lastUsername(ctx, profile.name));
  const creds = await credentialsOf(ctx);
  const session = username
    ? await creds.store.getSession(profile.name, username).catch(() => undefined)
    : undefined;
  if (!username || !session) {
    const { why, howToLast } = notKeptBecause(ctx);
    throw new AuthRequiredError("Nobody is signed in on this profile.", {
      code: "not_signed_in",
      // The same words `login` used: without a lasting keychain, login then whoami is no loop.
      hint: creds.persistent
        ? "Run `rxportal login`."
        : `${why[0]?.toUpperCase()}${why.slice(1)}. ${howToLast}`,
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
