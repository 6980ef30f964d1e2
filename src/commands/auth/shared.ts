// What logout --all and keychain status share: the profiles known here and what is kept for them.
import { keptProfiles } from "../../auth/session.js";
import type { AppContext, CredentialAccess } from "../../context.js";
import type { KeptItem } from "../../credentials/store.js";
import { CliError } from "../../errors.js";
import { note } from "../../ui/output.js";

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
export async function keptItems(
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
