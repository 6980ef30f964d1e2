import { type AddressInfo, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { checkProxy, describeProxyEnv, redactProxyUrl } from "./proxy-env.js";

const URL_ = "https://portal.example.com/api/v1";

describe("describeProxyEnv", () => {
  it("no variables: direct", () => {
    const d = describeProxyEnv({}, URL_);
    expect(d).toMatchObject({ proxied: false, set: [], allProxyIgnored: false });
    expect(d.summary).toMatch(/No proxy/);
  });

  it("HTTPS_PROXY applies to https URLs; lower case wins over upper case", () => {
    const d = describeProxyEnv({ HTTPS_PROXY: "http://upper:3128", https_proxy: "http://lower:3128" }, URL_);
    expect(d).toMatchObject({
      proxied: true,
      chosen: { name: "https_proxy" },
      proxyUrl: "http://lower:3128",
    });
    expect(d.set.map((v) => v.name)).toEqual(["https_proxy", "HTTPS_PROXY"]);
  });

  it("an https URL falls back to HTTP_PROXY; an http URL never uses HTTPS_PROXY", () => {
    expect(describeProxyEnv({ HTTP_PROXY: "http://p:8080" }, URL_)).toMatchObject({
      proxied: true,
      chosen: { name: "HTTP_PROXY" },
    });
    expect(describeProxyEnv({ HTTPS_PROXY: "http://p:8080" }, "http://127.0.0.1:8787/api/v1")).toMatchObject({
      proxied: false,
    });
  });

  it("NO_PROXY exempts the host, its subdomains, '*' and host:port entries", () => {
    const env = { HTTPS_PROXY: "http://p:8080" };
    for (const noProxy of [
      "example.com",
      ".example.com",
      "*.example.com",
      "portal.example.com:443",
      "*",
      "a, portal.example.com",
    ]) {
      const d = describeProxyEnv({ ...env, NO_PROXY: noProxy }, URL_);
      expect(d.proxied, noProxy).toBe(false);
      expect(d.noProxy?.matchedEntry).toBeDefined();
      expect(d.summary).toMatch(/direct/);
    }
    for (const noProxy of ["other.com", "portal.example.com:8443", "xample.com"]) {
      expect(describeProxyEnv({ ...env, no_proxy: noProxy }, URL_).proxied, noProxy).toBe(true);
    }
  });

  it("ALL_PROXY alone is reported as not used by rxportal", () => {
    const d = describeProxyEnv({ all_proxy: "socks5://p:1080" }, URL_);
    expect(d).toMatchObject({ proxied: false, allProxyIgnored: true });
    expect(d.summary).toMatch(/all_proxy.*does not use it/);
  });

  it("never shows a proxy password", () => {
    const d = describeProxyEnv({ HTTPS_PROXY: "http://alice:s3cret-pw@proxy.corp:3128" }, URL_);
    expect(JSON.stringify(d)).not.toContain("s3cret-pw");
    expect(JSON.stringify(d)).not.toContain("alice");
    expect(d.proxyUrl).toBe("http://***@proxy.corp:3128");
    expect(redactProxyUrl("bob:pw@proxy:3128")).toBe("***@proxy:3128");
  });
});

describe("checkProxy", () => {
  it("undefined when no proxy applies", async () => {
    expect(await checkProxy({}, URL_, { timeoutMs: 500 })).toBeUndefined();
  });

  it("connects to a listening proxy and reports a refused one, without its credentials", async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const up = await checkProxy({ HTTPS_PROXY: `http://u:pw@127.0.0.1:${port}` }, URL_, {
        timeoutMs: 1000,
      });
      expect(up?.connect).toMatchObject({ ok: true });
      expect(JSON.stringify(up)).not.toContain("pw@");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await checkProxy({ HTTPS_PROXY: `http://127.0.0.1:${port}` }, URL_, { timeoutMs: 1000 });
    expect(down?.connect).toMatchObject({ ok: false, code: "ECONNREFUSED" });
  });
});
