import type { Profile } from "../config/load.js";
import type { CredentialAccess } from "../credentials/access.js";
import { AuthRequiredError, CliError, ExitCode, said } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import type { LoginOk } from "../portal/schemas.js";
import { note } from "../ui/output.js";
import {
  credentialsOf,
  isSignedOut,
  keptProfiles,
  markSignedOut,
  noteKeptProfile,
  notKeptBecause,
  type SessionDeps,
  type SignedIn,
} from "./kept.js";
import { readPasswordFile, stdinOf } from "./secret-input.js";
import { lastUsername, rememberUsername } from "./users.js";

export {
  credentialsOf,
  isSignedOut,
  keptProfiles,
  markSignedOut,
  noteKeptProfile,
  notKeptBecause,
  type SessionDeps,
  type SignedIn,
};

/** Refresh a little before the portal's expiry so a request does not race it. */
const EXPIRY_MARGIN_MS = 30_000;

export interface PasswordSourceOptions {
  /** --password-stdin */
  passwordStdin?: boolean;
  /** --password-file <file> */
  passwordFile?: string;
}

export interface SessionOptions extends PasswordSourceOptions {
  /** --username */
  username?: string;
  /** --force: past the lockout guard. */
  force?: boolean;
  /** False after `logout`: a password remembered in the keychain is not used without `login`. */
  useRemembered?: boolean;
}

// -- the last username per profile: not a secret, kept so that `rxportal refill list` needs no flags.

export { lastUsername, rememberUsername };

/** --username > the profile's username > the last one signed in > a prompt. */
export async function resolveUsername(
  ctx: Pick<SessionDeps, "paths" | "prompter">,
  profile: Profile,
  flag?: string,
): Promise<string> {
  const known = flag ?? profile.username ?? (await lastUsername(ctx, profile.name));
  if (known) return known;
  const typed = await ctx.prompter.input({
    message: "Username (or the email you sign in with):",
    noTty: "--username <u> or set `username` in the profile",
    validate: (v) => (v.trim() ? true : "Type your username."),
  });
  return typed.trim();
}

/**
 * The password, from (in order) --password-stdin, --password-file, the keychain, RXPORTAL_PASSWORD,
 * or a masked prompt. Never from argv.
 */
export async function obtainPassword(
  ctx: Pick<SessionDeps, "io" | "cwd" | "env" | "prompter" | "globals" | "credentials">,
  profile: Profile,
  username: string,
  opts: PasswordSourceOptions & { useRemembered?: boolean },
): Promise<{ password: string; source: "stdin" | "file" | "keychain" | "env" | "prompt" }> {
  if (opts.passwordStdin)
    return { password: await stdinOf(ctx).require("password", "--password-stdin"), source: "stdin" };
  if (opts.passwordFile) return { password: await readPasswordFile(ctx, opts.passwordFile), source: "file" };
  const creds = await credentialsOf(ctx);
  const remembered =
    opts.useRemembered === false
      ? undefined
      : await creds.store.getPassword(profile.name, username).catch(() => undefined);
  if (remembered) return { password: remembered, source: "keychain" };
  if (ctx.env.RXPORTAL_PASSWORD) return { password: ctx.env.RXPORTAL_PASSWORD, source: "env" };
  const password = await ctx.prompter.password({
    message: `Password for ${username}:`,
    noTty: "--password-stdin, --password-file <file> or RXPORTAL_PASSWORD",
    validate: (v) => (v ? true : "Type your password."),
  });
  return { password, source: "prompt" };
}

function sessionFrom(
  ok: { accessToken: string; refreshToken?: string; expiresIn: number },
  now: number,
  member?: LoginOk["member"],
) {
  return {
    accessToken: ok.accessToken,
    refreshToken: ok.refreshToken,
    expiresAt: new Date(now + ok.expiresIn * 1000).toISOString(),
    memberId: member?.memberId,
    name: member?.name,
  };
}

/** Signs in with a password and keeps the session when the keychain can. */
export async function signInAndKeep(
  ctx: SessionDeps,
  opts: SessionOptions & { remember?: boolean },
): Promise<SignedIn & { ok: LoginOk; passwordSource: string }> {
  const [profile, client, creds] = await Promise.all([ctx.profile(), ctx.portal(), credentialsOf(ctx)]);
  const username = await resolveUsername(ctx, profile, opts.username);
  if (opts.remember && !creds.persistent) {
    throw new CliError(
      ctx.globals.sandbox
        ? "--remember does not apply to --sandbox: its portal lives for one command."
        : `There is no lasting keychain to remember the password in (${creds.backend.detail}).`,
      ExitCode.noPermission,
      { hint: "Run `rxportal keychain status` for how to get one; or sign in without --remember." },
    );
  }
  const { password, source } = await obtainPassword(ctx, profile, username, opts);
  // The sign-in's own code (the lockout guard, its lock, its hashing) only for a sign-in:
  // a command that finds a kept session, or nobody signed in, never loads it. The portal's
  // policy (public; the guard needs its limit before the password goes) is asked for first, so
  // that its round trip and the loading overlap. A failure of it is the sign-in's to report.
  const policy = client.getAuthPolicy();
  policy.catch(() => undefined);
  // One turn of the event loop: the request reaches its socket before the loading starts.
  await new Promise((resolve) => setImmediate(resolve));
  const { signIn } = await import("./sign-in.js");
  const ok = await signIn(ctx, client, profile, {
    username,
    password,
    force: opts.force,
    codeFromStdin: opts.passwordStdin,
    policy,
  });
  const kept = creds.persistent;
  if (kept) {
    await noteKeptProfile(ctx, profile.name);
    await creds.store.setSession(profile.name, username, sessionFrom(ok, ctx.clock.now(), ok.member));
    if (opts.remember && source !== "keychain")
      await creds.store.setPassword(profile.name, username, password);
  }
  // Two files, neither waiting for the other (each is left unwritten when nothing changes).
  await Promise.all([
    rememberUsername(ctx, profile.name, username),
    markSignedOut(ctx, profile.name, username, false),
  ]);
  return {
    client: client.as(ok),
    profile,
    username,
    kept,
    ok,
    passwordSource: source,
    memberId: ok.member.memberId,
  };
}

