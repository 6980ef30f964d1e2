import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { loadWebConfig } from "./web-config.js";

const HASH = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG";
const load = (text: string) => loadWebConfig("/etc/rxportal/web.yml", async () => text);

describe("loadWebConfig", () => {
  it("reads the toolkit's TLS, headers and users; paths are relative to the file; TLS 1.2 at least by default", async () => {
    const web = await load(`tls_server_config:
  cert_file: tls/cert.pem
  key_file: /abs/key.pem
http_server_config:
  http2: false
  headers:
    strict-transport-security: max-age=31536000
basic_auth_users:
  prometheus: ${HASH}
`);
    expect(web.tls).toEqual({
      certFile: "/etc/rxportal/tls/cert.pem",
      keyFile: "/abs/key.pem",
      clientAuthType: "NoClientCert",
      clientCaFile: undefined,
      minVersion: "TLSv1.2",
      maxVersion: undefined,
    });
    expect(web.headers).toEqual({ "Strict-Transport-Security": "max-age=31536000" });
    expect([...web.users]).toEqual([["prometheus", HASH]]);
  });

  it("an empty file: no TLS, no users", async () => {
    const web = await load("");
    expect(web.tls).toBeUndefined();
    expect(web.users.size).toBe(0);
  });

  it("client certificates and versions", async () => {
    const web = await load(`tls_server_config:
  cert_file: c.pem
  key_file: k.pem
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.pem
  min_version: TLS13
`);
    expect(web.tls).toMatchObject({
      clientAuthType: "RequireAndVerifyClientCert",
      clientCaFile: "/etc/rxportal/ca.pem",
      minVersion: "TLSv1.3",
    });
  });

  it.each([
    ["basic_auth_user:\n  a: x\n", 'unknown key "basic_auth_user"; did you mean "basic_auth_users"?'],
    [
      "tls_server_config:\n  cert_file: c\n  key_file: k\n  curve_preferences: [X25519]\n",
      "curve_preferences: not supported",
    ],
    ["tls_server_config:\n  cert: inline\n", "tls_server_config.cert: not supported"],
    ["http_server_config:\n  http2: true\n", "http2: true is not supported"],
    ["http_server_config:\n  headers:\n    X-Powered-By: me\n", '"X-Powered-By" is not a header'],
    [
      "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
      '"allow" is not one of deny, sameorigin',
    ],
    [
      "tls_server_config:\n  cert_file: c\n  key_file: k\n  client_ca_file: ca\n",
      "client_auth_type is NoClientCert",
    ],
    [
      "tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: Sometimes\n",
      '"Sometimes" is not one of',
    ],
    [
      "tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS13\n  max_version: TLS12\n",
      "max_version is below min_version",
    ],
    ["basic_auth_users:\n  prometheus: hunter2\n", "basic_auth_users.prometheus: not a bcrypt hash"],
    [`basic_auth_users:\n  p: ${HASH.replace("$2y$", "$2x$")}\n`, "basic_auth_users.p: not a bcrypt hash"],
    [`basic_auth_users:\n  p: ${HASH.replace("$10$", "$99$")}\n`, "basic_auth_users.p: not a bcrypt hash"],
    [`basic_auth_users:\n  a: ${HASH}\n  a: ${HASH}\n`, 'the key "a" is given twice'],
    ["- a\n- b\n", "expected a map of settings"],
  ])("%j: ConfigError naming the key", async (text, message) => {
    const error = await load(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("/etc/rxportal/web.yml (--web-config-file): ");
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("hunter2");
  });
});
