// `rxportal whoami`.
import { credentialsOf, lastUsername, notKeptBecause, requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { AuthRequiredError } from "../../errors.js";
import { note, printable, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function whoamiCommand(ctx: AppContext, opts: { username?: string }): Promise<CommandResult> {
  const profile = await ctx.profile();
  const username = opts.username ?? profile.username ?? (await lastUsername(ctx, profile.name));
  const creds = await credentialsOf(ctx);
  const session = username
    ? await creds.store.getSession(profile.name, username).catch(() => undefined)
    : undefined;
  if (!username || !session) {
    const { why, howToLast } = notKeptBecause(ctx, profile.auth?.type === "oidc");
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
  // An OIDC profile: who the provider says signed in, beside who the portal says it is.
  const kept =
    profile.auth?.type === "oidc"
      ? await creds.store.getSession(profile.name, username).catch(() => undefined)
      : undefined;
  const provider =
    profile.auth?.type === "oidc"
      ? {
          issuer: profile.auth.issuer,
          subject: kept?.subject ?? session.subject,
          name: kept?.name ?? session.name,
        }
      : undefined;
  if (ctx.globals.json) {
    printJson(ctx, { username, profile: profile.name, ...(provider ? { provider } : {}), ...me });
    return;
  }
  // Everything from the portal is made printable: a name must not carry terminal escapes.
  const p = printable;
  if (provider)
    printLine(
      ctx,
      `Provider: ${p(provider.name ?? "(no name claim)")} (subject ${p(provider.subject ?? "unknown")}) at ${p(provider.issuer)}`,
    );
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