/**
 * A signed-in client for commands that need one. Uses the kept session, refreshing it when it has
 * expired; when there is none, signs in (asking first if a session had expired). A script without
 * any password source gets exit 77 rather than a question.
 */
export async function requireSession(ctx: SessionDeps, opts: SessionOptions = {}): Promise<SignedIn> {
  const [profile, client, creds] = await Promise.all([ctx.profile(), ctx.portal(), credentialsOf(ctx)]);
  const username = opts.username ?? profile.username ?? (await lastUsername(ctx, profile.name));
  if (profile.auth?.type === "oidc") {
    // The provider's tokens instead of /auth/*; its code and libraries load only here.
    const { requireOidcSession } = await import("./oidc/session.js");
    return requireOidcSession(ctx, username);
  }
  if (username && creds.persistent) {
    const session = await creds.store.getSession(profile.name, username).catch(() => undefined);
    /** The kept session's member acting through `view` (its own token, or a refreshed one). */
    const keptAs = (view: PortalClient): SignedIn => ({
      client: view,
      profile,
      username,
      kept: true,
      ...(session?.memberId ? { memberId: session.memberId } : {}),
    });
    if (session && Date.parse(session.expiresAt) - EXPIRY_MARGIN_MS > ctx.clock.now()) {
      return keptAs(client.as(session));
    }
    if (session?.refreshToken) {
      try {
        const fresh = await client.refreshToken({ refreshToken: session.refreshToken });
        await creds.store.setSession(profile.name, username, {
          ...sessionFrom(fresh, ctx.clock.now()),
          refreshToken: fresh.refreshToken ?? session.refreshToken,
          memberId: session.memberId,
          name: session.name,
        });
        return keptAs(client.as(fresh));
      } catch (error) {
        if (!(error instanceof AuthRequiredError)) throw error;
        await creds.store.deleteSession(profile.name, username).catch(() => false);
      }
    }
    if (session) {
      const again =
        ctx.prompter.interactive &&
        (await ctx.prompter.confirm({
          message: "Your session has ended. Sign in again?",
          default: true,
          noTty: "",
        }));
      if (!again && !(await canSignInUnattended(ctx, creds, profile.name, username, opts))) {
        throw new AuthRequiredError("Your session has ended.", {
          code: "session_expired",
          said: said("sessionEnded"),
          saidHint: said("loginHint"),
          hint: "Run `rxportal login`.",
        });
      }
    }
  }
  if (!ctx.prompter.interactive && !(await canSignInUnattended(ctx, creds, profile.name, username, opts))) {
    const signedOut =
      username && creds.persistent && (await isSignedOut(ctx, profile.name, username).catch(() => false));
    throw new AuthRequiredError(
      signedOut ? `${username} signed out on ${profile.name}.` : "You are not signed in.",
      {
        code: "not_signed_in",
        said: signedOut && username ? said("signedOut", username, profile.name) : said("notSignedIn"),
        saidHint: !signedOut && creds.persistent ? said("notSignedInHint") : undefined,
        hint: signedOut
          ? "Run `rxportal login` to sign in again (it uses the remembered password; `rxportal logout --forget` removes it)."
          : creds.persistent
            ? "Run `rxportal login`, or give --password-stdin, --password-file or RXPORTAL_PASSWORD."
            : `Nobody stays signed in here: ${notKeptBecause(ctx).why}. ${notKeptBecause(ctx).howToLast}`,
      },
    );
  }
  const useRemembered = !(username && (await isSignedOut(ctx, profile.name, username).catch(() => false)));
  const signed = await signInAndKeep(ctx, { ...opts, username, useRemembered });
  if (!signed.kept) {
    note(ctx, `rxportal: signed in for this command only: ${notKeptBecause(ctx).why}.`);
  }
  return signed;
}

/** A password is to be had without asking: stdin, a file, the environment, or remembered in the keychain. */
async function canSignInUnattended(
  ctx: Pick<SessionDeps, "env" | "paths">,
  creds: CredentialAccess,
  profile: string,
  username: string | undefined,
  opts: PasswordSourceOptions,
): Promise<boolean> {
  if (opts.passwordStdin || opts.passwordFile || ctx.env.RXPORTAL_PASSWORD) return true;
  if (!username || !creds.persistent) return false;
  // After `logout`, a remembered password signs nobody in by itself.
  if (await isSignedOut(ctx, profile, username).catch(() => false)) return false;
  return Boolean(await creds.store.getPassword(profile, username).catch(() => undefined));
}
