// Finding, reading and validating the config file, and resolving the profile in force.
// Precedence: flag > environment > file > built-in (shared/cli.md).
// Synchronous reads on purpose: a config file is small, and node:fs/promises would add its own
// module graph to every start.
import { accessSync, constants } from "node:fs";
import { join, resolve } from "node:path";
import { builtinContacts } from "../contacts/builtin.js";
import type { ContactsDirectory } from "../contacts/types.js";
import { ConfigError, UsageError } from "../errors.js";
import { readUserFileIfExists } from "../state/files.js";
import { jsonStore, type Schema } from "../state/json-store.js";
import { VERSION } from "../version.js";
import type { ConfigFile } from "./schema.js";
import { closestKey, knownKeysAt } from "./suggest.js";

export const DEFAULT_TIMEOUT_MS = 10_000;
/** A config file is a few profiles; anything past this is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
export const SANDBOX_PROFILE = "sandbox";
/** Where `rxportal sandbox` listens by default, so the built-in profile finds it. */
export const SANDBOX_DEFAULT_PORT = 8787;

export type OperationPaths = Partial<Record<string, string>>;

export interface Profile {
  name: string;
  baseUrl: string;
  officialHosts: string[];
  username?: string;
  timeoutMs: number;
  paths: OperationPaths;
  contacts: ContactsDirectory;
  /** Where the profile came from, for `config show`. */
  source: "builtin" | "file";
  /**
   * Only the portal's official web addresses are known (for check-link and the network checks);
   * there is no API that speaks the contract, so nothing may be sent to it, least of all a password.
   */
  webOnly?: boolean;
  /** How members sign in; absent: the portal's own /auth/* (`auth: {type: portal}`). */
  auth?: OidcSettings;
}

/** An `auth: {type: oidc}` profile, with the defaults filled in. */
export interface OidcSettings {
  type: "oidc";
  issuer: string;
  clientId: string;
  scopes: string[];
  audience?: string;
  /** 0: any free port of 127.0.0.1 (RFC 8252 section 7.3). */
  redirectPort: number;
  /** health --login's confidential monitoring client (client credentials); its secret is never in config. */
  monitor?: { clientId: string; scopes?: string[] };
}

/** openid for the ID token, profile for the name, offline_access for a refresh token. */
export const DEFAULT_OIDC_SCOPES = ["openid", "profile", "offline_access"];

export interface ConfigLocation {
  file: string;
  /** How the file was chosen. */
  from: "--config" | "RXPORTAL_CONFIG" | "default";
}

export interface LoadedConfig extends ConfigLocation {
  exists: boolean;
  data: ConfigFile;
}

const builtinProfiles: Record<string, Omit<Profile, "name" | "source">> = {
  [SANDBOX_PROFILE]: {
    baseUrl: `http://127.0.0.1:${SANDBOX_DEFAULT_PORT}/api/v1`,
    officialHosts: ["localhost", "127.0.0.1"],
    timeoutMs: DEFAULT_TIMEOUT_MS,
    paths: {},
    contacts: builtinContacts,
  },
  // The real portal's public hosts (shared/facts.md), so `check-link` has an example to check
  // reset and sign-in links against without a config file. Its API is not this contract's, so
  // the profile is web-only: DNS/TLS checks of the website, never a sign-in.
  "express-scripts": {
    baseUrl: "https://www.express-scripts.com/",
    webOnly: true,
    officialHosts: ["express-scripts.com", "www.express-scripts.com", "militaryrx.express-scripts.com"],
    timeoutMs: DEFAULT_TIMEOUT_MS,
    paths: {},
    contacts: builtinContacts,
  },
};

/**
 * Refuses a web-only profile before anything is sent to it (exit 78). Every path that builds a
 * portal client calls this: `ctx.portal()`, and health, which builds its own.
 */
export function requireApiProfile(profile: Profile): void {
  if (!profile.webOnly) return;
  throw new ConfigError(
    `The profile "${profile.name}" knows only the portal's official web addresses (for check-link); rxportal has no API address for it and sends it nothing.`,
    {
      hint: "Use a profile with the portal's API baseUrl (see `rxportal profiles`), or --sandbox to practise.",
    },
  );
}

const defaultNames = ["config.yaml", "config.yml", "config.json"];

/** Which config file is in force. `exists` tells whether the default one is there. */
export async function locateConfig(opts: {
  flag?: string;
  env: Record<string, string | undefined>;
  configDir: string;
  cwd: string;
}): Promise<ConfigLocation> {
  if (opts.flag) return { file: resolve(opts.cwd, opts.flag), from: "--config" };
  const fromEnv = opts.env.RXPORTAL_CONFIG;
  if (fromEnv) return { file: resolve(opts.cwd, fromEnv), from: "RXPORTAL_CONFIG" };
  for (const name of defaultNames) {
    const file = join(opts.configDir, name);
    if (await readable(file)) return { file, from: "default" };
  }
  return { file: join(opts.configDir, defaultNames[0] as string), from: "default" };
}

