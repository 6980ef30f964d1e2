// --web-config-file against the exporter-toolkit's own reader: monitoring/web-config.yml, and a set
// of right and wrong files, are read by rxportal (src/health/web-config.ts) and by
// `promtool check web-config` (Prometheus's copy of the toolkit). For the keys rxportal
// implements, where the toolkit accepts or refuses a file, so does rxportal, but for a
// max_version below min_version (the toolkit accepts it, then fails every handshake). The keys
// rxportal does not implement (cipher_suites, http2: true, ...) it refuses by name, where the
// toolkit takes them; docs/operating.md lists both.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadWebConfig } from "../../src/health/web-config.js";
import { readTlsFiles } from "../../src/health/web-tls.js";
import { makeTestCertificates, opensslAvailable, type TestCertificates } from "../helpers/tls-certs.js";

const havePromtool = spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;
const example = new URL("../../monitoring/web-config.yml", import.meta.url).pathname;
const HASH = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG";

describe.runIf(opensslAvailable())("web config files: rxportal and the exporter-toolkit agree", () => {
  let certs: TestCertificates;
  let dir: string;

  beforeAll(() => {
    certs = makeTestCertificates();
    dir = join(certs.dir, "web");
    mkdirSync(join(dir, "tls"), { recursive: true });
    copyFileSync(certs.good.certFile, join(dir, "tls", "exporter.pem"));
    copyFileSync(certs.good.keyFile, join(dir, "tls", "exporter.key"));
    copyFileSync(certs.ca.certFile, join(dir, "tls", "ca.pem"));
  });

  /** rxportal's verdict: the file is read and its certificate loads. */
  async function rxportal(file: string): Promise<string | undefined> {
    try {
      const web = await loadWebConfig(file, async (f) => readFileSync(f, "utf8"));
      if (web.tls) readTlsFiles(web.tls);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  function toolkit(file: string): { ok: boolean; out: string } {
    const r = spawnSync("promtool", ["check", "web-config", file], { encoding: "utf8" });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  }

  it("monitoring/web-config.yml is read by both", async () => {
    const file = join(dir, "example.yml");
    copyFileSync(example, file);
    expect(await rxportal(file)).toBeUndefined();
    if (havePromtool) expect(toolkit(file)).toMatchObject({ ok: true });
  });

  const tls = "tls_server_config:\n  cert_file: tls/exporter.pem\n  key_file: tls/exporter.key\n";
  it.each([
    ["empty", "", true],
    ["TLS only", tls, true],
    ["TLS 1.3 at least", `${tls}  min_version: TLS13\n`, true],
    [
      "client certificates verified",
      `${tls}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: tls/ca.pem\n`,
      true,
    ],
    ["verified against the system's CAs", `${tls}  client_auth_type: RequireAndVerifyClientCert\n`, true],
    ["if given", `${tls}  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: tls/ca.pem\n`, true],
    ["users only", `basic_auth_users:\n  prometheus: ${HASH}\n`, true],
    ["http2 false", "http_server_config:\n  http2: false\n", true],
    ["a toolkit header", "http_server_config:\n  headers:\n    X-Frame-Options: deny\n", true],
    ["an unknown key", "tls_server_config:\n  cert_fle: tls/exporter.pem\n", false],
    ["an unknown top-level key", "basic_auth_user:\n  a: b\n", false],
    ["no key_file", "tls_server_config:\n  cert_file: tls/exporter.pem\n", false],
    [
      "a missing certificate",
      "tls_server_config:\n  cert_file: tls/nope.pem\n  key_file: tls/exporter.key\n",
      false,
    ],
    ["a client CA without a client auth type", `${tls}  client_ca_file: tls/ca.pem\n`, false],
    ["an unknown client auth type", `${tls}  client_auth_type: Sometimes\n`, false],
    ["an unknown TLS version", `${tls}  min_version: TLS14\n`, false],
    ["a password instead of a hash", "basic_auth_users:\n  prometheus: hunter2\n", false],
    ["a header the toolkit does not allow", "http_server_config:\n  headers:\n    X-Powered-By: me\n", false],
    [
      "a header value the toolkit does not allow",
      "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
      false,
    ],
  ])("%s: accepted %s by both", async (name, text, accepted) => {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.yml`);
    writeFileSync(file, text);
    const ours = await rxportal(file);
    expect(ours === undefined, ours).toBe(accepted);
    if (havePromtool) {
      const theirs = toolkit(file);
      expect(theirs.ok, theirs.out).toBe(accepted);
    }
  });

  it.runIf(havePromtool).each([
    [
      "max_version below min_version",
      `${tls}  min_version: TLS13\n  max_version: TLS12\n`,
      "max_version is below min_version",
    ],
    [
      "cipher_suites (not implemented)",
      `${tls}  cipher_suites: [TLS_AES_128_GCM_SHA256]\n`,
      "cipher_suites: not supported",
    ],
    ["http2: true (HTTP/1.1 only)", "http_server_config:\n  http2: true\n", "http2: true is not supported"],
  ])("refused by rxportal, taken by the toolkit: %s", async (name, text, message) => {
    const file = join(dir, `differs-${name.replace(/\W+/g, "-")}.yml`);
    writeFileSync(file, text);
    expect(await rxportal(file)).toContain(message);
    expect(toolkit(file).ok).toBe(true);
  });
});
