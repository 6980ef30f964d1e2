// `rxportal logout` (one member, or --all on a shared computer).
import { credentialsOf, lastUsername, markSignedOut, rememberUsername } from "../../auth/session.js";
import type { Profile } from "../../config/load.js";
import type { AppContext, CredentialAccess } from "../../context.js";
import { PortalError } from "../../errors.js";
import type { PortalClient, PortalSession } from "../../portal/client.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { keptItems } from "./shared.js";

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
  opts: {
    forget?: boolean;
    client: () => Promise<PortalClient | undefined>;
    profile: () => Promise<Profile | undefined>;
  },
): Promise<SignedOut> {
  const session = await creds.store.getSession(profile, username).catch(() => undefined);
  let portal = "not contacted (no session was kept)";
  if (session) {
    const resolved = await opts.profile().catch(() => undefined);
    const oidc = resolved?.auth?.type === "oidc";
    if (resolved && oidc) {
      // An OIDC session ends at the provider: its refresh token revoked (RFC 7009) where it can be.
      const { revokeAtProvider } = await import("../../auth/oidc/session.js");
      portal = await revokeAtProvider(ctx, resolved, session);
    } else {
      const client = await opts.client().catch(() => undefined);
      portal = client ? await endAtPortal(client, session) : "not contacted (profile not found)";
    }
    if (portal.startsWith("could not")) {
      const who = oidc ? "sign-in provider" : "portal";
      note(ctx, `rxportal: warning: the ${who} ${portal}; the session is removed here anyway.`);
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
    profile: () => ctx.profile(),
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
  if (profile.auth?.type === "oidc" && done.portal !== "not contacted (no session was kept)")
    printLine(ctx, `The session's refresh token: ${done.portal}.`);
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

/** Another profile by name (for --all), as the config resolves it. */
async function profileFor(ctx: AppContext, name: string): Promise<Profile | undefined> {
  const current = await ctx.profile().catch(() => undefined);
  if (current?.name === name) return current;
  const { resolveProfile } = await import("../../config/load.js");
  return resolveProfile(await ctx.config(), { flag: name, env: ctx.env });
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
        profile: () => profileFor(ctx, profile),
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
