import { domainToASCII } from "node:url";
import fc from "fast-check";
import { parse } from "tldts";
import { describe, expect, it } from "vitest";
import {
  checkLink,
  describeVerdict,
  editDistance,
  judgeLink,
  type LinkVerdict,
  skeleton,
  UnparsableLinkError,
} from "./check-link.js";

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
    for (const text of ["not a link", "", "   ", "reset?token=abc", "<>"]) {
      await expect(checkLink(text, official), text).rejects.toBeInstanceOf(UnparsableLinkError);
    }
    await expect(checkLink("javascript:alert(1)", official)).resolves.toMatchObject({
      safe: false,
      verdict: "not-a-web-link",
    });
  });

  it("checks a link pasted without a scheme as https, and says so", async () => {
    const v = await checkLink("www.express-scripts.com/reset", official);
    expect(v).toMatchObject({ safe: true, scheme: "https", url: "https://www.express-scripts.com/reset" });
    expect(v.notes.join("\n")).toMatch(
      /no scheme was given; checked as https:\/\/www\.express-scripts\.com\/reset/,
    );
    const userinfo = await checkLink("express-scripts.com@evil.example/reset", official);
    expect(userinfo).toMatchObject({ safe: false, scheme: "https", host: "evil.example" });
    expect(userinfo.reasons[0]).toMatch(/"express-scripts\.com@" before the host/);
    const email = await checkLink("help@express-scripts.com", official);
    expect(email).toMatchObject({ safe: false, verdict: "not-a-web-link", scheme: "mailto" });
    expect(email.notes[0]).toMatch(/is an email address, checked as mailto:help@express-scripts\.com/);
    const local = await checkLink("localhost:8787/reset", ["localhost"]);
    expect(local).toMatchObject({ scheme: "https", host: "localhost", url: "https://localhost:8787/reset" });
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

describe("generated links (fast-check)", () => {
  const judge = (text: string, hosts: readonly string[] = official) =>
    judgeLink(text, hosts, (h) => parse(h));
  const headline = (v: LinkVerdict) => describeVerdict(v, "express-scripts", official)[0] as string;
  const randomCase = (text: string) =>
    fc
      .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
      .map((upper) => [...text].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(""));
  const path = fc.stringMatching(/^(\/[a-z0-9?=&_-]{0,12}){0,3}$/);
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);

  it("an official host in any case, with or without a trailing dot, a scheme or angle brackets, is safe and the same host", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...official).chain((h) => randomCase(h).map((cased) => [h, cased] as const)),
        fc.boolean(),
        fc.constantFrom("https://", "HTTPS://", "", "//"),
        fc.boolean(),
        path,
        ([host, cased], dot, scheme, brackets, rest) => {
          const link = `${scheme}${cased}${dot ? "." : ""}${rest}`;
          const v = judge(brackets ? `<${link}>` : link);
          expect(v.reasons, link).toEqual([]);
          expect(v).toMatchObject({ safe: true, verdict: "safe", scheme: "https", host, officialHost: host });
          expect(v.officialMatch).toBe("exact");
          expect(
            v.notes.some((n) => n.includes("no scheme was given")),
            link,
          ).toBe(!/^https:/i.test(scheme));
          expect(
            v.notes.some((n) => n.includes("dot at the end")),
            link,
          ).toBe(dot);
          expect(
            v.notes.some((n) => n.includes("angle brackets")),
            link,
          ).toBe(brackets);
          expect(headline(v)).toMatch(/over https\.$/);
          expect(headline(v)).toContain("an official host");
        },
      ),
      { numRuns: 300, seed: 1 },
    );
  });

  it("a name under an official host is called a subdomain of the closest official host", () => {
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...official),
        (labels, parent) => {
          const host = `${labels.join(".")}.${parent}`;
          const v = judge(`https://${host}/x`);
          expect(v.safe).toBe(true);
          expect(v.officialMatch).toBe("subdomain");
          // The longest official host the name ends with.
          const closest = official
            .filter((h) => host.endsWith(`.${h}`))
            .sort((a, b) => b.length - a.length)[0];
          expect(v.officialHost).toBe(closest);
          expect(headline(v)).toContain(`is a subdomain of ${closest}, an official host`);
        },
      ),
      { numRuns: 200, seed: 2 },
    );
  });

  it("javascript:, data: and other non-web schemes, in any case: 'not a web link', one reason, never safe", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("javascript", "data", "vbscript", "mailto", "file", "tel", "blob").chain(randomCase),
        fc.constantFrom(
          "alert(1)",
          "text/html,<b>hi</b>",
          "help@express-scripts.com",
          "///etc/passwd",
          "x",
          "",
        ),
        (scheme, payload) => {
          const v = judge(`${scheme}:${payload}`);
          expect(v).toMatchObject({ safe: false, verdict: "not-a-web-link", scheme: scheme.toLowerCase() });
          expect(v.reasons).toHaveLength(1);
          expect(v.reasons[0]).toMatch(/^is not a web link: this [a-z]+: link /);
          expect(headline(v)).toMatch(/^Not a web link: this [a-z]+: link .* Do not open it\.$/);
        },
      ),
      { numRuns: 150, seed: 3 },
    );
  });

  it("the headline names the real scheme: http is never reported as https", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("http", "https"),
        fc.oneof(
          fc.constantFrom(...official, "127.0.0.1", "localhost"),
          label.map((l) => `${l}.example`),
        ),
        fc.constantFrom(official, ["localhost", "127.0.0.1"]),
        (scheme, host, hosts) => {
          const v = judge(`${scheme}://${host}/reset`, hosts);
          expect(v.scheme).toBe(scheme);
          const line = describeVerdict(v, "p", hosts)[0] as string;
          expect(line.includes("over https"), line).toBe(scheme === "https");
          if (scheme === "http") expect(line).toMatch(/over (plain )?http\b/);
          // http is accepted only for an official loopback host (the sandbox).
          if (v.safe && scheme === "http") expect(["localhost", "127.0.0.1"]).toContain(host);
        },
      ),
      { numRuns: 200, seed: 4 },
    );
  });

  it("a host that only looks like an official one (a trailing dot elsewhere, punycode) is still flagged", () => {
    fc.assert(
      fc.property(fc.constantFrom("е", "о", "а", "і"), fc.constantFrom(...official), (fake, host) => {
        const i = host.search(/[eoai]/);
        const lookalike = `${host.slice(0, i)}${fake}${host.slice(i + 1)}`;
        const ascii = domainToASCII(lookalike);
        const v = judge(`https://${ascii}./reset`);
        expect(v.safe).toBe(false);
        expect(v.reasons.join("\n")).toMatch(/punycode/);
      }),
      { numRuns: 40, seed: 5 },
    );
  });
});