async function readable(file: string): Promise<boolean> {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads and validates the config file. A missing default file means "built-ins only"; a missing
 * file that was named on purpose (--config, RXPORTAL_CONFIG) is an error.
 */
export async function loadConfig(
  location: ConfigLocation,
  opts: { cacheFile?: string } = {},
): Promise<LoadedConfig> {
  const text = readUserFileIfExists(location.file, {
    maxBytes: MAX_CONFIG_BYTES,
    context: location.from === "default" ? undefined : `(named by ${location.from})`,
    hint: "Check the path, or run `rxportal config path` to see where rxportal looks.",
    missingOk: location.from === "default",
  });
  if (text === undefined) return { ...location, exists: false, data: {} };
  const cached = opts.cacheFile ? readConfigCache(opts.cacheFile, location.file, text) : undefined;
  if (cached) return { ...location, exists: true, data: cached };
  const raw = await parseText(location.file, text);
  const { ConfigFileSchema } = await import("./schema.js");
  const parsed = ConfigFileSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    const issue = firstIssue(parsed.error.issues);
    const keyPath = issue ? describeKeyPath(issue) : "";
    const message = issue
      ? describeIssue({ ...issue, known: knownKeysAt(ConfigFileSchema, issue.path) })
      : "invalid";
    throw new ConfigError(`${location.file}: ${keyPath || "(top level)"}: ${sentence(message)}`, {
      file: location.file,
      keyPath,
      hint: "Fix the file, then run `rxportal config validate`.",
    });
  }
  const data = parsed.data;
  if (
    data.defaultProfile &&
    !Object.hasOwn(data.profiles ?? {}, data.defaultProfile) &&
    !Object.hasOwn(builtinProfiles, data.defaultProfile)
  ) {
    throw new ConfigError(
      `${location.file}: defaultProfile: expected the name of a profile, but "${data.defaultProfile}" is not defined.`,
      { file: location.file, keyPath: "defaultProfile" },
    );
  }
  if (opts.cacheFile) await writeConfigCache(opts.cacheFile, location.file, text, data);
  return { ...location, exists: true, data };
}

// Parsing YAML and validating with zod would be a large part of every command's start-up, while
// the file rarely changes. So the validated result is kept beside the exact text it came
// from, and reused only when the text is identical and the same rxportal wrote it.
/** Bump when ConfigFileSchema's output changes, so results validated by older code are not reused. */
const CONFIG_CACHE_REVISION = 3;

interface ConfigCache {
  revision: number;
  version: string;
  file: string;
  text: string;
  data: ConfigFile;
}

/**
 * The cache file's shape, checked by hand and not with zod: this runs at every start of every
 * command, and not loading zod is what the cache is for (`npm run bench` measures the start-up
 * rows). `data` is trusted as it is: only this version of rxportal wrote it, from a result
 * ConfigFileSchema validated.
 */
export const ConfigCacheShape: Schema<ConfigCache> = {
  safeParse(value: unknown) {
    const cache = value as Partial<ConfigCache> | null;
    const ok =
      typeof cache === "object" &&
      cache !== null &&
      typeof cache.revision === "number" &&
      typeof cache.version === "string" &&
      typeof cache.file === "string" &&
      typeof cache.text === "string" &&
      typeof cache.data === "object" &&
      cache.data !== null;
    return ok ? { success: true, data: cache as ConfigCache } : { success: false };
  },
};

/** Room for the largest config file's text (JSON-escaped) and the validated result beside it. */
const MAX_CONFIG_CACHE_BYTES = 8 * MAX_CONFIG_BYTES;

/** A missing, damaged, foreign or oversized cache is a miss (undefined): the file is validated again. */
const configCache = (cacheFile: string) =>
  jsonStore<ConfigCache | undefined>(cacheFile, ConfigCacheShape, {
    empty: () => undefined,
    maxBytes: MAX_CONFIG_CACHE_BYTES,
    indent: 0,
  });

function readConfigCache(cacheFile: string, file: string, text: string): ConfigFile | undefined {
  const cache = configCache(cacheFile).readSync();
  const fresh =
    cache !== undefined &&
    cache.revision === CONFIG_CACHE_REVISION &&
    cache.version === VERSION &&
    cache.file === file &&
    cache.text === text;
  return fresh ? cache.data : undefined;
}

async function writeConfigCache(cacheFile: string, file: string, text: string, data: ConfigFile) {
  const cache: ConfigCache = { revision: CONFIG_CACHE_REVISION, version: VERSION, file, text, data };
  try {
    await configCache(cacheFile).write(cache);
  } catch {
    // Only a speed-up: without it the next run validates the file again.
  }
}

async function parseText(file: string, text: string): Promise<unknown> {
  const { parseUserJson, parseUserYaml } = await import("./yaml.js");
  const opts = { label: file, file, hint: "Fix the file, then run `rxportal config validate`." };
  if (file.endsWith(".json")) return parseUserJson(text, opts);
  const { data, duplicates } = await parseUserYaml(text, opts);
  const dup = duplicates[0];
  if (dup) {
    const keyPath = dup.path ? `${dup.path}.${dup.key}` : dup.key;
    throw new ConfigError(
      `${file}: ${keyPath}: given more than once (again at line ${dup.line}); keep one.`,
      {
        file,
        keyPath,
      },
    );
  }
  return data;
}

