import { domainToASCII } from "node:url";
import { describe, expect, it } from "vitest";
import { checkLink, editDistance, skeleton, UnparsableLinkError } from "./check-link.js";

// shared/facts.md: the portal's official web hosts.
const official = ["express-scripts.com", "www.express-scripts.com", "militaryrx.express-scripts.com"];

describe("checkLink", () => {
  it.each([
    "https://www.express-scripts.com/login/reset?token=abc",
    "https://militaryrx.express-scripts.com/faq",
    "https://express-scripts.com/",
    "https://WWW.Express-Scripts.com/",
  ])("passes %s", async (url) => {
    const verdict = await checkLink(url, official);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.safe).toBe(true);
  });

  it("flags the official domain used as a subdomain of another one", async () => {
    const v = await checkLink("https://express-scripts.com.account-verify.example/reset", official);
    expect(v.safe).toBe(false);
    expect(v.registrableDomain).toBe("account-verify.example");
    expect(v.reasons.join("\n")).toMatch(/puts "express-scripts\.com" in front of another domain/);
  });

  it("flags a punycode look-alike and shows it decoded", async () => {
    const lookalike = domainToASCII("exprеss-scripts.com"); // Cyrillic е
    expect(lookalike).toMatch(/^xn--/);
    const v = await checkLink(`https://${lookalike}/reset`, official);
    expect(v.safe).toBe(false);
    expect(v.hostDecoded).toBe("exprеss-scripts.com");
    expect(v.reasons.join("\n")).toMatch(/punycode/);
    expect(v.reasons.join("\n")).toMatch(/look-alike characters \("е" U\+0435\)/);
  });

  it("flags plain http, even for an official host", async () => {
    const v = await checkLink("http://www.express-scripts.com/reset", official);
    expect(v.safe).toBe(false);
    expect(v.reasons).toEqual([expect.stringMatching(/plain http:\/\//)]);
  });

  it("flags user info before the host", async () => {
    const v = await checkLink("https://express-scripts.com@evil.example/reset", official);
    expect(v.safe).toBe(false);
    expect(v.hostDecoded).toBe("evil.example");
    expect(v.reasons[0]).toMatch(/"express-scripts\.com@" before the host.*evil\.example/);
  });

  it("flags user info even when the real host is official", async () => {
    expect((await checkLink("https://user:pw@www.express-scripts.com/", official)).safe).toBe(false);
  });

  it.each(["https://203.0.113.9/reset", "https://[2001:db8::1]/reset"])(
    "flags the IP host in %s",
    async (url) => {
      const v = await checkLink(url, official);
      expect(v.safe).toBe(false);
      expect(v.reasons.join("\n")).toMatch(/bare IP address/);
    },
  );

  it.each([
    ["https://express-scrlpts.com/", /look-alike characters/],
    ["https://express-scripts.net/", /another ending \(\.net instead of \.com\)/],
    ["https://expres-scripts.com/", /1 typing change away/],
    ["https://exrpess-scripts.com/", /1 typing change away/],
    ["https://express-scripts-login.com/", /borrows the portal's name/],
    ["https://example.org/", /not one of the portal's official hosts/],
  ])("flags %s", async (url, reason) => {
    const v = await checkLink(url, official);
    expect(v.safe).toBe(false);
    expect(v.reasons.join("\n")).toMatch(reason);
  });

  it("allows http on loopback for the sandbox profile", async () => {
    const sandbox = ["localhost", "127.0.0.1"];
    expect((await checkLink("http://127.0.0.1:8787/reset", sandbox)).safe).toBe(true);
    expect((await checkLink("http://localhost:8787/reset", sandbox)).safe).toBe(true);
    expect((await checkLink("http://127.0.0.1:8787/reset", official)).safe).toBe(false);
  });

  it("refuses what is not a URL", async () => {
    await expect(checkLink("express-scripts.com/reset", official)).rejects.toBeInstanceOf(
      UnparsableLinkError,
    );
    await expect(checkLink("javascript:alert(1)", official)).resolves.toMatchObject({ safe: false });
  });
});

describe("look-alike helpers", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("express", "exrpess")).toBe(1);
    expect(editDistance("abc", "abc")).toBe(0);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("folds confusable characters", () => {
    expect(skeleton("ехрress")).toBe(skeleton("express"));
    expect(skeleton("rnicrosoft")).toBe(skeleton("microsoft"));
    expect(skeleton("g00gle")).toBe(skeleton("google"));
    expect(skeleton("раураl")).toBe(skeleton("paypal"));
  });
});
