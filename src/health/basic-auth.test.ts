import { describe, expect, it } from "vitest";
import { basicAuthVerifier, CACHE_SIZE, parseBasic } from "./basic-auth.js";

const header = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** A stand-in for bcrypt: "hash:<password>" matches <password>; counts the calls. */
function fakeCompare() {
  const calls: string[] = [];
  const compare = async (password: string, hash: string) => {
    calls.push(hash);
    return hash === `hash:${password}`;
  };
  return { compare, calls };
}

describe("parseBasic", () => {
  it("reads user and password (the password may hold colons); refuses what is not Basic", () => {
    expect(parseBasic(header("u", "a:b"))).toEqual({ user: "u", password: "a:b" });
    expect(parseBasic(`basic  ${Buffer.from("u:p").toString("base64")}`)).toEqual({
      user: "u",
      password: "p",
    });
    expect(parseBasic(undefined)).toBeUndefined();
    expect(parseBasic("Bearer abc")).toBeUndefined();
    expect(parseBasic(`Basic ${Buffer.from("nocolon").toString("base64")}`)).toBeUndefined();
  });
});

describe("basicAuthVerifier", () => {
  const users = new Map([["prom", "hash:right"]]);

  it("the right password passes; a wrong one, an unknown user or no header does not", async () => {
    const { compare } = fakeCompare();
    const verify = basicAuthVerifier(() => users, compare);
    expect(await verify(header("prom", "right"))).toEqual({ ok: true, user: "prom" });
    expect((await verify(header("prom", "wrong"))).ok).toBe(false);
    expect((await verify(header("ghost", "right"))).ok).toBe(false);
    expect((await verify(undefined)).ok).toBe(false);
  });

  it("an unknown user's password is still checked against a (dummy) hash: the same work as a known user", async () => {
    const { compare, calls } = fakeCompare();
    const verify = basicAuthVerifier(() => users, compare);
    await verify(header("ghost", "right"));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^\$2b\$10\$/);
  });

  it("a verified password, right or wrong, is cached: bcrypt runs once per (user, hash, password)", async () => {
    const { compare, calls } = fakeCompare();
    const verify = basicAuthVerifier(() => users, compare);
    for (let i = 0; i < 5; i++) {
      expect((await verify(header("prom", "right"))).ok).toBe(true);
      expect((await verify(header("prom", "wrong"))).ok).toBe(false);
    }
    expect(calls).toHaveLength(2);
  });

  it("a new hash for the user (the file changed) is checked afresh, and the cache stays bounded", async () => {
    const { compare, calls } = fakeCompare();
    let current = new Map([["prom", "hash:right"]]);
    const verify = basicAuthVerifier(() => current, compare);
    expect((await verify(header("prom", "right"))).ok).toBe(true);
    current = new Map([["prom", "hash:other"]]);
    expect((await verify(header("prom", "right"))).ok).toBe(false);
    expect(calls).toHaveLength(2);
    for (let i = 0; i < CACHE_SIZE + 10; i++) await verify(header("prom", `p${i}`));
    // The oldest went out: "right" against the first hash is not cached any more.
    current = new Map([["prom", "hash:right"]]);
    const before = calls.length;
    await verify(header("prom", "right"));
    expect(calls.length).toBe(before + 1);
  });

  it("with real bcryptjs: a $2y$ hash as htpasswd writes it, and a $2b$ one", async () => {
    const { loadCompare } = await import("./basic-auth.js");
    const bcrypt = await import("bcryptjs");
    const compare = await loadCompare();
    const b = bcrypt.hashSync("s3cret", 4);
    const y = b.replace(/^\$2b\$/, "$2y$");
    for (const hash of [b, y]) {
      const verify = basicAuthVerifier(() => new Map([["u", hash]]), compare);
      expect((await verify(header("u", "s3cret"))).ok).toBe(true);
      expect((await verify(header("u", "S3cret"))).ok).toBe(false);
    }
  });
});