/** Ends a phrase with a full stop unless it already ends with one, or with ? or !. */
export function sentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

/** A zod issue as the formatters below need it (also used for tree files). */
export interface IssueLike {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
  input?: unknown;
  /** For unknown keys: the keys that are known there, to suggest the closest. */
  known?: readonly string[];
}

/**
 * The issue to report first: an unknown key explains the "missing" ones beside it (baseURL given,
 * so baseUrl is missing), so it goes first.
 */
export function firstIssue<T extends IssueLike>(issues: readonly T[]): T | undefined {
  return issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
}

/** "profiles.acme.baseUrl", "nodes.x.answers[0].next": where a zod issue points. */
export function describeKeyPath(issue: IssueLike): string {
  const parts = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys?.length) parts.push(issue.keys[0] as string);
  return parts.reduce(
    (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    "",
  );
}

/** "expected string, got 42": what is wrong, in words. */
export function describeIssue(issue: IssueLike): string {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys?.[0] ?? "";
    const suggestion = issue.known ? closestKey(key, issue.known) : undefined;
    const others =
      (issue.keys?.length ?? 0) > 1 ? ` (and ${(issue.keys?.length ?? 1) - 1} more unknown)` : "";
    return suggestion
      ? `unknown key "${key}"; did you mean "${suggestion}"?${others}`
      : `unknown key "${key}" (check its spelling${issue.known?.length ? `; known keys: ${issue.known.join(", ")}` : ""})${others}`;
  }
  const message = issue.message.replace(/^Invalid input: /, "");
  if (issue.input === undefined)
    return message.startsWith("expected") ? `${message}, but it is missing` : message;
  const got = typeof issue.input === "string" ? `"${issue.input}"` : JSON.stringify(issue.input);
  return `${message}, got ${got && got.length <= 60 ? got : typeof issue.input}`;
}

export interface ProfileChoice {
  flag?: string;
  env: Record<string, string | undefined>;
  /** --sandbox: the built-in sandbox profile, whatever else is set. */
  sandbox?: boolean;
  /** --timeout in ms. */
  timeoutMs?: number;
}

/** The profile in force: --sandbox > --profile > RXPORTAL_PROFILE > defaultProfile > sandbox. */
export function resolveProfile(config: LoadedConfig, choice: ProfileChoice): Profile {
  const name = choice.sandbox
    ? SANDBOX_PROFILE
    : (choice.flag ?? choice.env.RXPORTAL_PROFILE ?? config.data.defaultProfile ?? SANDBOX_PROFILE);
  // Object.hasOwn: a profile named "constructor" or "toString" is a name, not a property of Object.
  const profiles = config.data.profiles ?? {};
  const fromFile = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  const builtin = Object.hasOwn(builtinProfiles, name) ? builtinProfiles[name] : undefined;
  let profile: Profile;
  if (fromFile) {
    const url = new URL(fromFile.baseUrl);
    profile = {
      name,
      baseUrl: fromFile.baseUrl,
      officialHosts: fromFile.officialHosts ?? [url.hostname],
      username: fromFile.username,
      timeoutMs: fromFile.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      paths: fromFile.paths ?? {},
      contacts:
        fromFile.contacts === undefined || fromFile.contacts === "builtin"
          ? builtinContacts
          : fromFile.contacts,
      source: "file",
    };
    if (fromFile.auth?.type === "oidc") {
      const { type, issuer, clientId, scopes, audience, redirectPort, monitor } = fromFile.auth;
      profile.auth = {
        type,
        issuer,
        clientId,
        scopes: scopes ?? DEFAULT_OIDC_SCOPES,
        audience,
        redirectPort: redirectPort ?? 0,
        ...(monitor ? { monitor: { clientId: monitor.clientId, scopes: monitor.scopes } } : {}),
      };
    }
  } else if (builtin) {
    profile = { name, ...builtin, source: "builtin" };
  } else {
    const known = [...Object.keys(config.data.profiles ?? {}), ...Object.keys(builtinProfiles)];
    const where = config.exists ? ` in ${config.file}` : "";
    throw new UsageError(
      `No profile named "${name}"${where}; known profiles: ${[...new Set(known)].join(", ")}.`,
      {
        hint: "Run `rxportal profiles` to list them.",
      },
    );
  }
  if (choice.timeoutMs !== undefined) profile.timeoutMs = choice.timeoutMs;
  return profile;
}

/** Every profile name known, file first, for `rxportal profiles`. */
export function listProfiles(
  config: LoadedConfig,
  choice: ProfileChoice,
): { profile: Profile; isDefault: boolean }[] {
  const names = [...new Set([...Object.keys(config.data.profiles ?? {}), ...Object.keys(builtinProfiles)])];
  const current = choice.flag ?? choice.env.RXPORTAL_PROFILE ?? config.data.defaultProfile ?? SANDBOX_PROFILE;
  return names.map((name) => ({
    profile: resolveProfile(config, { ...choice, flag: name, sandbox: false }),
    isDefault: name === current,
  }));
}
