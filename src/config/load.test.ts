import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testContext } from "../../test/helpers/context.js";
import { ConfigError, UsageError } from "../errors.js";
import { loadConfig, locateConfig, resolveProfile } from "./load.js";

function withConfig(name: string, text: string) {
  const t = testContext();
  mkdirSync(t.ctx.paths.configDir, { recursive: true });
  const file = join(t.ctx.paths.configDir, name);
  writeFileSync(file, text);
  return { ...t, file };
}

const acme = `defaultProfile: acme
profiles:
  acme:
    baseUrl: https://portal.acme.example/api/v1
    officialHosts: [acme.example, portal.acme.example]
    username: jdoe
    timeoutMs: 8000
    paths: { login: /v2/signin }
`;

describe("locateConfig", () => {
  it("prefers --config over RXPORTAL_CONFIG over the default folder", async () => {
    const { ctx, file } = withConfig("config.yaml", acme);
    const base = { configDir: ctx.paths.configDir, cwd: "/work" };
    expect(await locateConfig({ ...base, env: {} })).toEqual({ file, from: "default" });
    expect(await locateConfig({ ...base, env: { RXPORTAL_CONFIG: "/e.yaml" } })).toEqual({
      file: "/e.yaml",
      from: "RXPORTAL_CONFIG",
    });
    expect(await locateConfig({ ...base, flag: "f.yaml", env: { RXPORTAL_CONFIG: "/e.yaml" } })).toEqual({
      file: "/work/f.yaml",
      from: "--config",
    });
  });

  it("finds a JSON config when there is no YAML one", async () => {
    const { ctx, file } = withConfig("config.json", JSON.stringify({ profiles: {} }));
    expect((await locateConfig({ configDir: ctx.paths.configDir, cwd: "/", env: {} })).file).toBe(file);
  });
});

