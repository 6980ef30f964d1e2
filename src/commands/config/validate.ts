// `rxportal config validate`: the config file checked as every command would check it.
import { type LoadedConfig, resolveProfile } from "../../config/load.js";
import type { AppContext } from "../../context.js";
import { printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export async function configValidateCommand(ctx: AppContext): Promise<CommandResult> {
  const config = await ctx.config();
  await runEveryCheck(ctx, config);
  const count = Object.keys(config.data.profiles ?? {}).length;
  if (ctx.globals.json)
    printJson(ctx, { file: config.file, exists: config.exists, valid: true, profiles: count });
  else if (!config.exists)
    printLine(ctx, `No config file at ${config.file}; the built-in profiles are in force.`);
  else printLine(ctx, `${config.file} is valid (${count} profile${count === 1 ? "" : "s"}).`);
  return undefined;
}

/**
 * What the commands check after loading the file, so a config `config validate` passes is one the
 * commands accept: every profile resolves and a portal client accepts its baseUrl and paths, the
 * profile chosen by --profile or RXPORTAL_PROFILE exists, and RXPORTAL_TOTP_SECRET (when set) is
 * a base32 key.
 */
async function runEveryCheck(ctx: AppContext, config: LoadedConfig): Promise<void> {
  const { PortalClient } = await import("../../portal/client.js");
  const { ConfigError } = await import("../../errors.js");
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
    const { decodeBase32 } = await import("../../portal/totp.js");
    decodeBase32(secret);
  }
}
