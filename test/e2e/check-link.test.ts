// End to end: `check-link` through the built binary. The verdict states the link's real scheme,
// a trailing dot is the same host, non-web links are named as such, links pasted without a scheme
// or in angle brackets are checked with the assumption said, and subdomains are named as such.
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/spawn.js";

const es = (...args: string[]) => runCli(["--profile", "express-scripts", "check-link", ...args]);

describe("rxportal check-link (built binary)", () => {
  it("http on loopback (the sandbox profile) says plain http, never https", async () => {
    const r = await runCli(["check-link", "http://127.0.0.1/reset"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toBe(
      'Safe: 127.0.0.1 is an official host of profile "sandbox", over plain http, which is accepted only for a portal on this computer (such as the sandbox).',
    );
    expect(r.stdout).not.toContain("https");
  });

  it("http to the real portal's host is suspicious, naming http", async () => {
    const r = await es("http://www.express-scripts.com/reset");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /^Suspicious: do not open this link \(www\.express-scripts\.com, over http\)\.$/m,
    );
    expect(r.stdout).toContain("uses plain http://, not https://");
  });

  it("a trailing dot is the same host, not a look-alike of itself", async () => {
    const r = await es("https://www.express-scripts.com./x");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /^Safe: www\.express-scripts\.com is an official host of profile "express-scripts", over https\.$/m,
    );
    expect(r.stdout).toMatch(
      /Note: the host is written with a dot at the end \(www\.express-scripts\.com\.\)/,
    );
    expect(r.stdout).not.toMatch(/look|typing change|not one of/);
  });

  it.each([
    ["javascript:alert(document.cookie)", "javascript", /runs a script/],
    ["data:text/html;base64,PGgxPkhpPC9oMT4=", "data", /carries its own content/],
  ])("%s: not a web link, exit 1", async (link, scheme, what) => {
    const r = await es(link);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const [first] = r.stdout.split("\n");
    expect(first).toMatch(new RegExp(`^Not a web link: this ${scheme}: link `));
    expect(first).toMatch(what);
    expect(first).toMatch(/Do not open it\.$/);
    const json = await runCli(["--profile", "express-scripts", "check-link", link, "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: "not-a-web-link", safe: false, scheme });
  });

  it("no scheme: checked as https, saying so", async () => {
    const r = await es("www.express-scripts.com/reset?token=abc");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Safe: www\.express-scripts\.com is an official host/m);
    expect(r.stdout).toContain(
      "Note: no scheme was given; checked as https://www.express-scripts.com/reset?token=abc",
    );
    const bad = await es("express-scripts.com.account-verify.example/reset");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^Suspicious/);
    expect(bad.stdout).toContain("no scheme was given");
  });

  it("angle brackets, as mail programs write links: checked without them, saying so", async () => {
    const r = await es("<https://www.express-scripts.com/reset>");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Safe: www\.express-scripts\.com is an official host/m);
    expect(r.stdout).toContain("Note: the link was wrapped in angle brackets");
    const json = await runCli([
      "--profile",
      "express-scripts",
      "check-link",
      "<https://www.express-scripts.com/reset>",
      "--json",
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      verdict: "safe",
      url: "https://www.express-scripts.com/reset",
      officialHost: "www.express-scripts.com",
      officialMatch: "exact",
    });
  });

  it("a subdomain of an official host is named as a subdomain of it", async () => {
    const r = await es("https://login.militaryrx.express-scripts.com/x");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toBe(
      'Safe: login.militaryrx.express-scripts.com is a subdomain of militaryrx.express-scripts.com, an official host of profile "express-scripts", over https.',
    );
  });

  it("text that is no link at all is still a usage error", async () => {
    const r = await es("not a link");
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      'rxportal: "not a link" is not a URL; paste the whole link, starting with https://\n',
    );
  });
});
