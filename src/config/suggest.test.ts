import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigFileSchema, ProfileSchema } from "./schema.js";
import { closestKey, editDistance, knownKeysAt } from "./suggest.js";

describe("closestKey", () => {
  it("prefers the same letters in another case, then the nearest spelling", () => {
    const known = ["baseUrl", "officialHosts", "username", "timeoutMs", "paths", "contacts"];
    expect(closestKey("baseURL", known)).toBe("baseUrl");
    expect(closestKey("baseurl", known)).toBe("baseUrl");
    expect(closestKey("timeotMs", known)).toBe("timeoutMs");
    expect(closestKey("usrename", known)).toBe("username");
    expect(closestKey("colour", known)).toBeUndefined();
  });

  it("suggests a key back from any one-letter slip of it", () => {
    const known = ["baseUrl", "officialHosts", "username", "timeoutMs", "paths", "contacts"];
    fc.assert(
      fc.property(fc.constantFrom(...known), fc.nat(), fc.constantFrom("x", "q", ""), (key, at, letter) => {
        const i = at % key.length;
        const slipped = key.slice(0, i) + letter + key.slice(i + 1);
        expect(closestKey(slipped, known)).toBe(key);
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it("edit distance is symmetric and zero only for equal strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
      }),
      { numRuns: 200, seed: 6 },
    );
  });
});

describe("knownKeysAt", () => {
  it("walks records, optionals and unions to the object that holds the key", () => {
    expect(knownKeysAt(ConfigFileSchema, [])).toEqual(["defaultProfile", "profiles"]);
    expect(knownKeysAt(ConfigFileSchema, ["profiles", "acme"])).toEqual(Object.keys(ProfileSchema.shape));
    expect(knownKeysAt(ConfigFileSchema, ["profiles", "acme", "contacts"])).toEqual(["advice", "contacts"]);
    expect(knownKeysAt(ConfigFileSchema, ["profiles", "acme", "contacts", "contacts", 0])).toContain("phone");
    expect(knownKeysAt(ConfigFileSchema, ["nope", "x"])).toEqual([]);
  });
});