describe("loadConfig and resolveProfile", () => {
  it("reads a YAML profile and applies flag > env > file > built-in", async () => {
    const { file } = withConfig("config.yaml", acme);
    const config = await loadConfig({ file, from: "default" });
    const fromFile = resolveProfile(config, { env: {} });
    expect(fromFile).toMatchObject({
      name: "acme",
      username: "jdoe",
      timeoutMs: 8000,
      paths: { login: "/v2/signin" },
    });
    expect(resolveProfile(config, { env: { RXPORTAL_PROFILE: "sandbox" } }).name).toBe("sandbox");
    expect(resolveProfile(config, { flag: "acme", env: { RXPORTAL_PROFILE: "sandbox" } }).name).toBe("acme");
    expect(resolveProfile(config, { flag: "acme", env: {}, sandbox: true }).name).toBe("sandbox");
    expect(resolveProfile(config, { env: {}, timeoutMs: 1234 }).timeoutMs).toBe(1234);
  });

  it("uses the built-in sandbox profile when there is no file", async () => {
    const { ctx } = testContext();
    const config = await loadConfig({ file: join(ctx.paths.configDir, "config.yaml"), from: "default" });
    expect(config.exists).toBe(false);
    expect(resolveProfile(config, { env: {} })).toMatchObject({ name: "sandbox", source: "builtin" });
  });

  it("names the file, the key path and what was expected for a wrong type", async () => {
    const { file } = withConfig("config.yaml", acme.replace("timeoutMs: 8000", "timeoutMs: ten seconds"));
    const error = await loadConfig({ file, from: "default" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(78);
    expect((error as ConfigError).message).toBe(
      `${file}: profiles.acme.timeoutMs: expected a number of milliseconds, e.g. 10000, got "ten seconds".`,
    );
    expect((error as ConfigError).keyPath).toBe("profiles.acme.timeoutMs");
  });

  it.each([
    [
      "an http:// URL for a remote host",
      acme.replace("https://portal", "http://portal"),
      "profiles.acme.baseUrl",
    ],
    ["an unknown key", acme.replace("username: jdoe", "usename: jdoe"), "profiles.acme.usename"],
    [
      "a path override for an unknown operation",
      acme.replace("login: /v2", "signin: /v2"),
      "profiles.acme.paths.signin",
    ],
    [
      "a defaultProfile that does not exist",
      acme.replace("defaultProfile: acme", "defaultProfile: acne"),
      "defaultProfile",
    ],
    ["a list where a map belongs", "profiles: [a, b]\n", "profiles"],
    ["an unknown auth type", `${acme}    auth: { type: saml }\n`, "profiles.acme.auth.type"],
    [
      "an OIDC profile without clientId",
      `${acme}    auth: { type: oidc, issuer: https://id.acme.example }\n`,
      "profiles.acme.auth.clientId",
    ],
    [
      "an http:// issuer for a remote host",
      `${acme}    auth: { type: oidc, issuer: http://id.acme.example, clientId: rx }\n`,
      "profiles.acme.auth.issuer",
    ],
    [
      "a redirectPort out of range",
      `${acme}    auth: { type: oidc, issuer: https://id.acme.example, clientId: rx, redirectPort: 70000 }\n`,
      "profiles.acme.auth.redirectPort",
    ],
    [
      "a scope with a space",
      `${acme}    auth: { type: oidc, issuer: https://id.acme.example, clientId: rx, scopes: ["openid profile"] }\n`,
      "profiles.acme.auth.scopes[0]",
    ],
    [
      "an unknown key under auth",
      `${acme}    auth: { type: oidc, issuer: https://id.acme.example, clientID: rx }\n`,
      "profiles.acme.auth.clientID",
    ],
  ])("refuses %s with its key path", async (_what, text, keyPath) => {
    const { file } = withConfig("config.yaml", text);
    const error = (await loadConfig({ file, from: "default" }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.keyPath).toBe(keyPath);
    expect(error.message.startsWith(`${file}: ${keyPath}: `)).toBe(true);
  });

  it("reads auth: an OIDC profile with its defaults, a portal one as no auth, and suggests a misspelt key", async () => {
    const oidc = `${acme}    auth: { type: oidc, issuer: https://id.acme.example, clientId: rxportal-cli, audience: https://portal.acme.example/api }\n`;
    const { ctx, file } = withConfig("config.yaml", oidc);
    const config = await loadConfig({ file, from: "default" });
    expect(resolveProfile(config, { env: ctx.env }).auth).toEqual({
      type: "oidc",
      issuer: "https://id.acme.example",
      clientId: "rxportal-cli",
      scopes: ["openid", "profile", "offline_access"],
      audience: "https://portal.acme.example/api",
      redirectPort: 0,
    });
    const portal = withConfig("config.yaml", `${acme}    auth: { type: portal }\n`);
    const plain = await loadConfig({ file: portal.file, from: "default" });
    expect(resolveProfile(plain, { env: portal.ctx.env }).auth).toBeUndefined();
    const typo = withConfig(
      "config.yaml",
      `${acme}    auth: { type: oidc, issuer: https://id.acme.example, clientid: rx }\n`,
    );
    const error = (await loadConfig({ file: typo.file, from: "default" }).catch(
      (e: unknown) => e,
    )) as ConfigError;
    expect(error.exitCode).toBe(78);
    expect(error.message).toContain("clientId");
  });

  it("reports broken YAML and JSON with the file name", async () => {
    const yaml = withConfig("config.yaml", "profiles:\n  acme: [\n");
    await expect(loadConfig({ file: yaml.file, from: "default" })).rejects.toThrow(
      new RegExp(`^${yaml.file}: not valid YAML`),
    );
    const json = withConfig("config.json", "{ nope");
    await expect(loadConfig({ file: json.file, from: "default" })).rejects.toThrow(/not valid JSON/);
  });

  it("refuses a missing file that was named on purpose", async () => {
    await expect(loadConfig({ file: "/nonexistent/rx.yaml", from: "--config" })).rejects.toThrow(
      "/nonexistent/rx.yaml: no such file (named by --config).",
    );
  });

  it("refuses an unknown profile as a usage error listing the known ones", async () => {
    const { file } = withConfig("config.yaml", acme);
    const config = await loadConfig({ file, from: "default" });
    expect(() => resolveProfile(config, { flag: "nope", env: {} })).toThrow(UsageError);
    expect(() => resolveProfile(config, { flag: "nope", env: {} })).toThrow(/known profiles: acme, sandbox/);
  });

  it("accepts an inline contacts directory and rejects a bad phone number", async () => {
    const inline = `${acme}    contacts:
      advice: Call the help desk first.
      contacts:
        - { id: desk, name: Help desk, purpose: Everything, phone: "(555) 010-0100", enrollees: [commercial], topics: [website] }
`;
    const good = withConfig("config.yaml", inline);
    const profile = resolveProfile(await loadConfig({ file: good.file, from: "default" }), { env: {} });
    expect(profile.contacts.contacts[0]?.id).toBe("desk");
    const bad = withConfig("config.yaml", inline.replace('"(555) 010-0100"', "call us"));
    await expect(loadConfig({ file: bad.file, from: "default" })).rejects.toThrow(
      /profiles\.acme\.contacts\.contacts\[0\]\.phone: expected a phone number/,
    );
  });
});

describe("the validated-config cache", () => {
  const read = (f: string) => JSON.parse(readFileSync(f, "utf8"));

  it("keeps the validated result beside the exact text (0600), and reuses it only for that text", async () => {
    const { file, ctx } = withConfig("config.yaml", acme);
    const cacheFile = join(ctx.paths.dataDir, "config-cache.json");
    const first = await loadConfig({ file, from: "default" }, { cacheFile });
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    expect(read(cacheFile)).toMatchObject({ file, text: acme, data: first.data });

    // A cache entry for this very text is trusted: prove it by planting a different result.
    const planted = {
      ...read(cacheFile),
      data: { profiles: { acme: { baseUrl: "https://planted.example/api" } } },
    };
    writeFileSync(cacheFile, JSON.stringify(planted));
    const hit = await loadConfig({ file, from: "default" }, { cacheFile });
    expect(hit.data.profiles?.acme?.baseUrl).toBe("https://planted.example/api");

    // One changed character in the file, and the file is parsed and validated again.
    writeFileSync(file, acme.replace("8000", "9000"));
    const miss = await loadConfig({ file, from: "default" }, { cacheFile });
    expect(miss.data.profiles?.acme?.timeoutMs).toBe(9000);
    expect(miss.data.profiles?.acme?.baseUrl).toBe("https://portal.acme.example/api/v1");
  });

  it("never lets a cache hide an invalid file, and ignores a damaged or foreign cache", async () => {
    const { file, ctx } = withConfig("config.yaml", "profiles:\n  acme:\n    timeoutMs: soon\n");
    const cacheFile = join(ctx.paths.dataDir, "config-cache.json");
    await expect(loadConfig({ file, from: "default" }, { cacheFile })).rejects.toThrow(ConfigError);
    expect(() => statSync(cacheFile)).toThrow();
    mkdirSync(ctx.paths.dataDir, { recursive: true });
    for (const junk of ["{not json", JSON.stringify({ revision: 999, file, text: acme, data: {} })]) {
      writeFileSync(file, acme);
      writeFileSync(cacheFile, junk);
      const loaded = await loadConfig({ file, from: "default" }, { cacheFile });
      expect(loaded.data.profiles?.acme?.username).toBe("jdoe");
    }
  });

  it("reads any damaged cache as a miss (never an error), and replaces it with a good one", async () => {
    const { file, ctx } = withConfig("config.yaml", acme);
    const cacheFile = join(ctx.paths.dataDir, "config-cache.json");
    mkdirSync(ctx.paths.dataDir, { recursive: true });
    const good = (await loadConfig({ file, from: "default" }, { cacheFile })).data;
    const shaped = fc.record({
      revision: fc.oneof(fc.constant(2), fc.jsonValue()),
      version: fc.oneof(fc.string(), fc.jsonValue()),
      file: fc.oneof(fc.constant(file), fc.jsonValue()),
      text: fc.oneof(fc.constant(acme), fc.jsonValue()),
      data: fc.oneof(fc.constant(null), fc.string(), fc.array(fc.integer())),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          shaped.map((v) => JSON.stringify(v)),
        ),
        async (junk) => {
          writeFileSync(cacheFile, junk);
          const loaded = await loadConfig({ file, from: "default" }, { cacheFile });
          expect(loaded.data).toEqual(good);
          expect(read(cacheFile)).toMatchObject({ file, text: acme, data: good });
          expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
        },
      ),
      { numRuns: 40 },
    );
  });
});
