// `rxportal config path|show|validate` and `rxportal profiles`.
import { type LoadedConfig, listProfiles, resolveProfile } from "../config/load.js";
import type { AppContext } from "../context.js";
import { printJson, printLine } from "../ui/output.js";
import type { CommandResult } from "./kit.js";

export async function configCommand(
  ctx: AppContext,
  action: "path" | "show" | "validate",
): Promise<CommandResult> {
  if (action === "path") {
    const location = await ctx.locateConfig();
    const { access } = await import("node:fs/promises");
    const exists = await access(location.file).then(
      () => true,
      () => false,
    );
    if (ctx.globals.json) printJson(ctx, { ...location, exists });
    else
      printLine(
        ctx,
        `${location.file}${exists ? "" : " (does not exist yet; built-in profiles are in force)"}`,
      );
    return;
  }
  const config = await ctx.config();
  if (action === "validate") {
    await runEveryCheck(ctx, config);
    const count = Object.keys(config.data.profiles ?? {}).length;
    if (ctx.globals.json)
      printJson(ctx, { file: config.file, exists: config.exists, valid: true, profiles: count });
    else if (!config.exists)
      printLine(ctx, `No config file at ${config.file}; the built-in profiles are in force.`);
    else printLine(ctx, `${config.file} is valid (${count} profile${count === 1 ? "" : "s"}).`);
    return;
  }
  const profile = await ctx.profile();
  const shown = {
    file: config.exists ? config.file : null,
    profile: profile.name,
    source: profile.source,
    baseUrl: profile.baseUrl,
    officialHosts: profile.officialHosts,
    username: profile.username ?? null,
    timeoutMs: profile.timeoutMs,
    paths: profile.paths,
    contacts: profile.contacts.contacts.length,
  };
  if (ctx.globals.json) {
    printJson(ctx, shown);
    return;
  }
  for (const [key, value] of Object.entries(shown)) {
    printLine(ctx, `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
}

export async function profilesCommand(ctx: AppContext): Promise<CommandResult> {
  const list = listProfiles(await ctx.config(), {
    flag: ctx.globals.profile,
    env: ctx.env,
    timeoutMs: ctx.globals.timeout,
  });
  if (ctx.globals.json) {
    printJson(
      ctx,
      list.map(({ profile, isDefault }) => ({
        name: profile.name,
        baseUrl: profile.baseUrl,
        source: profile.source,
        inForce: isDefault,
      })),
    );
    return;
  }
  for (const { profile, isDefault } of list) {
    printLine(ctx, `${isDefault ? "* " : "  "}${profile.name}  ${profile.baseUrl}  (${profile.source})`);
  }
}

/**
 * What the commands check after loading the file, so a config `config validate` passes is one the
 * commands accept: every profile resolves and a portal client accepts its baseUrl and paths, the
 * profile chosen by --profile or RXPORTAL_PROFILE exists, and RXPORTAL_TOTP_SECRET (when set) is
 * a base32 key.
 */
async function runEveryCheck(ctx: AppContext, config: LoadedConfig): Promise<void> {
  const { PortalClient } = await import("../portal/client.js");
  const { ConfigError } = await import("../errors.js");
  const refuse: typeof globalThis.fetch = () => Promise.reject(new Error("config validate sends nothing"));
  for (const name of Object.keys(config.data.profiles ?? {})) {
    const profile = resolveProfile(config, { flag: name, env: ctx.env, timeoutMs: ctx.globals.timeout });
    try {
      new PortalClient({
        baseUrl: profile.baseUrl,
        fetch: refuse,
        timeoutMs: profile.timeoutMs,
        paths: profile.paths,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const keyPath = `profiles.${name}${error.keyPath ? `.${error.keyPath}` : ""}`;
      throw new ConfigError(`${config.file}: ${keyPath}: ${error.message}`, {
        file: config.file,
        keyPath,
        hint: error.hint,
      });
    }
  }
  // The profile in force, as every command resolves it (an unknown name is exit 64 there too).
  resolveProfile(config, {
    flag: ctx.globals.profile,
    env: ctx.env,
    sandbox: ctx.globals.sandbox,
    timeoutMs: ctx.globals.timeout,
  });
  const secret = ctx.env.RXPORTAL_TOTP_SECRET;
  if (secret) {
    const { decodeBase32 } = await import("../portal/totp.js");
    decodeBase32(secret);
  }
}
